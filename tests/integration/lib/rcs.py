"""The test library of the integration tests: `import rcs` (after putting this directory on sys.path).

    rcs_wait     wait_until (every wait bounded; a timeout names what it waited for and prints the last 30
                 log lines of every node), the nodes' logs on any failure (excepthook; run_tests() for
                 unittest modules, which also fails when nothing ran)
    rcs_server   Server: one node (ours or Debian's redis-server), stopped at exit; fields/info; binaries;
                 ServersTestCase: a unittest case with its own directory and servers, cleaned after each test
    rcs_cluster  Cluster: N nodes formed by `redis-cli --cluster create`, kill/restart, views; key_slot
    rcs_resp     Resp: the raw RESP client (parsed or byte-exact replies); raw_exchange
`python3 rcs_cluster.py --help`: the entry point the shell tests use to form a cluster.
"""
import os
import sys

from rcs_wait import (LOG_LINES, WaitTimeout, live as _live, log_tails, report, run_tests, track,  # noqa: F401
                      untrack, wait_until)
from rcs_server import (NODE_BIN, REDIS_BENCHMARK, REDIS_CHECK_RDB, REDIS_CLI, REDIS_SERVER, REPO, Server,  # noqa: F401
                        PairTestCase, ServersTestCase, check_rdb, fields, info, port_free, stop_process)
from rcs_cluster import (SLOTS, Cluster, all_ok, cluster_cli, cluster_create, cluster_nodes, cluster_ok,  # noqa: F401
                         key_slot, role, slot_owner, wait_cluster_ok, write_bus_secret)
from rcs_resp import Resp, encode, raw_exchange  # noqa: F401
from rcs_data import key_contents  # noqa: F401


def variant_filter(env, known):
    """A predicate variant -> bool from the comma-separated list in environment variable `env` (unset or
    empty: every variant). A name that is not in `known` ends the test with exit code 2 and a message, so a
    typo never makes a test pass having checked nothing."""
    raw = os.environ.get(env, "")
    wanted = [v.strip() for v in raw.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in known]
    if raw and (unknown or not wanted):
        print("error: %s=%r names no variant of this test (%s); the variants are: %s"
              % (env, raw, ", ".join(unknown) or "empty list", ", ".join(known)), file=sys.stderr)
        sys.exit(2)

    def want(variant):
        assert variant in known, "variant %r is not in the list given to variant_filter" % variant
        return not wanted or variant in wanted
    return want



__all__ = [
    "Cluster", "LOG_LINES", "all_ok", "NODE_BIN", "REDIS_BENCHMARK", "REDIS_CLI", "REDIS_SERVER", "REPO", "Resp", "SLOTS",
    "Server", "WaitTimeout", "_live", "cluster_cli", "cluster_create", "cluster_nodes", "cluster_ok", "encode",
    "fields", "info", "key_contents", "key_slot", "log_tails", "port_free", "raw_exchange", "report", "role", "run_tests",
    "slot_owner", "track", "untrack", "variant_filter", "wait_cluster_ok", "wait_until"
]
