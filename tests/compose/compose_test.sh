#!/usr/bin/env bash
# The compose test (ctest label compose). Builds a bookworm base image with debootstrap (cached under
# RCS_COMPOSE_CACHE, rebuilt when missing), uses the running Docker daemon or starts one (data root in a temp
# folder), builds our image and Debian-package stand-ins for Prometheus/Alertmanager (override file; Grafana
# is left out: its official image cannot be pulled here), then checks through `docker-compose exec`, a client
# container on the compose network and the published 127.0.0.1 ports only. Removes everything it created.
# Ports from RCS_COMPOSE_PORT_BASE (B, default 16300): redis-node-0 B+1 (nodes B+2..B+6 with
# docker-compose.ports.yml), exporter B+21, Grafana B+30 (not started), Prometheus B+90, Alertmanager B+93.
# Checks the published ports with docker port, with and without docker-compose.ports.yml.
set -euo pipefail
pb=${RCS_COMPOSE_PORT_BASE:-16300}
exporter_port=$((pb + 21))
prometheus_port=$((pb + 90))
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${RCS_COMPOSE_CACHE:-/var/tmp/rcs-compose-cache}
tmp=$(mktemp -d /tmp/rcs-compose-test.XXXXXX)
project=rcscompose$$
prefix=rcs-compose-test-$$
base_image=rcs-compose-base:bookworm
started_dockerd=""
t0=$SECONDS
say() { echo "[compose-test +$((SECONDS - t0))s] $*"; }
fail() { echo "[compose-test] FAIL: $*" >&2; exit 1; }
# grep that reads all its input: `grep -q` exits at the first match and, under pipefail, the writer's SIGPIPE
# would turn a match into a failure.
has() { grep "$@" >/dev/null; }

for tool in docker dockerd docker-compose debootstrap curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install docker.io docker-compose debootstrap curl)"
done
DOCKER=/usr/bin/docker; [ -x "$DOCKER" ] || DOCKER=$(command -v docker)

dc() { docker-compose -p "$project" --project-directory "$repo/compose" -f "$repo/compose/docker-compose.yml" \
  -f "$here/docker-compose.test.yml" --env-file "$tmp/env" "$@"; }

