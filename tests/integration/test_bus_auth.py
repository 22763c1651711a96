#!/usr/bin/python3
"""The authenticated cluster bus (cluster-bus-secret-file, cluster-bus-auth; node/src/cluster/bus_auth.h).

  - attack: raw sockets send well-formed bus packets (a MEET from a stranger, a FAIL about a healthy master
    and an UPDATE handing its slots to another master, both in the name of a member) to a node:
      * without the secret the attack works, as in Redis: the MEET adds a node, the master is flagged fail,
        its slots move;
      * with cluster-bus-auth required, nothing changes and each dropped connection is counted in
        cluster_bus_auth_failures;
      * a test that holds the secret (hmac from Python's standard library) completes the handshake and sends
        an authenticated PING, answered with an authenticated PONG; the same frame replayed, a frame with
        one byte altered and a frame out of order are each dropped and counted;
  - rolling switch: a 3+3 cluster without the secret, under a writer, switched node by node to optional and
    then to required with CONFIG SET: cluster_state stays ok on every node and every write is answered the
    whole time, every bus link is authenticated at the end, and a node without the secret is shut out.

Ports: RCS_BUS_AUTH_BASE_PORT (default 21400) .. +29, bus ports +10000. Every process is stopped at the end,
also on failure; every wait and loop is bounded.
"""
import hashlib
import hmac
import logging
import os
import socket
import struct
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402
from rcs import cluster_nodes, key_slot  # noqa: E402

logging.getLogger("redis").setLevel(logging.CRITICAL)

BASE = int(os.environ.get("RCS_BUS_AUTH_BASE_PORT", "21400"))
NODE_TIMEOUT = 3000
SECRET = "bus-auth-test-secret 0123456789"

# ---- bus frames (node/src/cluster/bus_message.h, version 1)
HEADER = struct.Struct(">4sIHHHHQQQ40s2048s40s46sHHBB256s4s")
assert HEADER.size == 2480
PING, PONG, MEET, FAIL, UPDATE = 0, 1, 2, 3, 7
FLAG_MASTER = 1


def bus_frame(mtype, sender, body=b"", slots=b"", config_epoch=0, current_epoch=0, port=0, cport=0,
              flags=FLAG_MASTER):
    totlen = HEADER.size + len(body)
    head = HEADER.pack(b"RCmb", totlen, 1, mtype, 0, flags, current_epoch, config_epoch, 0,
                       sender.encode(), slots.ljust(2048, b"\0"), b"", b"", port, cport, 0, 0, b"", b"")
    return head + body


def slot_bitmap(ranges):
    b = bytearray(2048)
    for a, z in ranges:
        for s in range(a, z + 1):
            b[s >> 3] |= 1 << (s & 7)
    return bytes(b)


def ranges_of(view_entry):
    out = []
    for r in view_entry[3]:
        if r.startswith("["):
            continue
        a, _, z = r.partition("-")
        out.append((int(a), int(z or a)))
    return out


