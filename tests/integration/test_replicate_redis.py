"""Our node as a replica of Debian's redis-server 7.0.15 (ports 20500-20503), and the other way round
(20506-20509).

For each master setting repl-diskless-sync yes ($EOF:<mark> framing) and no ($<len> framing): redis-server
holds 10,000 keys of every type we have (strings, lists, hashes, sets, sorted sets; small and large
encodings; a third of them with a TTL), our node REPLICAOF it and then
- has every key with the same contents and a TTL where the master has one;
- receives the writes that keep flowing on the master during and after the full sync;
- acks: WAIT 1 on the master returns 1;
- after its master link is killed (CLIENT KILL TYPE master on our side) continues with a partial resync:
  the master's sync_partial_ok goes up, sync_full does not, and the writes made meanwhile arrive.
Then the mirror image: our node as the master (it sends redis-server an RDB), redis-server REPLICAOF it,
loading the sync to disk first or in memory (repl-diskless-load swapdb), the same checks.
And a master (a socket in this test, 20504) that sends a truncated RDB: our node keeps its own data, drops the
link and asks again with PSYNC ? -1 (a failed sync, never a continuation of the history it did not load)."""
import os
import re
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

# (master port, our port) per variant.
PORTS = {"diskless": (20500, 20501), "disk": (20502, 20503),
         "redis-replica-disk": (20506, 20507), "redis-replica-diskless": (20508, 20509)}
FAKE_MASTER, FAKE_REPLICA = 20504, 20505  # a master that sends a damaged RDB, our node following it
NKEYS = 10000


def contents(client, key):
    """(type, value) of a key, in an order-free form (OBJECT ENCODING may differ between the two)."""
    return rcs.key_contents(client, key)


def populate(client):
    """NKEYS keys, 2,000 of each type; every third one with a TTL of an hour; every 100th one large (past the
    listpack/intset limits)."""
    pipe = client.pipeline(transaction=False)
    for i in range(NKEYS):
        kind = i % 5
        big = i % 100 == 0
        n = 300 if big else 1 + i % 7
        key = "k:%d:%d" % (kind, i)
        if kind == 0:
            pipe.set(key, ("v%d-" % i) * (200 if big else 1) if i % 2 else str(i * 7919))
        elif kind == 1:
            pipe.rpush(key, *["e%d" % j for j in range(n)])
        elif kind == 2:
            pipe.hset(key, mapping={"f%d" % j: "x%d" % (i + j) for j in range(n)})
        elif kind == 3:
            if i % 2:
                pipe.sadd(key, *[j * 3 for j in range(n)])  # intset
            else:
                pipe.sadd(key, *["m%d" % j for j in range(n)])
        else:
            pipe.zadd(key, {"z%d" % j: j * 1.5 - i for j in range(n)})
        if i % 3 == 0:
            pipe.expire(key, 3600)
        if i % 500 == 499:
            pipe.execute()
    pipe.execute()
    assert client.dbsize() == NKEYS


def snapshot(client, keys):
    out = {}
    for k in keys:
        out[k] = (contents(client, k), client.ttl(k) > 0)
    return out


class Writer(threading.Thread):
    """SETs flow:<n> on the master until stopped; `written` is how many went in."""

    def __init__(self, client, prefix):
        super().__init__(daemon=True)
        self.client = client
        self.prefix = prefix
        self.written = 0
        self.stop_flag = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stop_flag.is_set() and self.written < 200000:
                self.client.set("%s:%d" % (self.prefix, self.written), self.written)
                self.written += 1
                if self.written % 50 == 0:
                    time.sleep(0.005)
        except Exception as e:  # noqa: BLE001 (reported by the test)
            self.error = e

    def finish(self):
        self.stop_flag.set()
        self.join(timeout=20)
        assert not self.is_alive(), "the writer did not stop"
        assert self.error is None, "writer failed: %r" % self.error
        return self.written


def info_int(server, field, section="replication"):
    return int(rcs.info(server, section).get(field, "0"))


