#!/bin/sh
# Writes the ACL users of the deployment as `user` lines of a config file the node reads first, from one
# secret file per user (compose: Docker secrets; scripts/start-local: files in its data folder). Only the
# SHA-256 of each password is written (`#<hex>`), so the file holds no password. The `default` user stays
# the admin (requirepass-file); the others get exactly what their job needs:
#   app          applications: every command but the dangerous ones (@dangerous: FLUSHALL, CONFIG, KEYS,
#                DEBUG, SHUTDOWN, CLUSTER changes, ...) except INFO, which cluster clients send at start
#                (redis-py's RedisCluster checks cluster_enabled with it), every key and channel
#   exporter     redis-cluster-exporter: what it sends (INFO, CLUSTER INFO/NODES, SLOWLOG LEN/GET), no key
#   healthcheck  the container health check: PING only
#   replication  masteruser of the replicas: what a replica sends to its master (PING, REPLCONF, PSYNC)
# Usage: acl-users.sh SECRETS_DIR OUT_FILE   (reads SECRETS_DIR/<user>_password for each user above)
set -eu
dir=$1
out=$2
hash() {
  # The password is the file's first line, as requirepass-file reads it.
  head -n 1 "$1" | tr -d '\r\n' | sha256sum | cut -d' ' -f1
}
tmp="$out.tmp.$$"
umask 077
{
  echo "# Written by acl-users.sh from $dir at start; edit the secret files, not this file."
  echo "user app on #$(hash "$dir/app_password") ~* &* +@all -@dangerous +info"
  echo "user exporter on #$(hash "$dir/exporter_password") resetkeys resetchannels -@all +info +cluster|info +cluster|nodes +slowlog|len +slowlog|get +latency|latest +cluster|slot-stats"
  echo "user healthcheck on #$(hash "$dir/healthcheck_password") resetkeys resetchannels -@all +ping"
  echo "user replication on #$(hash "$dir/replication_password") resetkeys resetchannels -@all +ping +replconf +psync"
} >"$tmp"
mv "$tmp" "$out"
