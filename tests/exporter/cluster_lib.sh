# Shell helpers shared by the exporter's integration test and benchmark: a six-node cluster on 127.0.0.1.
# Source this file, then call cluster_start / cluster_stop. Everything is bounded in count and time.
#
# Environment:
#   RCS_SERVER_BIN   server binary (default /usr/bin/redis-server); set it to our node's binary once its
#                    cluster mode exists: it must take redis-server's flags used below
#   RCS_CLI_BIN      redis-cli (default /usr/bin/redis-cli)
#   CL_PORT_BASE     first port (six consecutive ports; bus ports are +10000)
#   CL_PASSWORD      requirepass/masterauth
#   CL_NODE_TIMEOUT  cluster-node-timeout in ms

RCS_SERVER_BIN=${RCS_SERVER_BIN:-/usr/bin/redis-server}
RCS_CLI_BIN=${RCS_CLI_BIN:-/usr/bin/redis-cli}
CL_PORT_BASE=${CL_PORT_BASE:-21000}
CL_PASSWORD=${CL_PASSWORD:-s3cret-pw}
CL_NODE_TIMEOUT=${CL_NODE_TIMEOUT:-1000}
CL_DIR=""
CL_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../integration/lib" && pwd)"  # the integration test library
WATCHDOG_PID=""

# A test must stop what it started even when ctest's timeout would kill it: this sends SIGTERM to the
# calling script after SECONDS (its TERM trap exits, which runs its EXIT trap and so cleanup).
watchdog_start() { # watchdog_start SECONDS
  local parent=$$
  WATCHDOG_SLEEP_FILE=$(mktemp /tmp/rcs-exporter-watchdog.XXXXXX)
  (
    sleep "$1" &
    echo $! >"$WATCHDOG_SLEEP_FILE"
    wait $! || exit 0
    echo "watchdog: $1 s passed, stopping" >&2
    kill -TERM "$parent"
  ) &
  WATCHDOG_PID=$!
}
watchdog_stop() { # stops the watchdog and its sleep (by the pids it recorded)
  [ -n "$WATCHDOG_PID" ] || return 0
  kill "$WATCHDOG_PID" 2>/dev/null
  local i sleep_pid=""
  for i in 1 2 3 4 5 6 7 8 9 10; do
    sleep_pid=$(cat "$WATCHDOG_SLEEP_FILE" 2>/dev/null)
    [ -n "$sleep_pid" ] && break
    sleep 0.05
  done
  [ -n "$sleep_pid" ] && kill "$sleep_pid" 2>/dev/null
  rm -f "$WATCHDOG_SLEEP_FILE"
  WATCHDOG_PID=""
}

cl_cli() { # cl_cli PORT args...
  local port=$1; shift
  timeout 5 "$RCS_CLI_BIN" -h 127.0.0.1 -p "$port" --no-auth-warning -a "$CL_PASSWORD" "$@"
}

cl_node_start() { # cl_node_start PORT (reuses the port's directory and nodes.conf)
  local port=$1 d="$CL_DIR/$1"
  mkdir -p "$d"
  "$RCS_SERVER_BIN" --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$d/nodes.conf" --cluster-node-timeout "$CL_NODE_TIMEOUT" \
    --requirepass "$CL_PASSWORD" --masterauth "$CL_PASSWORD" --dir "$d" --save "" --appendonly no \
    --daemonize no --logfile "$d/server.log" >"$d/stdout.log" 2>&1 &
  echo $! >"$d/pid"
}

cl_wait_ping() { # cl_wait_ping PORT  (at most 50 tries / 10 s)
  local i end=$((SECONDS + 10))
  for i in $(seq 1 50); do
    [ "$SECONDS" -lt "$end" ] || break
    [ "$(cl_cli "$1" ping 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.1
  done
  echo "node $1 did not answer PING within 10 s; the last 30 lines of its log:" >&2
  tail -n 30 "$CL_DIR/$1/server.log" "$CL_DIR/$1/stdout.log" >&2 2>/dev/null
  return 1
}

cluster_ports() { seq "$CL_PORT_BASE" $((CL_PORT_BASE + 5)); }

cluster_start() {
  CL_DIR=$(mktemp -d /tmp/rcs-exporter-cluster.XXXXXX)
  local port
  for port in $(cluster_ports); do cl_node_start "$port"; done
  for port in $(cluster_ports); do cl_wait_ping "$port" || return 1; done
  # The integration test library forms the cluster and waits (bounded) for cluster_state:ok on every node and
  # every replica's link up; on a timeout it says what it waited for and prints each node's last log lines.
  # shellcheck disable=SC2046
  REDIS_CLI_BIN="$RCS_CLI_BIN" timeout 120 python3 "$CL_LIB/rcs_cluster.py" --password "$CL_PASSWORD" \
    --dirs "$CL_DIR/%d" --timeout 30 --linked $(cluster_ports)
}

cl_node_pid() { cat "$CL_DIR/$1/pid" 2>/dev/null; }

cl_node_kill9() { # cl_node_kill9 PORT
  local pid
  pid=$(cl_node_pid "$1")
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  [ -n "$pid" ] && wait "$pid" 2>/dev/null
  rm -f "$CL_DIR/$1/pid"
}

cluster_stop() {
  [ -n "$CL_DIR" ] && [ -d "$CL_DIR" ] || return 0
  local port pid
  for port in $(cluster_ports); do
    pid=$(cl_node_pid "$port")
    if [ -n "$pid" ]; then
      kill -CONT "$pid" 2>/dev/null
      kill "$pid" 2>/dev/null
    fi
  done
  for port in $(cluster_ports); do
    pid=$(cl_node_pid "$port")
    [ -n "$pid" ] && { timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null; }
  done
  rm -rf "$CL_DIR"
  CL_DIR=""
}

# The common frame of a script that uses this file: a scratch directory in $WORK; on exit (also on failure,
# Ctrl-C or the watchdog's SIGTERM) the watchdog, every pid in CL_PIDS (exporters, extra servers) and the
# cluster are stopped and $WORK is removed.
CL_PIDS=()
WORK=""
cl_script_begin() { # cl_script_begin NAME WATCHDOG_SECONDS
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  trap cl_script_cleanup EXIT
  trap 'exit 130' INT TERM
  watchdog_start "$2"
}
cl_script_cleanup() {
  watchdog_stop
  local p
  for p in "${CL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${CL_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  cluster_stop
  [ -n "$WORK" ] && rm -rf "$WORK"
}
