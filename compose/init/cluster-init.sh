#!/usr/bin/env bash
# The cluster init, used by docker compose (service redis-cluster-init) and by scripts/start-local.
#
#   cluster-init.sh [--password-file F] [--replicas 1] [--wait SECONDS] HOST:PORT...   form or check the cluster
#   cluster-init.sh [--password-file F] --status HOST:PORT...     print the topology table and exit
#
# What it does, in order:
#  1. waits for every node to answer PING (bounded by --wait seconds per node; one progress line per node);
#  2. formed (every node: all 16384 slots assigned, all nodes known) -> waits for cluster_state:ok, says so,
#     touches nothing, exits 0;
#  3. half formed -> repairs what redis-cli can repair safely: uncovered or open slots with
#     `redis-cli --cluster fix`, empty nodes (e.g. a node replaced by a fresh one) joined as replicas with
#     `redis-cli --cluster add-node --cluster-slave`, and the replaced node's stale entry forgotten; states it
#     cannot repair safely (two clusters, nodes that met but own no slot) stop with a message and exit 1;
#  4. all nodes empty -> `redis-cli --cluster create ... --cluster-replicas N --cluster-yes`;
#  then waits for cluster_state:ok on every node, prints the topology and exits 0.
#
# The password is read from the file and handed to redis-cli through REDISCLI_AUTH, so it is never in a
# command line. Host names are resolved to IPv4 addresses first, because CLUSTER MEET takes an IP.
set -euo pipefail

password_file=${REDIS_PASSWORD_FILE:-}
replicas=${RCS_REPLICAS:-1}
wait_seconds=${RCS_INIT_WAIT:-60}
mode=init
nodes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --password-file) password_file=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --wait) wait_seconds=$2; shift 2 ;;
    --status) mode=status; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "cluster-init: unknown option $1" >&2; exit 2 ;;
    *) nodes+=("$1"); shift ;;
  esac