cleanup() {
  local rc=$?
  set +e
  say "cleaning up"
  if [ -e "$tmp/env" ]; then
    dc down -v --remove-orphans --timeout 5 >/dev/null 2>&1
  fi
  "$DOCKER" rm -f "$prefix-client" >/dev/null 2>&1
  for img in "$prefix:local" "$prefix-monitoring:local" "$prefix-client:local"; do
    "$DOCKER" rmi -f "$img" >/dev/null 2>&1
  done
  [ -n "${imported_base:-}" ] && "$DOCKER" rmi -f "$base_image" >/dev/null 2>&1
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$started_dockerd" 2>/dev/null
    grep -o " $tmp/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    [ -n "${created_docker0:-}" ] && ip link delete docker0 2>/dev/null
  fi
  rm -rf "$tmp"
  [ $rc -eq 0 ] && say "PASS" || say "failed with $rc"
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that a timeout or ^C still runs the cleanup

# The daemon: the running one, or our own under $tmp.
if ! "$DOCKER" info >/dev/null 2>&1; then
  say "no Docker daemon answers: starting dockerd with its data root under $tmp"
  mkdir -p "$tmp/docker" "$tmp/exec"
  ip link show docker0 >/dev/null 2>&1 || created_docker0=1
  # Own session: a signal to the test's process group must not kill the daemon before the cleanup used it.
  setsid dockerd --data-root "$tmp/docker" --exec-root "$tmp/exec" --pidfile "$tmp/dockerd.pid" \
    -H "unix://$tmp/docker.sock" --storage-driver overlay2 >"$tmp/dockerd.log" 2>&1 &
  started_dockerd=$!
  export DOCKER_HOST="unix://$tmp/docker.sock"
  for i in $(seq 60); do "$DOCKER" info >/dev/null 2>&1 && break; [ "$i" = 60 ] && { tail -20 "$tmp/dockerd.log"; fail "dockerd did not start in 30s"; }; sleep 0.5; done
fi

# The base image: debootstrap --variant=minbase bookworm, cached as a tarball.
if [ ! -s "$cache/bookworm-minbase.tar" ]; then
  say "building the bookworm base with debootstrap into $cache (cached for the next runs)"
  mkdir -p "$cache"
  rm -rf "$cache/rootfs.tmp"
  debootstrap --variant=minbase bookworm "$cache/rootfs.tmp" http://deb.debian.org/debian >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log"; fail "debootstrap failed"; }
  tar -C "$cache/rootfs.tmp" -cf "$cache/bookworm-minbase.tar.tmp" .
  mv "$cache/bookworm-minbase.tar.tmp" "$cache/bookworm-minbase.tar"
  rm -rf "$cache/rootfs.tmp"
fi
if ! "$DOCKER" image inspect "$base_image" >/dev/null 2>&1; then
  "$DOCKER" import "$cache/bookworm-minbase.tar" "$base_image" >/dev/null
  imported_base=1
fi

# The secrets, made as the README says (compose/make-secrets: 0644 in a 0700 folder), and the environment.
"$repo/compose/make-secrets" "$tmp/secrets" >/dev/null
secret_names="redis_password app_password exporter_password healthcheck_password replication_password cluster_bus_secret"
cat >"$tmp/env" <<ENV
RCS_IMAGE=$prefix:local
RCS_TEST_PREFIX=$prefix
RCS_BASE_IMAGE=$base_image
REDIS_PASSWORD_SECRET_FILE=$tmp/secrets/redis_password
CLUSTER_BUS_SECRET_FILE=$tmp/secrets/cluster_bus_secret
APP_PASSWORD_SECRET_FILE=$tmp/secrets/app_password
EXPORTER_PASSWORD_SECRET_FILE=$tmp/secrets/exporter_password
HEALTHCHECK_PASSWORD_SECRET_FILE=$tmp/secrets/healthcheck_password
REPLICATION_PASSWORD_SECRET_FILE=$tmp/secrets/replication_password
REDIS_NODE_0_PORT=$((pb + 1))
REDIS_NODE_1_PORT=$((pb + 2))
REDIS_NODE_2_PORT=$((pb + 3))
REDIS_NODE_3_PORT=$((pb + 4))
REDIS_NODE_4_PORT=$((pb + 5))
REDIS_NODE_5_PORT=$((pb + 6))
REDIS_EXPORTER_PORT=$exporter_port
PROMETHEUS_PORT=$prometheus_port
ALERTMANAGER_PORT=$((pb + 93))
GRAFANA_PORT=$((pb + 30))
ENV
services=(redis-node-0 redis-node-1 redis-node-2 redis-node-3 redis-node-4 redis-node-5 redis-cluster-init
  redis-exporter prometheus alertmanager)

say "building the images (ours and the Prometheus/Alertmanager stand-ins; Grafana is left out: no registry here)"
dc build redis-node-0 prometheus >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; fail "image build failed"; }
"$DOCKER" build -q -t "$prefix-client:local" --build-arg BASE_IMAGE="$base_image" -f "$here/Dockerfile.client" "$here" >/dev/null
say "images built"

nodecli() { local svc=$1; shift; dc exec -T "$svc" sh -c 'REDISCLI_AUTH="$(cat /run/secrets/redis_password)" redis-cli -p 6379 "$@"' sh "$@" | tr -d '\r'; }
# The same as one of the deployment's users (app, exporter, healthcheck, replication), with its own secret.
usercli() { local svc=$1 user=$2; shift 2; dc exec -T "$svc" sh -c 'REDISCLI_AUTH="$(cat /run/secrets/$0_password)" redis-cli --user "$0" -p 6379 "$@"' "$user" "$@" | tr -d '\r'; }