# ---- the authenticated framing (node/src/cluster/bus_auth.h, version 1)
def _hm(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


class AuthLink:
    """A dialler's side of an authenticated link, over a connected socket."""

    def __init__(self, sock, secret):
        self.sock = sock
        self.secret = secret.encode()
        nd = os.urandom(32)
        sock.sendall(b"RCba" + struct.pack(">HH", 1, 1) + nd + bytes(32))
        reply = recv_exact(sock, 72)
        assert reply[:4] == b"RCba" and struct.unpack(">HH", reply[4:8]) == (1, 2), reply[:8]
        nl = reply[8:40]
        want = _hm(self.secret, b"rcs-bus-auth v1 listener" + nd + nl)
        assert hmac.compare_digest(want, reply[40:72]), "the node's handshake proof does not match"
        proof = _hm(self.secret, b"rcs-bus-auth v1 dialler" + nd + nl)
        sock.sendall(b"RCba" + struct.pack(">HH", 1, 3) + bytes(32) + proof)
        k = _hm(self.secret, b"rcs-bus-auth v1 link" + nd + nl)
        self.send_key, self.recv_key = _hm(k, b"d2l"), _hm(k, b"l2d")
        self.send_counter = self.recv_counter = 0

    def seal(self, frame, counter=None):
        if counter is None:
            counter = self.send_counter
            self.send_counter += 1
        head = b"RCaf" + struct.pack(">IQ", 16 + len(frame) + 32, counter)
        return head + frame + _hm(self.send_key, head + frame)

    def read_frame(self):
        head = recv_exact(self.sock, 16)
        assert head[:4] == b"RCaf", head
        totlen, counter = struct.unpack(">IQ", head[4:16])
        rest = recv_exact(self.sock, totlen - 16)
        assert hmac.compare_digest(_hm(self.recv_key, head + rest[:-32]), rest[-32:]), "bad MAC from the node"
        assert counter == self.recv_counter
        self.recv_counter += 1
        return rest[:-32]


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def bus_connect(node):
    return socket.create_connection(("127.0.0.1", node.port + 10000), timeout=10)


def closed_by_peer(sock, timeout=10):
    """True once the node closed the connection (reads until EOF, bounded)."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


def send_and_wait_close(node, data):
    s = bus_connect(node)
    try:
        try:
            s.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            return True
        return closed_by_peer(s)
    finally:
        s.close()


def failures(node):
    return int(rcs.fields(node, "CLUSTER", "INFO", timeout=5)["cluster_bus_auth_failures"])


def write_secret(directory, secret=SECRET):
    return rcs.write_bus_secret(directory, secret)


class BusAttack(unittest.TestCase):
    def cluster(self, base, args=()):
        c = rcs.Cluster(range(base, base + 3), replicas=0, node_timeout=NODE_TIMEOUT, args=args)
        c.start()
        self.addCleanup(c.stop)
        return c

    def attack_packets(self, c):
        x, a, b = c.nodes
        v = cluster_nodes(x)
        a_id, b_id = v[a.port][0], v[b.port][0]
        fail = bus_frame(FAIL, b_id, body=a_id.encode())
        stolen = slot_bitmap(ranges_of(v[a.port]) + ranges_of(v[b.port]))
        # (The header's config epoch stays 0: the UPDATE's own epoch is what must be newer than the owner's.)
        update = bus_frame(UPDATE, b_id, body=struct.pack(">Q", 1000) + b_id.encode() + stolen)
        meet = bus_frame(MEET, "f" * 40, port=BASE + 29, cport=BASE + 29 + 10000)
        a_slot = ranges_of(v[a.port])[0][0]
        return x, a, b, a_slot, meet, fail, update

    def test_without_secret_the_attack_works(self):
        c = self.cluster(BASE)
        x, a, b, a_slot, meet, fail, update = self.attack_packets(c)
        s = bus_connect(x)
        self.addCleanup(s.close)
        # MEET from a stranger: answered with a PONG, and the stranger is a node of the cluster now.
        s.sendall(meet)
        head = recv_exact(s, HEADER.size)
        self.assertEqual(head[:4], b"RCmb")
        self.assertEqual(struct.unpack(">H", head[10:12])[0], PONG)
        rcs.wait_until(lambda: BASE + 29 in cluster_nodes(x), timeout=10, what="the forged MEET's node in CLUSTER NODES")
        # FAIL about a healthy master, in another master's name.
        s.sendall(fail)
        rcs.wait_until(lambda: "fail" in cluster_nodes(x)[a.port][1].split(","), timeout=10,
                       what="the forged FAIL to flag master %d fail" % a.port)
        # UPDATE handing its slots to the other master.
        s.sendall(update)
        rcs.wait_until(lambda: rcs.slot_owner(cluster_nodes(x), a_slot) == b.port, timeout=10,
                       what="the forged UPDATE to move slot %d to %d" % (a_slot, b.port))
        self.assertEqual(failures(x), 0)
        print("without the secret: the forged MEET, FAIL and UPDATE took effect (as in Redis)", flush=True)

    def test_with_secret_nothing_changes(self):
        root = tempfile.mkdtemp(prefix="rcs-busauth-")
        self.addCleanup(lambda: __import__("shutil").rmtree(root, ignore_errors=True))
        secret = write_secret(root)
        c = self.cluster(BASE + 3, args=["--cluster-bus-secret-file", secret, "--cluster-bus-auth", "required"])
        x, a, b, a_slot, meet, fail, update = self.attack_packets(c)
        before = cluster_nodes(x)
        for n in c.nodes:
            rcs.wait_until(lambda n=n: rcs.fields(n, "CLUSTER", "INFO")["cluster_bus_auth_links"] == "4",
                           timeout=20, what="4 authenticated bus links on %d" % n.port)
        # The secret's path is shown, never the secret.
        self.assertEqual(x.cli("CONFIG", "GET", "cluster-bus-secret-file").split(), ["cluster-bus-secret-file", secret])
        self.assertNotIn(SECRET.split()[0], x.cli("CONFIG", "GET", "*"))
        base = failures(x)
        for name, pkt in (("MEET", meet), ("FAIL", fail), ("UPDATE", update), ("FAIL+UPDATE", fail + update)):
            self.assertTrue(send_and_wait_close(x, pkt), "the node kept an unauthenticated link open (%s)" % name)
            base += 1
            self.assertEqual(failures(x), base, "the dropped %s connection was not counted" % name)
        after = cluster_nodes(x)
        self.assertEqual({p: (e[0], e[1], e[3]) for p, e in after.items()},
                         {p: (e[0], e[1], e[3]) for p, e in before.items()})
        self.assertEqual(rcs.slot_owner(after, a_slot), a.port)
        self.assertTrue(rcs.cluster_ok(x))

        # The secret holder: handshake, then an authenticated PING is answered by an authenticated PONG.
        stranger = "e" * 40
        s = bus_connect(x)
        self.addCleanup(s.close)
        link = AuthLink(s, SECRET)
        ping = bus_frame(PING, stranger, port=BASE + 28, cport=BASE + 28 + 10000)
        sealed = link.seal(ping)
        s.sendall(sealed)
        pong = link.read_frame()
        self.assertEqual(struct.unpack(">H", pong[10:12])[0], PONG)
        self.assertEqual(failures(x), base)
        # The same frame again (replayed): dropped, the link closed, counted.
        s.sendall(sealed)
        self.assertTrue(closed_by_peer(s))
        base += 1
        self.assertEqual(failures(x), base)
        # One byte altered (the FAIL body's id in a sealed FAIL): dropped, counted, the master not flagged.
        s2 = bus_connect(x)
        self.addCleanup(s2.close)
        link2 = AuthLink(s2, SECRET)
        altered = bytearray(link2.seal(fail))
        altered[16 + HEADER.size + 3] ^= 0x01
        s2.sendall(bytes(altered))
        self.assertTrue(closed_by_peer(s2))
        base += 1
        self.assertEqual(failures(x), base)
        # Out of order: the second frame first.
        s3 = bus_connect(x)
        self.addCleanup(s3.close)
        link3 = AuthLink(s3, SECRET)
        s3.sendall(link3.seal(ping, counter=1))
        self.assertTrue(closed_by_peer(s3))
        base += 1
        self.assertEqual(failures(x), base)
        # A wrong secret fails the handshake (the node's proof does not match ours).
        s4 = bus_connect(x)
        self.addCleanup(s4.close)
        with self.assertRaises(AssertionError):
            AuthLink(s4, "not the secret")
        s4.close()
        self.assertEqual(cluster_nodes(x)[a.port][1].split(",").count("fail"), 0)
        self.assertTrue(rcs.cluster_ok(x))
        self.assertIn("Cluster bus authentication failed for a link from 127.0.0.1", open(x.log_path, errors="replace").read())
        print("with the secret: %d drops counted, nothing changed" % base, flush=True)


class Writer(threading.Thread):
    """SETs through redis-py's RedisCluster until stopped; every write must be answered."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.ok = 0
        self.errors = []

    def run(self):
        from redis.cluster import RedisCluster
        client = RedisCluster(host="127.0.0.1", port=self.port, socket_timeout=5)
        deadline = time.monotonic() + 300
        i = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                client.set("roll:%d" % i, i)
                self.ok += 1
            except Exception as e:  # noqa: BLE001 - any failure is what the test looks for
                self.errors.append(repr(e))
            i += 1
            time.sleep(0.002)


class RollingSwitch(unittest.TestCase):
    def test_rolling_switch_no_optional_required(self):
        base = BASE + 10
        c = rcs.Cluster(range(base, base + 6), replicas=1, node_timeout=NODE_TIMEOUT)
        c.start(linked=True)
        self.addCleanup(c.stop)
        root = tempfile.mkdtemp(prefix="rcs-busauth-roll-")
        self.addCleanup(lambda: __import__("shutil").rmtree(root, ignore_errors=True))
        secret = write_secret(root)
        for n in c.nodes:
            self.assertEqual(rcs.fields(n, "CLUSTER", "INFO")["cluster_bus_auth_links"], "0")
        # Without the secret, optional/required are refused.
        self.assertIn("needs cluster-bus-secret-file", c.nodes[0].cli("CONFIG", "SET", "cluster-bus-auth", "required"))
        writer = Writer(base)
        writer.start()
        self.addCleanup(writer.stop.set)
        rcs.wait_until(lambda: writer.ok > 20, timeout=20, what="the writer's first writes")

        def all_ok_now(what):
            c.wait_ok(timeout=30, known=6, what=what)
            for n in c.nodes:
                self.assertEqual(rcs.fields(n, "CLUSTER", "INFO")["cluster_state"], "ok", what)

        for mode in ("optional", "required"):
            for n in c.nodes:
                self.assertEqual(n.cli("CONFIG", "SET", "cluster-bus-secret-file", secret,
                                       "cluster-bus-auth", mode).strip(), "OK")
                all_ok_now("cluster ok after %d went %s" % (n.port, mode))
                mark = writer.ok
                rcs.wait_until(lambda mark=mark: writer.ok > mark + 20, timeout=20,
                               what="writes after %d went %s" % (n.port, mode))
                self.assertEqual(writer.errors, [], "a write failed after %d went %s" % (n.port, mode))
        # Every link authenticated: 5 peers, a link each way.
        for n in c.nodes:
            rcs.wait_until(lambda n=n: rcs.fields(n, "CLUSTER", "INFO")["cluster_bus_auth_links"] == "10",
                           timeout=30, what="10 authenticated links on %d" % n.port)
        writer.stop.set()
        writer.join(timeout=30)
        self.assertEqual(writer.errors, [])
        print("rolling switch: %d writes, none failed; every link authenticated" % writer.ok, flush=True)

        # A node without the secret is shut out: its MEET is refused and counted, it never joins.
        stranger = rcs.Server(base + 6, args=["--cluster-enabled", "yes", "--cluster-node-timeout", str(NODE_TIMEOUT)])
        stranger.start()
        self.addCleanup(stranger.stop)
        before = failures(c.nodes[0])
        stranger.cli("CLUSTER", "MEET", "127.0.0.1", str(base))
        rcs.wait_until(lambda: failures(c.nodes[0]) > before, timeout=20,
                       what="the stranger's plain link refused and counted")
        for n in c.nodes:
            self.assertEqual(rcs.fields(n, "CLUSTER", "INFO")["cluster_known_nodes"], "6")
        # Its handshake node times out on the stranger's side; it never learned a member's id.
        rcs.wait_until(lambda: rcs.fields(stranger, "CLUSTER", "INFO")["cluster_known_nodes"] == "1",
                       timeout=30, what="the stranger's handshake to time out")
        c.wait_ok(timeout=10, known=6)


if __name__ == "__main__":
    rcs.run_tests()
