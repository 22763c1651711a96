#!/usr/bin/env bash
# --check-keys / --check-single-keys end to end: our exporter's redis_key_* series against what Debian's
# prometheus-redis-exporter 1.45 prints for the same keys, on Debian's redis-server 7.0.15 (standalone, with a
# db1 pattern) and on a six-node cluster of RCS_SERVER_BIN (three masters; redis_exporter is run once per
# master and its series are merged: it does not scan a whole cluster). Also --check-keys-limit.
#
#   bash tests/exporter/check_keys_test.sh path/to/redis-cluster-exporter
#
# Ports: cluster 10300-10305 (bus 20300-20305), redis-server 10310, our exporters 10320-10323, redis_exporter
# 10330-10333. Every wait is bounded; everything started is stopped on exit, also on failure.
set -u
EXPORTER=${1:?usage: check_keys_test.sh path/to/redis-cluster-exporter}
HERE=$(cd "$(dirname "$0")" && pwd)
CL_PORT_BASE=10300
# shellcheck source=cluster_lib.sh
source "$HERE/cluster_lib.sh"
REF=${REF_EXPORTER:-prometheus-redis-exporter}
FAILS=0
CHECKS=0
cl_script_begin rcs-check-keys 55

check() { # check "description" command...
  local what=$1; shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; FAILS=$((FAILS + 1)); fi
}