wait_init() {
  local id rc
  for i in $(seq 240); do
    id=$(dc ps -q redis-cluster-init 2>/dev/null || true)
    if [ -n "$id" ] && [ "$("$DOCKER" inspect -f '{{.State.Status}}' "$id")" = exited ]; then break; fi
    [ "$i" = 240 ] && { dc logs --no-color | tail -40; fail "the init did not finish within 240s"; }
    sleep 1
  done
  rc=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$id")
  [ "$rc" = 0 ] || { dc logs --no-color redis-cluster-init | tail -40; fail "the init exited $rc"; }
}

node_ids() { for i in 0 1 2 3 4 5; do nodecli "redis-node-$i" CLUSTER MYID; done; }

say "docker-compose up"
dc up -d --no-build "${services[@]}" >"$tmp/up.log" 2>&1 || { cat "$tmp/up.log"; dc logs --no-color | tail -40; fail "up failed"; }
wait_init
say "init exited 0"
for i in 0 1 2 3 4 5; do
  nodecli "redis-node-$i" CLUSTER INFO | has '^cluster_state:ok' || fail "redis-node-$i: cluster_state is not ok"
done
say "cluster_state:ok on all six"

# Published ports (docker port: what the host can reach): only redis-node-0's client port, on 127.0.0.1; the
# other nodes publish nothing unless docker-compose.ports.yml is added (checked at the end); no bus port ever.
published() {  # "6379/tcp -> 127.0.0.1:<port>" lines of the service's container, on one line (none: empty)
  local id; id=$(dc ps -q "$1")
  [ -n "$id" ] || return 0
  "$DOCKER" port "$id" | sort | tr '\n' ' ' | sed 's/ $//'
}
check_node_ports() {  # $1: the nodes that must publish their client port (others: nothing)
  local i want got
  for i in 0 1 2 3 4 5; do
    want=""
    case " $1 " in *" $i "*) want="6379/tcp -> 127.0.0.1:$((pb + i + 1))" ;; esac
    got=$(published "redis-node-$i")
    [ "$got" = "$want" ] || fail "redis-node-$i publishes '$got', expected '${want:-nothing}'"
    ! "$DOCKER" inspect -f '{{json .HostConfig.PortBindings}}' "$(dc ps -q "redis-node-$i")" | has 16379 ||
      fail "redis-node-$i publishes its cluster bus port"
  done
}
check_node_ports "0"
say "published on the host: only redis-node-0's client port (127.0.0.1:$((pb + 1))); no other node, no bus port"