def read_command(conn, buf):
    """One RESP array command from `conn` (bytes already read in buf[0]); its arguments as strings."""
    def need(n):
        while len(buf[0]) < n:
            data = conn.recv(65536)
            if not data:
                raise EOFError
            buf[0] += data

    def line():
        while b"\r\n" not in buf[0]:
            need(len(buf[0]) + 1)
        i = buf[0].index(b"\r\n")
        out, buf[0] = buf[0][:i], buf[0][i + 2:]
        return out

    head = line()
    assert head.startswith(b"*"), head
    args = []
    for _ in range(int(head[1:])):
        n = int(line()[1:])
        need(n + 2)
        args.append(buf[0][:n].decode())
        buf[0] = buf[0][n + 2:]
    return args


class BadMaster(threading.Thread):
    """Accepts replicas; answers the handshake and sends +FULLRESYNC with a truncated RDB, then closes.
    `psyncs` lists the PSYNC arguments of every attempt."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.psyncs = []
        self.stop_flag = threading.Event()

    def run(self):
        rdb = b"REDIS0010\xfa\x09redis-ver\x067.0.15\xfe\x00\x00\x03abc\x05hel"  # cut inside a value
        deadline = time.time() + 60
        while not self.stop_flag.is_set() and time.time() < deadline:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(10)
            buf = [b""]
            try:
                while True:
                    args = read_command(conn, buf)
                    if args[0].upper() == "PING":
                        conn.sendall(b"+PONG\r\n")
                    elif args[0].upper() == "PSYNC":
                        self.psyncs.append(args[1:])
                        conn.sendall(b"\n\n+FULLRESYNC " + b"a" * 40 + b" 1000\r\n\n$%d\r\n" % len(rdb) + rdb)
                        time.sleep(0.2)
                        break
                    else:
                        conn.sendall(b"+OK\r\n")
            except (EOFError, OSError):
                pass
            finally:
                conn.close()
        self.sock.close()


class ReplicateRedis(unittest.TestCase):
    def test_bad_rdb_payload(self):
        fake = BadMaster(FAKE_MASTER)
        fake.start()
        ours = rcs.Server(FAKE_REPLICA)
        try:
            ours.start()
            oc = ours.client()
            oc.set("mine", "kept")
            self.assertEqual(oc.execute_command("REPLICAOF", "127.0.0.1", FAKE_MASTER), b"OK")
            rcs.wait_until(lambda: len(fake.psyncs) >= 3, timeout=30, what="three sync attempts")
            # The first attempt offers our own history (as redis-server does); every retry after the failed
            # load asks for a full sync.
            self.assertEqual(fake.psyncs[1:3], [["?", "-1"]] * 2)
            self.assertEqual(oc.get("mine"), b"kept")
            self.assertEqual(oc.dbsize(), 1)
            self.assertEqual(rcs.info(ours, "replication").get("master_link_status"), "down")
            with open(ours.log_path, errors="replace") as f:
                self.assertIn("Failed trying to load the MASTER synchronization DB from socket", f.read())
        finally:
            ours.stop()
            fake.stop_flag.set()
            fake.join(timeout=10)

    def run_case(self, master, replica):
        """`replica` REPLICAOF `master` (one of them ours, the other redis-server): the checks of the module
        docstring."""
        replica_is_ours = replica.binary != rcs.REDIS_SERVER
        for s in (master, replica):
            s.args += ["--enable-debug-command", "yes"]  # DEBUG DIGEST at the end
        try:
            master.start()
            mc = master.client()
            populate(mc)
            replica.start()
            rc = replica.client()
            writer = Writer(master.client(), "flow")
            writer.start()
            self.assertEqual(rc.execute_command("REPLICAOF", "127.0.0.1", master.port), b"OK")
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up",
                           timeout=60, what="the replica's link up")
            written = writer.finish()
            self.assertGreater(written, 0)
            written_first = written

            # Every key equal, TTLs where the master has them.
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_repl_offset") ==
                           rcs.info(master, "replication").get("master_repl_offset"),
                           timeout=30, what="the replica's offset to reach the master's")
            self.assertEqual(rc.dbsize(), mc.dbsize())
            keys = sorted(k.decode() for k in mc.scan_iter(match="k:*", count=1000))
            self.assertEqual(len(keys), NKEYS)
            want = snapshot(mc, keys)
            got = snapshot(rc, keys)
            diff = [k for k in keys if want[k] != got[k]]
            self.assertEqual(diff[:5], [], "keys that differ: %d" % len(diff))
            for n in range(written):
                self.assertEqual(rc.get("flow:%d" % n), str(n).encode(), "flow:%d" % n)

            # Writes keep flowing; WAIT sees the replica's ack.
            mc.set("after-sync", "1")
            self.assertEqual(mc.execute_command("WAIT", 1, 5000), 1)
            self.assertEqual(rc.get("after-sync"), b"1")
            self.assertEqual(rcs.info(master, "replication").get("connected_slaves"), "1")

            # A short disconnect: partial resync.
            full = info_int(master, "sync_full", "stats")
            partial = info_int(master, "sync_partial_ok", "stats")
            writer = Writer(master.client(), "again")
            writer.start()
            time.sleep(0.2)
            self.assertGreaterEqual(rc.execute_command("CLIENT", "KILL", "TYPE", "master"), 1)
            rcs.wait_until(lambda: info_int(master, "sync_partial_ok", "stats") > partial, timeout=30,
                           what="the master to count a partial resync")
            written = writer.finish()
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_link_status") == "up",
                           timeout=30, what="the replica's link up again")
            self.assertEqual(info_int(master, "sync_full", "stats"), full)
            mc.set("after-psync", "1")
            self.assertEqual(mc.execute_command("WAIT", 1, 5000), 1)
            for n in range(written):
                self.assertEqual(rc.get("again:%d" % n), str(n).encode(), "again:%d" % n)
            self.assertEqual(rc.get("after-psync"), b"1")
            with open(master.log_path, errors="replace") as f:
                self.assertIn("Partial resynchronization request from", f.read())
            with open(replica.log_path, errors="replace") as f:
                log = f.read()
            if replica_is_ours:
                loaded = re.findall(r"MASTER <-> REPLICA sync: Finished with success \(RDB, (\d+) keys loaded\)", log)
                self.assertEqual(len(loaded), 1, "one full sync from an RDB")
                self.assertTrue(NKEYS <= int(loaded[0]) <= NKEYS + written_first, loaded)
            else:
                self.assertEqual(log.count("MASTER <-> REPLICA sync: Finished with success"), 1)
            self.assertIn("Successful partial resynchronization with master.", log)
            self.assertEqual(rc.dbsize(), mc.dbsize())
            # Redis's own check of a replica against its master: equal DEBUG DIGESTs of the whole data set.
            rcs.wait_until(lambda: rcs.info(replica, "replication").get("master_repl_offset") ==
                           rcs.info(master, "replication").get("master_repl_offset"),
                           timeout=30, what="the replica's offset to reach the master's again")
            digest = mc.execute_command("DEBUG", "DIGEST")
            self.assertNotEqual(digest, b"0" * 40)
            self.assertEqual(rc.execute_command("DEBUG", "DIGEST"), digest)
        finally:
            replica.stop()
            master.stop()

    def redis_master(self, name, diskless):
        return rcs.Server(PORTS[name][0], binary=rcs.REDIS_SERVER,
                          args=["--repl-diskless-sync", "yes" if diskless else "no",
                                "--repl-diskless-sync-delay", "1", "--repl-backlog-size", "16mb"])

    def test_diskless_master(self):
        self.run_case(self.redis_master("diskless", True), rcs.Server(PORTS["diskless"][1]))

    def test_disk_master(self):
        self.run_case(self.redis_master("disk", False), rcs.Server(PORTS["disk"][1]))

    # The mirror image: redis-server as a replica of our node (whose full sync is always streamed,
    # "$EOF:<mark>"), loading it to disk first (repl-diskless-load disabled, the default) or in memory.
    def test_redis_replica_disk_load(self):
        mport, rport = PORTS["redis-replica-disk"]
        self.run_case(rcs.Server(mport, args=["--repl-backlog-size", "16mb"]),
                      rcs.Server(rport, binary=rcs.REDIS_SERVER))

    def test_redis_replica_diskless_load(self):
        mport, rport = PORTS["redis-replica-diskless"]
        self.run_case(rcs.Server(mport, args=["--repl-backlog-size", "16mb"]),
                      rcs.Server(rport, binary=rcs.REDIS_SERVER, args=["--repl-diskless-load", "swapdb"]))


if __name__ == "__main__":
    rcs.run_tests()
