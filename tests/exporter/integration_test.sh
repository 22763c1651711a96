#!/usr/bin/env bash
# Integration test of redis-cluster-exporter against a real six-node cluster (Debian's redis-server by
# default; RCS_SERVER_BIN swaps in another server binary with the same flags, e.g. our node).
#
#   bash tests/exporter/integration_test.sh path/to/redis-cluster-exporter
#
# Ports from CL_PORT_BASE (default 21000): Redis base..base+6 (cluster bus +10000), a closed port at base+99,
# exporters base+100..base+104. Every wait is bounded; everything started is stopped on exit, also on failure.
set -u
EXPORTER=${1:?usage: integration_test.sh path/to/redis-cluster-exporter}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cluster_lib.sh
source "$HERE/cluster_lib.sh"
PROMTOOL=${PROMTOOL:-promtool}
PY=${PY:-python3}  # only the standard library (json)
FAILS=0
CHECKS=0
T0=$(date +%s)
cl_script_begin rcs-exporter-it 165  # ctest's TIMEOUT is 180

check() { # check "description" command...
  local what=$1; shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then
    echo "ok   - $what"
  else
    echo "FAIL - $what"
    FAILS=$((FAILS + 1))
  fi
}

start_exporter() { # start_exporter PORT args...  -> sets LAST_PID
  local port=$1; shift
  "$EXPORTER" --web.listen-address="127.0.0.1:$port" "$@" >"$WORK/exporter-$port.out" 2>"$WORK/exporter-$port.log" &
  LAST_PID=$!
  CL_PIDS+=("$LAST_PID")
  local i
  for i in $(seq 1 50); do
    curl -sf --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "exporter on $port did not start:" >&2
  cat "$WORK/exporter-$port.log" >&2
  return 1
}

scrape() { curl -s --max-time 6 "http://127.0.0.1:$1${2:-/metrics}"; }
# Waits are bounded in count and in time: the whole test must end (and clean up) well within ctest's 180 s.
before() { [ "$SECONDS" -lt "$1" ]; }  # before DEADLINE_SECONDS
value() { # value FILE SERIES -> the sample value of an exact series (name{labels})
  awk -v s="$2" 'index($0, s " ") == 1 { print $NF; exit }' "$1"
}
has_family() { grep -q "^# TYPE $2 " "$1"; }
up_count() { grep -c "^redis_up{.*} 1$" "$1"; }
node_id_of() { cl_cli "$1" cluster myid; }
scrape_until() { # scrape_until PORT FILE SECONDS TEST...: scrape into FILE until TEST FILE succeeds (bounded)
  local port=$1 file=$2 deadline=$((SECONDS + $3)) i
  shift 3
  for i in $(seq 1 200); do
    before "$deadline" || return 1
    scrape "$port" >"$file"
    "$@" "$file" && return 0
    sleep 0.25
  done
  return 1
}
promtool_clean() { # promtool_clean FILE: promtool must print nothing and succeed
  local out
  out=$("$PROMTOOL" check metrics <"$1" 2>&1) && [ -z "$out" ] || { echo "$out" | head -20; return 1; }
}

echo "# starting a six-node cluster with $RCS_SERVER_BIN"
cluster_start || { echo "FAIL - cluster did not form"; exit 1; }
printf '%s\n' "$CL_PASSWORD" >"$WORK/password"  # a secret file with its trailing newline

# --- A: the main exporter; its only seed is the master that is killed later ------------------------------
A=$((CL_PORT_BASE + 100))
start_exporter $A --redis.addr="redis://127.0.0.1:$CL_PORT_BASE" --redis.password-file="$WORK/password" \
  --scrape-timeout=2s --connection-timeout=500ms --log-format=json || exit 1
A_PID=$LAST_PID
# An empty cluster: INFO has no db0 line, and db0 is served as 0 (as redis_exporter does), not left out.
scrape $A >"$WORK/a0.txt"
check "empty cluster: redis_db_keys and redis_db_keys_expiring {db=\"db0\"} 0 on all six nodes" \
  [ "$(grep -c '^redis_db_keys{.*,db="db0"} 0$' "$WORK/a0.txt")/$(grep -c '^redis_db_keys_expiring{.*,db="db0"} 0$' "$WORK/a0.txt")" = 6/6 ]
# Some keys and one error reply, so the keyspace and errorstats series exist.
for k in $(seq 1 30); do cl_cli "$CL_PORT_BASE" -c set "key:$k" "v$k" >/dev/null; done
cl_cli "$CL_PORT_BASE" -c set expiring 1 EX 3600 >/dev/null
cl_cli "$CL_PORT_BASE" nosuchcommand >/dev/null 2>&1
scrape $A >"$WORK/a1.txt"
missing=""
while read -r name; do
  case "$name" in ''|'#'*) continue ;; esac
  has_family "$WORK/a1.txt" "$name" || missing="$missing $name"