# A redis-py RedisCluster in a container on the compose network, started from the service names only: with
# cluster-preferred-endpoint-type hostname it learns redis-node-N:6379 from CLUSTER SLOTS and follows MOVED by
# name. $1: write (write the keys, then read them back) or read (read back only).
pyclient() {
  local network
  network=$("$DOCKER" inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$(dc ps -q redis-node-0)")
  "$DOCKER" run --rm --name "$prefix-client" --network "$network" -v "$tmp/secrets/app_password:/run/secrets/app_password:ro" \
    "$prefix-client:local" python3 -c '
import sys
from redis.cluster import RedisCluster, ClusterNode
pw = open("/run/secrets/app_password").read().strip()
rc = RedisCluster(startup_nodes=[ClusterNode("redis-node-%d" % i, 6379) for i in range(6)], username="app", password=pw)
hosts = sorted({n.host for n in rc.get_nodes()})
assert hosts == ["redis-node-%d" % i for i in range(6)], "the client learned these node addresses: %s" % hosts
if sys.argv[1] == "write":
    for i in range(10000):
        rc.set("k%d" % i, "v%d" % i)
bad = [i for i in range(10000) if rc.get("k%d" % i) != b"v%d" % i]
assert not bad, "wrong values for %d keys" % len(bad)
print("redis-py RedisCluster (nodes by name: %s): 10000 keys %s" % (",".join(hosts), "written and read back" if sys.argv[1] == "write" else "read back"))
' "$1"
}
pyclient write || fail "redis-py on the compose network"
say "10000 keys through redis-py as user app on the compose network, every node known by its service name"
# MOVED names the target by its hostname: ask every node for k0; the ones that do not own it redirect.
moved=$(for i in 0 1 2 3 4 5; do nodecli "redis-node-$i" GET k0 || true; done | grep '^MOVED' | sort -u)
[ -n "$moved" ] && ! grep -qv '^MOVED [0-9]* redis-node-[0-5]:6379$' <<<"$moved" ||
  fail "MOVED does not name the node by hostname: '$moved'"
say "MOVED by name: $moved"

for i in $(seq 60); do
  up=$(curl -fsS http://127.0.0.1:$exporter_port/metrics 2>/dev/null | grep -c '^redis_up{.*} 1$' || true)
  [ "$up" = 6 ] && break
  [ "$i" = 60 ] && fail "the exporter shows $up nodes up, expected 6"
  sleep 1
done
say "exporter: redis_up 1 for six nodes (as user exporter)"

# Least privilege: each shipped user can do its job and nothing else.
for cmd in "GET k0" "SET k0 x" "CONFIG SET maxmemory 1" "FLUSHALL" "SCAN 0"; do
  # shellcheck disable=SC2086
  out=$(usercli redis-node-0 exporter $cmd 2>&1 || true)
  grep -q '^NOPERM' <<<"$out" || fail "user exporter ran '$cmd': $out"
  # shellcheck disable=SC2086
  out=$(usercli redis-node-0 healthcheck $cmd 2>&1 || true)
  grep -q '^NOPERM' <<<"$out" || fail "user healthcheck ran '$cmd': $out"
done
[ "$(usercli redis-node-0 healthcheck PING)" = PONG ] || fail "user healthcheck cannot PING"
usercli redis-node-0 exporter INFO replication | grep -q '^role:' || fail "user exporter cannot run INFO"
for cmd in "FLUSHALL" "CONFIG SET maxmemory 1" "CLUSTER RESET" "CLIENT KILL ID 999999999"; do
  # shellcheck disable=SC2086
  out=$(usercli redis-node-0 app $cmd 2>&1 || true)
  grep -q '^NOPERM' <<<"$out" || fail "user app ran '$cmd': $out"
done
for i in 0 1 2 3 4 5; do
  [ "$(usercli "redis-node-$i" healthcheck PING)" = PONG ] || fail "redis-node-$i: the healthcheck user cannot PING"
done
# Every replica's link to its master is authenticated as user replication (CLIENT LIST on the masters).
repl_users=$(for i in 0 1 2 3 4 5; do nodecli "redis-node-$i" CLIENT LIST TYPE replica; done | grep -o ' user=[^ ]*' | sort | uniq -c)
[ "$(awk '{s+=$1} END {print s}' <<<"$repl_users")" = 3 ] && ! grep -qv 'user=replication$' <<<"$repl_users" ||
  fail "replica links on the masters: '$repl_users' (expected 3, all user=replication)"
say "users: exporter and healthcheck only their commands, app no dangerous command, 3 replicas as user replication"

for i in $(seq 90); do
  rules=$(curl -fsS http://127.0.0.1:$prometheus_port/api/v1/rules 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["groups"]))' || echo 0)
  target=$(curl -fsS http://127.0.0.1:$prometheus_port/api/v1/targets 2>/dev/null | python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"]; print(",".join(x["health"] for x in t))' || echo none)
  [ "$rules" -gt 0 ] && [ "$target" = up ] && break
  [ "$i" = 90 ] && fail "Prometheus: $rules rule groups, targets: $target"
  sleep 1
done
say "Prometheus: $rules rule groups loaded, exporter target up"

# No password or secret appears in any docker inspect, process list, log or image layer.
containers=$(dc ps -q -a)
for name in $secret_names; do
  value=$(head -n 1 "$tmp/secrets/$name")
  ! "$DOCKER" inspect $containers | has -F "$value" || fail "$name is in docker inspect"
  ! ps -e -o args= | grep -v grep | has -F "$value" || fail "$name is in the process list"
  ! dc logs --no-color 2>&1 | has -F "$value" || fail "$name is in the logs"
  ! "$DOCKER" history --no-trunc "$prefix:local" | has -F "$value" || fail "$name is in the image history"
done
say "no password or secret ($secret_names) in docker inspect, process list, log or image history"

# down + up: the network is recreated and every node gets a new address; the cluster must heal by itself with
# the same node ids, roles and slots, every key, every replica linked, and the init must re-create nothing.
# Docker hands out addresses in order in a fresh network, so to make sure every node's address changes the
# second up starts the three monitoring services first and then the nodes one by one in the order of their old
# addresses: each node's new address is then at least two above its old one.
node_addr() { "$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(dc ps -q "$1")"; }
# The shards as node $1 sees them: one line per master, "<slots> | <ids of the shard's nodes>". Per shard, not
# per node: a node stopped with SIGTERM hands its master role to its replica first, so `down` may swap the
# roles inside a shard; the shard's nodes and its slots must stay the same.
topology_of() {
  nodecli "$1" CLUSTER NODES | python3 -c '
import sys
shards, slots = {}, {}
for f in (l.split() for l in sys.stdin if l.strip()):
    master = f[0] if "master" in f[2].split(",") else f[3]
    shards.setdefault(master, []).append(f[0])
    if master == f[0]:
        slots[master] = " ".join(sorted(f[8:]))
for m, ids in shards.items():
    print("%s | %s" % (slots.get(m, "?"), " ".join(sorted(ids))))
' | sort
}
master_keys() {
  for i in 0 1 2 3 4 5; do
    if nodecli "redis-node-$i" INFO replication | has '^role:master'; then nodecli "redis-node-$i" DBSIZE; fi
  done | awk '{s += $1} END {print s + 0}'
}
ids=$(node_ids)
topo_before=$(topology_of redis-node-0)
keys_before=$(master_keys)
declare -A old_addr new_addr
for i in 0 1 2 3 4 5; do old_addr[redis-node-$i]=$(node_addr "redis-node-$i"); done
start_order=$(for s in "${!old_addr[@]}"; do echo "${old_addr[$s]} $s"; done | sort -V | awk '{print $2}')
dc down --timeout 10 >"$tmp/down.log" 2>&1 || { cat "$tmp/down.log"; fail "down failed"; }
say "down: containers and network removed (volumes kept); starting the nodes again on a new network"
dc up -d --no-build --no-deps alertmanager prometheus redis-exporter >"$tmp/up2.log" 2>&1 ||
  { cat "$tmp/up2.log"; fail "second up (monitoring) failed"; }
for s in $start_order; do
  dc up -d --no-build --no-deps "$s" >>"$tmp/up2.log" 2>&1 || { cat "$tmp/up2.log"; fail "second up of $s failed"; }
done
t_started=$SECONDS
changed=0
for i in 0 1 2 3 4 5; do
  s=redis-node-$i
  new_addr[$s]=$(node_addr "$s")
  [ "${new_addr[$s]}" != "${old_addr[$s]}" ] && changed=$((changed + 1))
  say "address of $s: ${old_addr[$s]} before down, ${new_addr[$s]} after up"
done
[ "$changed" -gt 0 ] || fail "Docker gave every node its old address again: the address change is not tested"
say "$changed of 6 nodes have a new address"
# No human step and no init yet: wait for cluster_state:ok on all six (bounded).
for n in $(seq 240); do
  bad=""
  t_round=$((SECONDS - t_started))
  for i in 0 1 2 3 4 5; do
    nodecli "redis-node-$i" CLUSTER INFO 2>/dev/null | has '^cluster_state:ok' || bad="$bad redis-node-$i"
  done
  [ -z "$bad" ] && break
  if [ "$n" = 240 ] || [ $((SECONDS - t_started)) -gt 120 ]; then
    for i in 0 1 2 3 4 5; do echo "--- redis-node-$i"; nodecli "redis-node-$i" CLUSTER NODES || true; done
    fail "cluster_state not ok on$bad $((SECONDS - t_started))s after the last node started on its new address"
  fi
  sleep 0.5
done
say "cluster healthy after down + up: cluster_state:ok on all six in the poll that began ${t_round}s after the last node started (polls of six docker-compose exec take $((SECONDS - t_started - t_round))s here; node timeout 5 s)"
for n in $(seq 60); do
  unlinked=""
  for i in 0 1 2 3 4 5; do
    r=$(nodecli "redis-node-$i" INFO replication)
    has '^role:slave' <<<"$r" && ! has '^master_link_status:up' <<<"$r" && unlinked="$unlinked redis-node-$i"
  done
  [ -z "$unlinked" ] && break
  [ "$n" = 60 ] && fail "replicas not linked to their master (master_link_status) after down + up:$unlinked"
  sleep 1
done
say "every replica linked to its master (master_link_status:up) $((SECONDS - t_started))s after the start"
[ "$(node_ids)" = "$ids" ] || fail "node ids changed across down + up"
# Every node's CLUSTER NODES lists every node (itself included) at its new container address: not an old
# one, not 0.0.0.0 (redis-cli --cluster check and MOVED by name would not notice either).
expected=$(for i in 0 1 2 3 4 5; do echo "$(nodecli "redis-node-$i" CLUSTER MYID) ${new_addr[redis-node-$i]}"; done | sort)
for n in $(seq 30); do
  wrong=""
  for i in 0 1 2 3 4 5; do
    view=$(nodecli "redis-node-$i" CLUSTER NODES | awk '{split($2, a, ":"); print $1, a[1]}' | sort)
    [ "$view" = "$expected" ] || wrong="$wrong redis-node-$i"
  done
  [ -z "$wrong" ] && break
  if [ "$n" = 30 ]; then
    echo "expected (id, address):"; echo "$expected"
    for i in $wrong; do echo "--- $i"; nodecli "$i" CLUSTER NODES; done
    fail "after down + up these nodes list a node at a wrong address:$wrong"
  fi
  sleep 1
done
say "every node's CLUSTER NODES lists all six at their new addresses"
topo_after=$(topology_of redis-node-0)
[ "$topo_after" = "$topo_before" ] ||
  fail "shards or slots changed across down + up: before
$topo_before
after
$topo_after"
say "same node ids, and the same shards (nodes and slots) as before down + up"
check=$(nodecli redis-node-0 --cluster check 127.0.0.1:6379 || true)
has -F '[OK] All 16384 slots covered.' <<<"$check" && has -F '[OK] All nodes agree about slots configuration.' <<<"$check" &&
  ! has -E '\[(ERR|WARNING)\]' <<<"$check" || { echo "$check"; fail "redis-cli --cluster check is not clean after down + up"; }
say "redis-cli --cluster check: clean (all slots covered, all nodes agree, no error or warning)"
keys_after=$(master_keys)
[ "$keys_after" = "$keys_before" ] || fail "keys across down + up: $keys_before before, $keys_after after"
pyclient read || fail "redis-py after down + up"
say "keys survived down + up ($keys_after on the masters; all 10000 read back by name through redis-py)"
dc up -d --no-build "${services[@]}" >>"$tmp/up2.log" 2>&1 || { cat "$tmp/up2.log"; fail "second up (init) failed"; }
wait_init
dc logs --no-color redis-cluster-init | has "cluster already formed" ||
  { dc logs --no-color redis-cluster-init | tail -30; fail "the init did not find the formed cluster after down + up"; }
say "the init found the formed cluster and changed nothing"
for i in $(seq 60); do
  metrics=$(curl -fsS http://127.0.0.1:$exporter_port/metrics 2>/dev/null || true)
  up=$(grep -c '^redis_up{.*} 1$' <<<"$metrics" || true)
  names=$(grep '^redis_cluster_node_info{' <<<"$metrics" | grep -o 'hostname="[^"]*"' | sort -u | tr '\n' ' ' || true)
  [ "$up" = 6 ] && [ "$names" = "$(printf 'hostname="redis-node-%d" ' 0 1 2 3 4 5)" ] && break
  if [ "$i" = 60 ]; then
    grep -E '^redis_(up|cluster_seed_info|cluster_nodes )' <<<"$metrics" || true
    dc logs --no-color redis-exporter | tail -30
    nodecli redis-node-0 CLUSTER NODES || true
    fail "after down + up the exporter shows $up nodes up and hostnames: $names"
  fi
  sleep 1
done
say "exporter after down + up: redis_up 1 for six nodes, redis_cluster_node_info hostname labels redis-node-0..5"
# Stopping a master container: its replica is promoted, and the exporter shows it.
for i in 0 1 2 3 4 5; do
  if nodecli "redis-node-$i" INFO replication | has '^role:master'; then victim=redis-node-$i; break; fi
done
victim_id=$(nodecli "$victim" CLUSTER MYID)
replica_id=$(nodecli "$victim" CLUSTER NODES | awk -v m="$victim_id" '$4 == m {print $1; exit}')
[ -n "$replica_id" ] || fail "$victim ($victim_id) has no replica"
dc stop -t 1 "$victim" >/dev/null 2>&1
say "stopped the master $victim; waiting for the exporter to show its replica $replica_id as master"
for i in $(seq 90); do
  promoted=$(curl -fsS http://127.0.0.1:$exporter_port/metrics 2>/dev/null | grep '^redis_cluster_node_slots{' |
    grep -F "node_id=\"$replica_id\"" | grep -F 'role="master"' | awk '$NF > 0' || true)
  down=$(curl -fsS http://127.0.0.1:$exporter_port/metrics 2>/dev/null | grep -c '^redis_up{.*} 0$' || true)
  [ -n "$promoted" ] && [ "$down" = 1 ] && break
  [ "$i" = 90 ] && fail "no failover shown by the exporter 90s after stopping $victim (promoted: '${promoted}', nodes down: $down)"
  sleep 1
done
other=redis-node-$(( (${victim#redis-node-} + 1) % 6 ))
for i in $(seq 30); do
  nodecli "$other" CLUSTER INFO | has '^cluster_state:ok' && break
  [ "$i" = 30 ] && fail "cluster_state not ok on $other after the failover"
  sleep 1
done
say "failover: the exporter shows $replica_id as master with slots, one node down, cluster_state:ok"

# The opt-in override publishes the other nodes' client ports (and still no bus port): recreate the nodes that
# are running with it, then check docker port again.
running=""
for i in 0 1 2 3 4 5; do [ "redis-node-$i" = "$victim" ] || running="$running $i"; done
dc -f "$repo/compose/docker-compose.ports.yml" up -d --no-deps --no-build $(printf 'redis-node-%s ' $running) \
  >"$tmp/up-ports.log" 2>&1 || { cat "$tmp/up-ports.log"; fail "up with docker-compose.ports.yml failed"; }
check_node_ports "$running"
say "with docker-compose.ports.yml: the running nodes publish their client ports ($running), still no bus port"
say "all checks passed in $((SECONDS - t0))s"
