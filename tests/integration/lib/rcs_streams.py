"""Helpers of the stream integration tests (test_stream_*.py; import it through rcs_streams after rcs).

The stream tests run against our node by default. RCS_STREAM_TARGET=redis-server runs the same test against
Debian's redis-server 7.0.15 instead (how the tests' expectations were checked against the reference; it is
not what CI runs). Until our node has the stream commands (issue 20), a test exits 77 (skipped) saying so.
"""
import os
import re
import subprocess
import sys

import rcs_resp
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
    """Fails (AssertionError) when `node` answers a stream command with 'unknown command': a build without the
    streams feature must not pass these tests. Call it from setUpClass."""
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
        for n in list(rcs_server._live):
            n.stop()
        raise AssertionError("the node (%s) does not have %s" % (node.binary, ", ".join(missing)))


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


# The consumers' read times, and the radix tree's shape (how entries are packed, which a rewrite of the AOF as
# commands changes on redis-server too: not data).
_MASK_RE = re.compile(rb"(\$(?:9\r\nseen-time|11\r\nactive-time|15\r\nradix-tree-keys|16\r\nradix-tree-nodes)"
                      rb"\r\n):\d+\r\n")


def xinfo_full(client, key):
    """XINFO STREAM key FULL COUNT 0 (every entry, every PEL entry) with the read times masked (redis-py)."""
    return masked(client.execute_command("XINFO", "STREAM", key, "FULL", "COUNT", "0"))


def xinfo_full_raw(node, key):
    """The exact bytes of XINFO STREAM key FULL COUNT 0 (RESP2) with the consumers' seen-time/active-time values
    and the radix tree's key and node counts replaced by 0: fast enough to compare streams of 100,000 entries byte
    for byte."""
    with rcs_resp.Resp(node.port, host=node.host, timeout=60, password=node.password) as c:
        raw = c.call_raw("XINFO", "STREAM", key, "FULL", "COUNT", "0")
    return _MASK_RE.sub(rb"\1:0\r\n", raw)


def pipe(node, commands):
    """Sends `commands` (lists of arguments) through `redis-cli --pipe` (mass insertion); asserts no error."""
    data = b"".join(rcs_resp.encode(*c) for c in commands)
    cmd = [rcs_server.REDIS_CLI, "-h", node.host, "-p", str(node.port), "--pipe"]
    if node.password:
        cmd += ["-a", node.password, "--no-auth-warning"]
    out = subprocess.run(cmd, input=data, capture_output=True, timeout=120)
    text = out.stdout.decode(errors="replace")
    assert out.returncode == 0 and "errors: 0, replies: %d" % len(commands) in text, text + out.stderr.decode()
    return text


def pels(client, key):
    """Every group's extended XPENDING (id, consumer, delivery count) by group name (redis-py, any client)."""
    out = {}
    for g in sorted(client.xinfo_groups(key), key=lambda g: g["name"]):
        rows = client.xpending_range(key, g["name"], "-", "+", 1 << 30)
        out[g["name"]] = [(r["message_id"], r["consumer"], r["times_delivered"]) for r in rows]
    return out
