#!/usr/bin/env bash
# The keyspace alone: compiles keyspace_driver.cc against the node's sources and runs it.
#   bench/memory/driver.sh [keys] [ttl]     (ttl: every key gets an expiry)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d /tmp/rcs-ks-driver.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# The keyspace layer and the base layer below it, whole (the keyspace's own files change between commits).
g++ -std=c++20 -O2 -I"$ROOT/node/src" "$ROOT/bench/memory/keyspace_driver.cc" "$ROOT"/node/src/keyspace/*.cc \
  "$ROOT"/node/src/base/*.cc -o "$OUT/driver" -lpthread
"$OUT/driver" "${1:-1000000}" "${2:-}"
