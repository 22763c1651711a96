"""Helpers of the stream integration tests (test_stream_*.py; import it through rcs_streams after rcs).

The stream tests run against our node by default. RCS_STREAM_TARGET=redis-server runs the same test against
Debian's redis-server 7.0.15 instead (how the tests' expectations were checked against the reference; it is
not what CI runs). Until our node has the stream commands (issue 20), a test exits 77 (skipped) saying so.
"""
import os
import sys

import rcs_server

TARGET = os.environ.get("RCS_STREAM_TARGET", "ours")
if TARGET not in ("ours", "redis-server"):
    print("error: RCS_STREAM_TARGET=%r: expected ours or redis-server" % TARGET, file=sys.stderr)
    sys.exit(2)
BINARY = rcs_server.REDIS_SERVER if TARGET == "redis-server" else rcs_server.NODE_BIN
# DEBUG DIGEST-VALUE is refused by redis-server 7.0 unless enabled.
DEBUG_ARGS = ["--enable-debug-command", "yes"]

# Fields of XINFO STREAM FULL that carry the wall clock of the moment something was read: masked before two
# servers' (or one server's before/after) replies are compared. Delivery times of pending entries are NOT
# masked: redis-server propagates them (XCLAIM ... TIME <ms>) and stores them in the AOF/RDB.
TIME_FIELDS = (b"seen-time", b"active-time")


def require_streams(node):
    """Exits 77 (skipped) when `node` answers a stream command with 'unknown command': our node before issue 20."""
    import redis
    c = redis.Redis(host=node.host, port=node.port, password=node.password, socket_timeout=10)
    try:
        missing = []
        for cmd in ("XADD", "XREADGROUP", "XAUTOCLAIM", "XINFO"):
            try:
                c.execute_command(cmd)  # no arguments: an arity error when the command exists
            except redis.ResponseError as e:
                if str(e).startswith("unknown command"):
                    missing.append(cmd)
    finally:
        c.close()
    if missing:
        print("SKIPPED: the node (%s) does not have %s yet: this test waits for the streams feature (issue 20)"
              % (node.binary, ", ".join(missing)), flush=True)
        for n in list(rcs_server._live):
            n.stop()
        sys.exit(77)


def masked(value):
    """A parsed XINFO STREAM FULL reply (redis-py, RESP2 lists of key/value pairs) with TIME_FIELDS values
    replaced by 0, recursively."""
    if isinstance(value, list):
        out = []
        i = 0
        while i < len(value):
            v = value[i]
            if isinstance(v, bytes) and v in TIME_FIELDS and i + 1 < len(value):
                out += [v, 0]
                i += 2
                continue
            out.append(masked(v))
            i += 1
        return out
    return value


def xinfo_full(client, key):
    """XINFO STREAM key FULL COUNT 0 (every entry, every PEL entry) with the read times masked."""
    return masked(client.execute_command("XINFO", "STREAM", key, "FULL", "COUNT", "0"))


def pels(client, key):
    """Every group's extended XPENDING (id, consumer, delivery count), sorted by group name."""
    out = {}
    for g in client.execute_command("XINFO", "GROUPS", key):
        d = dict(zip(g[0::2], g[1::2]))
        name = d[b"name"]
        rows = client.execute_command("XPENDING", key, name, "-", "+", 1 << 30)
        out[name] = [(r[0], r[1], r[3]) for r in rows]
    return out