wait_http() { # wait_http PORT (at most 50 tries / 10 s)
  local i
  for i in $(seq 1 50); do
    curl -sf --max-time 2 "http://127.0.0.1:$1/metrics" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
key_lines() { # key_lines PORT: the redis_key_* sample lines, sorted
  curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | grep -E '^redis_key_(size|value|value_as_string)\{' | sort
}
ours() { # ours PORT args...
  local port=$1; shift
  "$EXPORTER" --web.listen-address="127.0.0.1:$port" "$@" >"$WORK/ours-$port.log" 2>&1 &
  CL_PIDS+=("$!")
  wait_http "$port"
}
ref() { # ref PORT args...
  local port=$1; shift
  "$REF" -web.listen-address "127.0.0.1:$port" "$@" >"$WORK/ref-$port.log" 2>&1 &
  CL_PIDS+=("$!")
  wait_http "$port"
}
fill() { # fill CLI-ARGS...: one key of every type, a number, and 30 keys spread over the slots
  "$@" SET str:hello hello >/dev/null
  "$@" SET str:num 42 >/dev/null
  "$@" SET str:float -1.5e3 >/dev/null
  "$@" RPUSH list:a 1 2 3 4 5 >/dev/null
  "$@" SADD set:a x y >/dev/null
  "$@" ZADD zset:a 1 a 2 b 3 c >/dev/null
  "$@" HSET hash:a f1 v1 f2 v2 f3 v3 f4 v4 >/dev/null
  "$@" XADD stream:a '*' k v >/dev/null
  "$@" SET 'odd:"quoted"\key' 'va"l' >/dev/null
  local i
  for i in $(seq 1 30); do "$@" LPUSH "bulk:$i" $(seq 1 "$i") >/dev/null; done
}
PATTERNS='str:*,list:*,set:*,zset:*,hash:*,stream:*,bulk:*,odd:*'

# Standalone redis-server 7.0.15, with a db1 pattern and single keys.
/usr/bin/redis-server --port 10310 --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >"$WORK/redis-10310.log" 2>&1 &
CL_PIDS+=("$!")
cl_wait_ping 10310 2>/dev/null || { sleep 1; true; }
SA=(timeout 5 "$RCS_CLI_BIN" -h 127.0.0.1 -p 10310)
fill "${SA[@]}"
"${SA[@]}" -n 1 SET other:s "in db1" >/dev/null
"${SA[@]}" -n 1 RPUSH other:l a b >/dev/null
check "standalone: our exporter serves" ours 10320 --redis.addr redis://127.0.0.1:10310 \
  --check-keys "$PATTERNS,db1=other:*" --check-single-keys 'hash:a,missing,db1=other:l'
check "standalone: redis_exporter serves" ref 10330 -redis.addr redis://127.0.0.1:10310 \
  -check-keys "$PATTERNS,db1=other:*" -check-single-keys 'hash:a,missing,db1=other:l'
key_lines 10320 >"$WORK/sa-ours"
key_lines 10330 >"$WORK/sa-ref"
check "standalone: 47 series (43 of db0 patterns, 3 of db1, the missing single key)" test "$(wc -l <"$WORK/sa-ours")" -eq 47
check "standalone: same redis_key_* series as redis_exporter 1.45" diff "$WORK/sa-ref" "$WORK/sa-ours"

# The README's ACL for --check-keys: the exporter line plus the key commands and %R~ per pattern gives the same.
"${SA[@]}" ACL SETUSER ckuser on '>ckpw' -@all +info '+cluster|info' '+cluster|nodes' '+slowlog|len' \
  '+slowlog|get' '+latency|latest' +scan +type +strlen +llen +scard +zcard +hlen +xlen +getrange +select \
  '%R~str:*' '%R~list:*' '%R~set:*' '%R~zset:*' '%R~hash:*' '%R~stream:*' '%R~bulk:*' '%R~odd:*' '%R~other:*' \
  '%R~missing' >/dev/null
ours 10323 --redis.addr redis://127.0.0.1:10310 --redis.user ckuser --redis.password ckpw \
  --check-keys "$PATTERNS,db1=other:*" --check-single-keys 'hash:a,missing,db1=other:l'
key_lines 10323 >"$WORK/sa-acl"
check "standalone: the README's ACL for --check-keys gives the same series" diff "$WORK/sa-ours" "$WORK/sa-acl"

# A cluster of RCS_SERVER_BIN; redis_exporter is asked of each master and its series merged.
check "cluster formed" cluster_start
CC=(timeout 5 "$RCS_CLI_BIN" -c -h 127.0.0.1 -p 10300 --no-auth-warning -a "$CL_PASSWORD")
fill "${CC[@]}"
"${CC[@]}" SADD '{bulk:7}tagged' a b c >/dev/null
ours 10321 --redis.addr redis://127.0.0.1:10300 --redis.password "$CL_PASSWORD" \
  --check-keys "$PATTERNS" --check-single-keys 'hash:a,missing,{bulk:7}tagged'
key_lines 10321 >"$WORK/cl-ours"
grep -v -e 'key="missing"' -e 'key="{bulk:7}tagged"' "$WORK/cl-ours" >"$WORK/cl-ours-patterns"
MASTERS=$(cl_cli 10300 CLUSTER NODES | awk '$3 ~ /master/ { split($2, a, "[:@]"); print a[2] }')
check "three masters" test "$(echo "$MASTERS" | wc -w)" -eq 3
n=0
: >"$WORK/cl-ref-all"
for m in $MASTERS; do
  ref $((10331 + n)) -redis.addr "redis://127.0.0.1:$m" -redis.password "$CL_PASSWORD" -check-keys "$PATTERNS"
  key_lines $((10331 + n)) >>"$WORK/cl-ref-all"
  n=$((n + 1))
done
sort -u "$WORK/cl-ref-all" >"$WORK/cl-ref"
check "cluster: 45 series (43 from patterns over the three masters, 2 single keys)" test "$(wc -l <"$WORK/cl-ours")" -eq 45
check "cluster: same redis_key_* series as redis_exporter 1.45 on each master" diff "$WORK/cl-ref" "$WORK/cl-ours-patterns"
check "cluster: a missing single key is 0 (as redis_exporter), a hash-tagged one is found on its slot's master" \
  grep -qzP 'redis_key_size\{db="db0",key="missing"\} 0\n(.*\n)*redis_key_size\{db="db0",key="\{bulk:7\}tagged"\} 3\n' "$WORK/cl-ours"
check "cluster: a single key on another master than the seed is found" \
  grep -q '^redis_key_size{db="db0",key="hash:a"} 4$' "$WORK/cl-ours"

# --check-keys-limit bounds the keys per scrape.
ours 10322 --redis.addr redis://127.0.0.1:10300 --redis.password "$CL_PASSWORD" \
  --check-keys 'bulk:*' --check-keys-limit 5 --check-keys-batch-size 2
check "--check-keys-limit 5: five series" test "$(key_lines 10322 | grep -c '^redis_key_size')" -eq 5

echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