done
[ ${#nodes[@]} -gt 0 ] || { echo "cluster-init: no nodes given (HOST:PORT...)" >&2; exit 2; }
if [ -n "$password_file" ]; then
  [ -r "$password_file" ] || { echo "cluster-init: can't read the password file $password_file" >&2; exit 1; }
  REDISCLI_AUTH=$(head -n 1 "$password_file" | tr -d '\r')
  export REDISCLI_AUTH
fi

log() { echo "cluster-init: $*"; }
die() { echo "cluster-init: $*" >&2; exit 1; }

# HOST:PORT -> IP:PORT (an IP stays as it is).
resolve() {
  local host=${1%:*} port=${1##*:} ip
  if [[ $host =~ ^[0-9.]+$ ]]; then echo "$host:$port"; return; fi
  ip=$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR==1 {print $1}')
  [ -n "$ip" ] || return 1
  echo "$ip:$port"
}

cli() { local a=$1; shift; redis-cli -h "${a%:*}" -p "${a##*:}" --no-auth-warning "$@" | tr -d '\r'; }
info_field() { cli "$1" CLUSTER INFO | sed -n "s/^$2://p"; }

# 1. Wait for every node.
addrs=()
for n in "${nodes[@]}"; do
  start=$SECONDS
  addr=""
  while :; do
    if [ -z "$addr" ]; then addr=$(resolve "$n" || true); fi
    if [ -n "$addr" ] && [ "$(cli "$addr" PING 2>/dev/null || true)" = "PONG" ]; then break; fi
    if [ $((SECONDS - start)) -ge "$wait_seconds" ]; then
      # --status reports a node that is down as unreachable instead of stopping.
      if [ "$mode" = status ]; then addr=${addr:-$n}; break; fi
      reply=$([ -n "$addr" ] && cli "$addr" PING 2>&1 | head -n 1 || echo "name not resolvable")
      die "$n did not answer PING within ${wait_seconds}s (last answer: ${reply:-none})"
    fi
    sleep 0.5
  done
  [ "$mode" = status ] || log "node $n ($addr) is up after $((SECONDS - start))s"
  addrs+=("$addr")
done

# The topology table: node, role, master, slots, keys, link state (from each node's own CLUSTER NODES line).
topology() {
  local a line id flags master link slots keys role name
  printf '%-22s %-8s %-22s %-6s %-8s %s\n' NODE ROLE MASTER SLOTS KEYS LINK
  local all
  all=$(cli "${addrs[0]}" CLUSTER NODES 2>/dev/null || true)
  for a in "${addrs[@]}"; do
    line=$(cli "$a" CLUSTER NODES 2>/dev/null | grep myself || true)
    if [ -z "$line" ]; then printf '%-22s %s\n' "$a" "unreachable"; continue; fi
    read -r id _ flags master _ _ _ link rest <<<"$line"
    role=master; [[ $flags == *slave* ]] && role=replica
    name=-
    if [ "$master" != "-" ]; then
      name=$(awk -v m="$master" '$1 == m {split($2, x, "@"); print x[1]}' <<<"$all")
      name=${name:-${master:0:8}}
    fi
    slots=0
    for r in $rest; do
      [[ $r == \[* ]] && continue
      if [[ $r == *-* ]]; then slots=$((slots + ${r#*-} - ${r%-*} + 1)); else slots=$((slots + 1)); fi
    done
    keys=$(cli "$a" DBSIZE 2>/dev/null || echo "?")
    if [ "$role" = replica ]; then
      link=$(cli "$a" INFO replication | sed -n 's/^master_link_status://p')
    fi
    printf '%-22s %-8s %-22s %-6s %-8s %s\n' "$a" "$role" "$name" "$slots" "$keys" "$link"
  done
  echo "cluster_state:$(info_field "${addrs[0]}" cluster_state) known_nodes:$(info_field "${addrs[0]}" cluster_known_nodes)"
}

if [ "$mode" = status ]; then topology; exit 0; fi

wait_ok() {
  local start=$SECONDS a bad
  while :; do
    bad=""
    for a in "${addrs[@]}"; do
      [ "$(info_field "$a" cluster_state)" = ok ] || bad="$bad $a"
    done
    [ -z "$bad" ] && return 0
    if [ $((SECONDS - start)) -ge "$wait_seconds" ]; then
      topology >&2
      die "cluster_state is not ok on:$bad after ${wait_seconds}s (all slots assigned but nodes failing: do they reach each other at the addresses in CLUSTER NODES? an address change needs CLUSTER MEET)"
    fi
    sleep 0.5
  done
}

# 2.-4. Classify each node from its own view.
count=${#addrs[@]}
formed=1
empty=()
members=()
for a in "${addrs[@]}"; do
  assigned=$(info_field "$a" cluster_slots_assigned); assigned=${assigned:-0}
  known=$(info_field "$a" cluster_known_nodes); known=${known:-0}
  # cluster_state is not part of "formed": nodes that just restarted report fail for a few seconds.
  if [ "$assigned" != 16384 ] || [ "$known" -lt "$count" ]; then formed=0; fi
  if [ "$known" = 1 ] && [ "$assigned" = 0 ]; then empty+=("$a"); else members+=("$a"); fi
done

if [ $formed = 1 ]; then
  wait_ok
  log "cluster already formed (16384 slots assigned, cluster_state:ok on all $count nodes): nothing to do"
  topology
  exit 0
fi

if [ ${#members[@]} -eq 0 ]; then
  log "all $count nodes are empty: creating the cluster (${replicas} replica(s) per master)"
  redis-cli --no-auth-warning --cluster create "${addrs[@]}" --cluster-replicas "$replicas" --cluster-yes
else
  anchor=${members[0]}
  anchor_nodes=$(cli "$anchor" CLUSTER NODES)
  # Every member must be in the anchor's cluster, or this is two clusters and no script should merge them.
  for m in "${members[@]}"; do
    id=$(cli "$m" CLUSTER MYID)
    grep -q "^$id " <<<"$anchor_nodes" ||
      die "$m ($id) is not part of the cluster $anchor belongs to: two clusters; fix by hand (CLUSTER RESET the wrong one)"
  done
  if [ "$(info_field "$anchor" cluster_slots_assigned)" = 0 ]; then
    die "the nodes ${members[*]} know each other but own no slot (an interrupted create?): CLUSTER RESET them and run the init again"
  fi
  log "cluster half formed: ${#members[@]} member(s), ${#empty[@]} empty node(s); repairing"
  if [ "$(info_field "$anchor" cluster_slots_assigned)" != 16384 ] || grep -q '\[' <<<"$anchor_nodes"; then
    log "uncovered or open slots: redis-cli --cluster fix $anchor"
    redis-cli --no-auth-warning --cluster fix "$anchor" --cluster-yes
  fi
  for e in "${empty[@]}"; do
    log "adding the empty node $e as a replica"
    redis-cli --no-auth-warning --cluster add-node "$e" "$anchor" --cluster-slave
  done
  # A replaced node: once another node id answers at its address, the cluster lists the old id as
  # `noaddr` (or still at the address, failed). Such entries without slots are forgotten on every node
  # (the new ones too, which hear of them while joining), all within FORGET's 60 s ban.
  if [ ${#empty[@]} -gt 0 ]; then
    anchor_nodes=$(cli "$anchor" CLUSTER NODES)
    stale=$(awk -v list=" ${empty[*]} " '{split($2, x, "@")}
      NF == 8 && $3 !~ /myself/ && ($3 ~ /noaddr/ || ($3 ~ /fail/ && index(list, " " x[1] " ") > 0)) {print $1}' \
      <<<"$anchor_nodes")
    for old in $stale; do
      log "forgetting the replaced node $old"
      for m in "${addrs[@]}"; do cli "$m" CLUSTER FORGET "$old" >/dev/null || true; done
    done
  fi
fi

wait_ok
log "cluster_state:ok on all $count nodes"
topology