done <"$HERE/contract_names.txt"
check "every contract metric name is served${missing:+ (missing:$missing)}" [ -z "$missing" ]
check "redis_up 1 for six nodes" [ "$(up_count "$WORK/a1.txt")" = 6 ]
check "promtool check metrics prints nothing on a real scrape" promtool_clean "$WORK/a1.txt"
check "cluster view: 3 masters, 3 replicas, no unassigned slots" \
  [ "$(value "$WORK/a1.txt" redis_cluster_masters)/$(value "$WORK/a1.txt" redis_cluster_replicas)/$(value "$WORK/a1.txt" redis_cluster_slots_unassigned)" = "3/3/0" ]
check "every node's own cluster_state is ok" [ "$(grep -c '^redis_cluster_state{.*} 1$' "$WORK/a1.txt")" = 6 ]
check "no scrape error" [ "$(value "$WORK/a1.txt" redis_exporter_last_scrape_error)" = 0 ]
check "keys counted across masters" [ "$(awk '/^redis_db_keys\{.*role="master"/ {s += $NF} END {print s}' "$WORK/a1.txt")" = 31 ]
check "one redis_db_keys{db=\"db0\"} per node once keys exist" [ "$(grep -c '^redis_db_keys{.*,db="db0"} ' "$WORK/a1.txt")" = 6 ]
scrape $A /discover-cluster-nodes >"$WORK/sd.json"
check "/discover-cluster-nodes lists six redis:// targets" [ "$($PY -c 'import json, sys
print(sum(t.startswith("redis://127.0.0.1:") for e in json.load(open(sys.argv[1])) for t in e["targets"]))' "$WORK/sd.json")" = 6 ]
scrape $A "/scrape?target=redis://127.0.0.1:$((CL_PORT_BASE + 3))" >"$WORK/target.txt"
check "/scrape?target= serves that one node, up" [ "$(up_count "$WORK/target.txt")" = 1 ] 
check "/scrape?target= output passes promtool" promtool_clean "$WORK/target.txt"
check "/scrape without target is a 400" [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$A/scrape")" = 400 ]
check "status page: six nodes, three shards" grep -q 'data-nodes="6" data-shards="3"' <(scrape $A /)
check "json log lines" $PY -c 'import json, sys
[json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$WORK/exporter-$A.log"
# Connections are kept: two more scrapes open no new connection on any node.
scrape $A >"$WORK/a2.txt"
scrape $A >"$WORK/a3.txt"
conns() { awk '/^redis_connections_received_total\{/ {s += $NF} END {print s}' "$1"; }
check "connections kept between scrapes (no new connections: $(conns "$WORK/a2.txt") -> $(conns "$WORK/a3.txt"))" \
  [ "$(conns "$WORK/a2.txt")" = "$(conns "$WORK/a3.txt")" ]

# --- B: wrong password -----------------------------------------------------------------------------------
B=$((CL_PORT_BASE + 101))
start_exporter $B --redis.addr="redis://127.0.0.1:$CL_PORT_BASE" --redis.password=wrong-password || exit 1
B_PID=$LAST_PID
scrape $B >/dev/null
scrape $B >"$WORK/b.txt"
check "wrong password: redis_up 0" [ "$(value "$WORK/b.txt" "redis_up{addr=\"127.0.0.1:$CL_PORT_BASE\",node_id=\"\",role=\"unknown\"}")" = 0 ]
check "wrong password: error metrics" [ "$(value "$WORK/b.txt" redis_exporter_last_scrape_error)/$(value "$WORK/b.txt" "redis_exporter_node_scrape_errors_total{addr=\"127.0.0.1:$CL_PORT_BASE\"}")" = "1/2" ]
check "wrong password: logged as an auth error" grep -q 'kind=auth' "$WORK/exporter-$B.log"
check "wrong password: output passes promtool" promtool_clean "$WORK/b.txt"

# --- C: first seed down -> the next seed --------------------------------------------------------------------
C=$((CL_PORT_BASE + 102))
start_exporter $C --redis.addr="redis://127.0.0.1:$((CL_PORT_BASE + 99)),redis://127.0.0.1:$((CL_PORT_BASE + 1))" \
  --redis.password="$CL_PASSWORD" || exit 1
C_PID=$LAST_PID
scrape $C >"$WORK/c.txt"
check "seed down: fallback seed answered" [ "$(value "$WORK/c.txt" "redis_cluster_seed_info{addr=\"127.0.0.1:$((CL_PORT_BASE + 1))\"}")" = 1 ]
check "seed down: still six nodes up" [ "$(up_count "$WORK/c.txt")" = 6 ]

# --- D: a standalone (non-cluster) server is scraped as one node -------------------------------------------
STANDALONE=$((CL_PORT_BASE + 6))
mkdir -p "$WORK/standalone"
"$RCS_SERVER_BIN" --port $STANDALONE --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/standalone" \
  --requirepass "$CL_PASSWORD" --logfile "$WORK/standalone/server.log" >/dev/null 2>&1 &
STANDALONE_PID=$!
CL_PIDS+=("$STANDALONE_PID")
cl_wait_ping $STANDALONE
D=$((CL_PORT_BASE + 103))
start_exporter $D --redis.addr="redis://127.0.0.1:$STANDALONE" --redis.password="$CL_PASSWORD" || exit 1
scrape $D >"$WORK/d.txt"
check "standalone: one node up, node_id empty, no cluster view" \
  [ "$(value "$WORK/d.txt" "redis_up{addr=\"127.0.0.1:$STANDALONE\",node_id=\"\",role=\"master\"}")/$(grep -c '^# TYPE redis_cluster_node_info ' "$WORK/d.txt")" = "1/0" ]
check "standalone: promtool clean" promtool_clean "$WORK/d.txt"

# --- flags ------------------------------------------------------------------------------------------------
"$EXPORTER" --no-such-flag >"$WORK/badflag.out" 2>&1
check "bad flag exits 2 with a clear message" [ $? = 2 ]
check "bad flag message names the flag" grep -q "unknown flag --no-such-flag" "$WORK/badflag.out"
"$EXPORTER" --help >"$WORK/help.out" 2>&1
check "--help exits 0 and documents --scrape-timeout" grep -q -- "--scrape-timeout" "$WORK/help.out"

# --- a frozen node: the scrape still finishes within --scrape-timeout -------------------------------------
REPLICA_PORT=$(cl_cli "$CL_PORT_BASE" cluster nodes | awk '$3 ~ /slave/ {split($2, a, "[:@]"); print a[2]; exit}')
REPLICA_PID=$(cl_node_pid "$REPLICA_PORT")
E=$((CL_PORT_BASE + 104))  # an exporter whose only seed is the node about to be frozen
start_exporter $E --redis.addr="redis://127.0.0.1:$REPLICA_PORT" --redis.password="$CL_PASSWORD" --scrape-timeout=1s || exit 1
E_PID=$LAST_PID
scrape $E >/dev/null
scrape $E >/dev/null
kill -STOP "$REPLICA_PID"
start_s=$(date +%s.%N)
scrape $A >"$WORK/a-frozen.txt"
took=$(awk -v a="$start_s" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}')
scrape $E >"$WORK/e-frozen.txt"
kill -CONT "$REPLICA_PID"
check "frozen seed: the backup's cluster view is served in the same scrape" \
  [ "$(value "$WORK/e-frozen.txt" 'redis_exporter_collector_success{collector="cluster_nodes"}')/$(up_count "$WORK/e-frozen.txt")/$(grep -c "^redis_cluster_seed_info{addr=\"127.0.0.1:$REPLICA_PORT\"}" "$WORK/e-frozen.txt")" = "1/5/0" ]
check "frozen node: scrape took ${took}s, within the 2s scrape timeout (+0.5s)" [ "$(awk -v t="$took" 'BEGIN {print (t < 2.5)}')" = 1 ]
check "frozen node: its redis_up is 0, the other five are 1" \
  [ "$(grep -c "^redis_up{addr=\"127.0.0.1:$REPLICA_PORT\".*} 0$" "$WORK/a-frozen.txt")/$(up_count "$WORK/a-frozen.txt")" = "1/5" ]
six_up() { [ "$(up_count "$1")" = 6 ]; }
check "thawed node: six up again (connection re-established)" scrape_until $A "$WORK/a-thawed.txt" 15 six_up

# --- failover: kill -9 the master that is A's only seed ---------------------------------------------------
OLD_MASTER=$CL_PORT_BASE
OLD_ID=$(node_id_of $OLD_MASTER)
PROMOTED_PORT=$(cl_cli $OLD_MASTER cluster nodes | awk -v m="$OLD_ID" '$4 == m {split($2, a, "[:@]"); print a[2]; exit}')
PROMOTED_ID=$(node_id_of "$PROMOTED_PORT")
echo "# killing master 127.0.0.1:$OLD_MASTER ($OLD_ID); its replica is 127.0.0.1:$PROMOTED_PORT"
cl_node_kill9 $OLD_MASTER
promoted() { # up, labelled role="master", one role change counted
  [ "$(value "$1" "redis_up{addr=\"127.0.0.1:$PROMOTED_PORT\",node_id=\"$PROMOTED_ID\",role=\"master\"}")" = 1 ] &&
    [ "$(value "$1" "redis_cluster_role_changes_total{node_id=\"$PROMOTED_ID\",addr=\"127.0.0.1:$PROMOTED_PORT\"}")" = 1 ]
}
check "replica promoted: labelled role=\"master\", up, role change counted" \
  scrape_until $A "$WORK/a-failover.txt" 40 promoted
check "killed master: redis_up 0" [ "$(grep -c "^redis_up{addr=\"127.0.0.1:$OLD_MASTER\",node_id=\"$OLD_ID\".*} 0$" "$WORK/a-failover.txt")" = 1 ]
check "killed master flagged fail in the cluster view" \
  [ "$(value "$WORK/a-failover.txt" "redis_cluster_node_flag{node_id=\"$OLD_ID\",addr=\"127.0.0.1:$OLD_MASTER\",role=\"master\",flag=\"fail\"}")" = 1 ]
check "seed down: a learned node answered CLUSTER NODES" \
  [ "$(grep -c "^redis_cluster_seed_info{addr=\"127.0.0.1:$OLD_MASTER\"}" "$WORK/a-failover.txt")/$(grep -c '^redis_cluster_seed_info{' "$WORK/a-failover.txt")" = "0/1" ]
check "after failover: promtool still clean" promtool_clean "$WORK/a-failover.txt"
check "after failover: the exporter logged the node failure" grep -q "127.0.0.1:$OLD_MASTER" "$WORK/exporter-$A.log"

# --- the old master returns as a replica --------------------------------------------------------------------
cl_node_start $OLD_MASTER
cl_wait_ping $OLD_MASTER
rejoined() { # up, labelled role="replica", one role change counted
  [ "$(value "$1" "redis_up{addr=\"127.0.0.1:$OLD_MASTER\",node_id=\"$OLD_ID\",role=\"replica\"}")" = 1 ] &&
    [ "$(value "$1" "redis_cluster_role_changes_total{node_id=\"$OLD_ID\",addr=\"127.0.0.1:$OLD_MASTER\"}")" = 1 ]
}
check "old master back as replica: up, role change counted" scrape_until $A "$WORK/a-rejoin.txt" 40 rejoined
# --- a node that leaves the cluster disappears from the next scrape ---------------------------------------
GONE_PORT=$(cl_cli $((CL_PORT_BASE + 1)) cluster nodes | awk -v a="$OLD_MASTER" -v b="$REPLICA_PORT" -v c="$((CL_PORT_BASE + 1))" \
  '$3 ~ /slave/ {split($2, x, "[:@]"); if (x[2] != a && x[2] != b && x[2] != c) {print x[2]; exit}}')
if [ -n "$GONE_PORT" ]; then
  GONE_ID=$(node_id_of "$GONE_PORT")
  cl_node_kill9 "$GONE_PORT"
  for port in $(cluster_ports); do
    [ "$port" = "$GONE_PORT" ] && continue
    cl_cli "$port" cluster forget "$GONE_ID" >/dev/null 2>&1
  done
  scrape $C >"$WORK/c-gone.txt"
  check "forgotten node: no series for it, five nodes known" \
    [ "$(grep -c "$GONE_ID\|127.0.0.1:$GONE_PORT\"" "$WORK/c-gone.txt")/$(value "$WORK/c-gone.txt" redis_cluster_nodes)/$(grep -c '^redis_up{' "$WORK/c-gone.txt")" = "0/5/5" ]
else
  check "found a replica to remove" false
fi
check "all exporters still running" kill -0 "$A_PID" "$B_PID" "$C_PID" "$E_PID"
kill -TERM "$A_PID"
a_rc=timeout
for i in $(seq 1 50); do
  if ! kill -0 "$A_PID" 2>/dev/null; then wait "$A_PID"; a_rc=$?; break; fi
  sleep 0.1
done
check "SIGTERM: exporter stops cleanly with exit code 0 (got $a_rc)" [ "$a_rc" = 0 ]

echo "# $CHECKS checks, $FAILS failed, $(( $(date +%s) - T0 ))s"
if [ "$FAILS" -gt 0 ]; then
  echo "# exporter A log (last lines):"
  tail -20 "$WORK/exporter-$A.log"
  exit 1
fi
exit 0
