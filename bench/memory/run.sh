#!/usr/bin/env bash
# Memory per key, side by side: our node vs Debian's redis-server, same flags, password set, no persistence.
# Loads KEYS keys (default 1,000,000) of 22-byte names and 16-byte values with `redis-cli --pipe`, reads
# used_memory (INFO memory) and VmRSS (/proc/PID/status) before and after, prints bytes per key and the ratio.
#
#   bench/memory/run.sh [path/to/redis-cluster-node]      (default: build/node/redis-cluster-node)
# Environment: KEYS (default 1000000), NODE_PORT (10510), REDIS_PORT (10511), REDIS_SERVER (redis-server).
set -euo pipefail

NODE_BIN=${1:-build/node/redis-cluster-node}
KEYS=${KEYS:-1000000}
NODE_PORT=${NODE_PORT:-10510}
REDIS_PORT=${REDIS_PORT:-10511}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
PASS=bench-memory-pass
WORK=$(mktemp -d /tmp/rcs-bench-memory.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$NODE_BIN" ] || { echo "no node binary at $NODE_BIN (build it or pass its path)" >&2; exit 2; }

# The load file: SET key:<18 digits> val:<12 digits> in RESP (22-byte keys, 16-byte values).
awk -v n="$KEYS" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "*3\r\n$3\r\nSET\r\n$22\r\nkey:%018d\r\n$16\r\nval:%012d\r\n", i, i
  }
}' > "$WORK/load.resp"

wait_ready() {  # port
  for _ in $(seq 1 100); do
    redis-cli -p "$1" -a "$PASS" --no-auth-warning PING 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}
used_memory() { redis-cli -p "$1" -a "$PASS" --no-auth-warning INFO memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }
rss_bytes() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }

measure() {  # name port pid -> prints "name used_before used_after rss_before rss_after"
  local name=$1 port=$2 pid=$3
  sleep 0.5
  local ub rb ua ra
  ub=$(used_memory "$port"); rb=$(rss_bytes "$pid")
  redis-cli -p "$port" -a "$PASS" --no-auth-warning --pipe < "$WORK/load.resp" > "$WORK/$name.pipe.log"
  local dbsize
  dbsize=$(redis-cli -p "$port" -a "$PASS" --no-auth-warning DBSIZE)
  [ "$dbsize" = "$KEYS" ] || { echo "$name: DBSIZE $dbsize, expected $KEYS" >&2; cat "$WORK/$name.pipe.log" >&2; exit 1; }
  sleep 1  # let incremental rehashing settle
  ua=$(used_memory "$port"); ra=$(rss_bytes "$pid")
  echo "$name $ub $ua $rb $ra"
}

FLAGS=(--save "" --appendonly no --requirepass "$PASS" --bind 127.0.0.1)

"$REDIS_SERVER" --port "$REDIS_PORT" "${FLAGS[@]}" --daemonize no > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=("$REDIS_PID")
"$NODE_BIN" --port "$NODE_PORT" "${FLAGS[@]}" --daemonize no > "$WORK/node.log" 2>&1 &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_ready "$REDIS_PORT"
wait_ready "$NODE_PORT" || { cat "$WORK/node.log" >&2; exit 1; }

R=$(measure redis-server "$REDIS_PORT" "$REDIS_PID")
N=$(measure redis-cluster-node "$NODE_PORT" "$NODE_PID")

echo "keys: $KEYS (22-byte names, 16-byte values)"
printf '%-20s %14s %14s %14s %14s\n' server used_mem/key rss/key used_delta rss_delta
for line in "$R" "$N"; do
  set -- $line
  awk -v name="$1" -v ub="$2" -v ua="$3" -v rb="$4" -v ra="$5" -v n="$KEYS" 'BEGIN {
    printf "%-20s %14.1f %14.1f %14d %14d\n", name, (ua-ub)/n, (ra-rb)/n, ua-ub, ra-rb }'
done
set -- $R; r_used=$(( $3 - $2 )); r_rss=$(( $5 - $4 ))
set -- $N; n_used=$(( $3 - $2 )); n_rss=$(( $5 - $4 ))
awk -v ru="$r_used" -v nu="$n_used" -v rr="$r_rss" -v nr="$n_rss" 'BEGIN {
  printf "ratio node/redis: used_memory %.2f, rss %.2f\n", nu/ru, nr/rr }'
