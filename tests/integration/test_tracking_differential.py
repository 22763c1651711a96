"""Client-side caching (CLIENT TRACKING) against Debian's redis-server 7.0.15, side by side (ports 21963-21968).

The same command sequences go to our node and to redis-server over raw RESP; every reply and every
invalidation a connection receives is compared byte for byte: RESP3 pushes (`invalidate` with the keys, a
null after FLUSHALL/FLUSHDB, `tracking-redir-broken`), the RESP2 pub/sub message on __redis__:invalidate of a
redirect, the order of a client's own invalidations after its reply (a plain write, MULTI/EXEC, a script),
NOLOOP, BCAST with prefixes, OPTIN/OPTOUT with CLIENT CACHING, lazy and active expiry, a master's stream on
a replica, every error of CLIENT TRACKING/CACHING, GETREDIR, TRACKINGINFO, the flags= and redir= fields of
CLIENT INFO and INFO's tracking_* fields. tracking-table-max-keys drops random keys, so there only the counts
are compared.

Connections are opened on both servers so that they get the same client ids (ids are burnt on the server
that is behind), so replies that carry ids (GETREDIR, redirect, tracking-redir-broken) compare as bytes too.
What a connection received is collected up to the reply of a `PING <token>` sent after each step: an
invalidation caused by another client's command is in the connection's output before that reply.

redis-py here is 4.3.4, which has neither RESP3 nor client-side caching, so the RESP3 side is tested with
raw RESP only.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS, REF, OURS_REPLICA, REF_REPLICA = 21963, 21964, 21965, 21966
ARGS = ["--enable-debug-command", "yes"]


class Pair:
    """One connection to each server, with the same client id on both."""

    def __init__(self, test, proto=2):
        self.test = test
        self.ours, self.ref = self._synced()
        self.id = int(self.ours.call("CLIENT", "ID")[1])
        if proto == 3:
            self.call("HELLO", "3", compare=False)
        self.token = 0

    def _synced(self):
        a, b = rcs.Resp(self.test.ours_port, timeout=10), rcs.Resp(self.test.ref_port, timeout=10)
        for _ in range(200):
            ia, ib = int(a.call("CLIENT", "ID")[1]), int(b.call("CLIENT", "ID")[1])
            if ia == ib:
                return a, b
            if ia < ib:
                a.close()
                a = rcs.Resp(self.test.ours_port, timeout=10)
            else:
                b.close()
                b = rcs.Resp(self.test.ref_port, timeout=10)
        raise AssertionError("could not give both connections the same client id")

    def close(self):
        self.ours.close()
        self.ref.close()

    def call(self, *args, compare=True, replies=1):
        """Sends a command to both, reads `replies` replies from each and compares them as bytes."""
        self.ours.send(*args)
        self.ref.send(*args)
        ra = b"".join(self.ours.read_raw() for _ in range(replies))
        rb = b"".join(self.ref.read_raw() for _ in range(replies))
        if compare:
            self.test.assertEqual(ra, rb, "%r: ours %r, redis-server %r" % (args, ra[:300], rb[:300]))
        return ra

    def received(self, what=""):
        """Everything each connection received before the reply to a PING sent now: compared, returned."""
        self.token += 1
        tok = ("sync-%d" % self.token).encode()
        out = []
        for conn in (self.ours, self.ref):
            conn.send("PING", tok)
            frames = []
            for _ in range(1000):
                f = conn.read_raw()
                if tok in f and not f.startswith(b">"):
                    break
                frames.append(f)
            out.append(b"".join(frames))
        self.test.assertEqual(out[0], out[1], "%s: ours %r, redis-server %r" % (what, out[0][:400], out[1][:400]))
        return out[0]

    def wait_push(self, what, timeout=5):
        """The next frame on both (one that arrives on its own, e.g. after an active expiry)."""
        frames = []
        for conn in (self.ours, self.ref):
            conn.s.settimeout(timeout)
            frames.append(conn.read_raw())
            conn.s.settimeout(10)
        self.test.assertEqual(frames[0], frames[1], what)
        return frames[0]


def field(text, name):
    for part in text.split():
        if part.startswith(name + b"="):
            return part[len(name) + 1:]
    return None


class TrackingDifferentialTest(rcs.PairTestCase):
    ours_port, ref_port = OURS, REF

    OURS_PORT, REF_PORT, SERVER_ARGS = OURS, REF, ARGS

    def setUp(self):
        self.pairs = []
        w = self.pair(2)
        w.call("FLUSHALL")
        w.call("CONFIG", "SET", "tracking-table-max-keys", "1000000")

    def tearDown(self):
        for p in self.pairs:
            p.close()

    def pair(self, proto=2):
        p = Pair(self, proto)
        self.pairs.append(p)
        return p

    def info_tracking(self, what):
        vals = []
        for port in (OURS, REF):
            with rcs.Resp(port) as c:
                text = c.call_raw("INFO", "everything")
            vals.append([line for line in text.split(b"\r\n") if line.startswith(b"tracking_")])
        self.assertEqual(vals[0], vals[1], what)
        self.assertEqual(len(vals[0]), 4, what)
        return vals[0]

    def client_info_fields(self, p, what):
        ra, rb = p.ours.call_raw("CLIENT", "INFO"), p.ref.call_raw("CLIENT", "INFO")
        for name in (b"id", b"flags", b"redir", b"resp"):
            self.assertEqual(field(ra, name), field(rb, name), "%s: CLIENT INFO %s" % (what, name))
        return field(ra, b"flags")

    # ---- errors and state replies ----

    def test_errors_and_state(self):
        for proto in (2, 3):
            c = self.pair(proto)
            other = self.pair(2)
            for args in (
                ("CLIENT", "TRACKING"), ("CLIENT", "TRACKING", "maybe"), ("CLIENT", "TRACKING", "on", "foo"),
                ("CLIENT", "TRACKING", "on", "REDIRECT"), ("CLIENT", "TRACKING", "on", "REDIRECT", "abc"),
                ("CLIENT", "TRACKING", "on", "REDIRECT", "0"), ("CLIENT", "TRACKING", "on", "REDIRECT", "-5"),
                ("CLIENT", "TRACKING", "on", "REDIRECT", "999999"),
                ("CLIENT", "TRACKING", "on", "REDIRECT", str(other.id), "REDIRECT", str(other.id)),
                ("CLIENT", "TRACKING", "on", "PREFIX", "a"), ("CLIENT", "TRACKING", "on", "PREFIX"),
                ("CLIENT", "TRACKING", "on", "BCAST", "OPTIN"), ("CLIENT", "TRACKING", "on", "BCAST", "OPTOUT"),
                ("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"),
                ("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"),
                ("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "a"),
                ("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "", "PREFIX", "x"),
                ("CLIENT", "TRACKING", "off", "bogus"), ("CLIENT", "TRACKING", "maybe", "BCAST"),
                ("CLIENT", "CACHING", "yes"), ("CLIENT", "CACHING", "no"), ("CLIENT", "CACHING", "maybe"),
                ("CLIENT", "CACHING"), ("CLIENT", "GETREDIR"), ("CLIENT", "GETREDIR", "x"),
                ("CLIENT", "TRACKINGINFO"), ("CLIENT", "TRACKINGINFO", "x"),
            ):
                c.call(*args)
            self.client_info_fields(c, "off")
            c.call("CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP")
            for args in (("CLIENT", "TRACKINGINFO"), ("CLIENT", "GETREDIR"), ("CLIENT", "CACHING", "no"),
                         ("CLIENT", "CACHING", "maybe"), ("CLIENT", "CACHING", "yes"), ("CLIENT", "TRACKINGINFO"),
                         ("CLIENT", "TRACKING", "on", "OPTOUT"), ("CLIENT", "TRACKING", "on", "BCAST"),
                         ("CLIENT", "TRACKING", "on", "OPTIN", "REDIRECT", str(other.id)),
                         ("CLIENT", "TRACKINGINFO"), ("CLIENT", "GETREDIR")):
                c.call(*args)
            self.client_info_fields(c, "optin")
            c.call("CLIENT", "TRACKING", "off")
            c.call("CLIENT", "TRACKING", "on", "OPTOUT")
            for args in (("CLIENT", "CACHING", "yes"), ("CLIENT", "CACHING", "no"), ("CLIENT", "TRACKINGINFO"),
                         ("GET", "x"), ("CLIENT", "TRACKINGINFO"), ("CLIENT", "TRACKING", "off"),
                         ("CLIENT", "TRACKINGINFO"), ("CLIENT", "GETREDIR")):
                c.call(*args)
            c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a")
            for args in (("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bb"),
                         ("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c", "PREFIX", "a1"),
                         ("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "d"), ("CLIENT", "TRACKING", "on"),
                         ("CLIENT", "TRACKINGINFO")):
                c.call(*args)
            self.assertEqual(self.client_info_fields(c, "bcast"), b"tB")
            self.info_tracking("RESP%d bcast" % proto)
            # redis-server 7.0.15 answers an overlap that does not involve the first new prefix with the error
            # and then +OK (and turns BCAST on with the prefixes).
            c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "e", "PREFIX", "f", "PREFIX", "f", replies=2)
            c.call("CLIENT", "TRACKINGINFO")
            self.info_tracking("RESP%d bcast after the overlap" % proto)
            c.call("RESET")
            c.call("CLIENT", "TRACKINGINFO")
            self.info_tracking("RESP%d after RESET" % proto)

    def test_help_lists_tracking(self):
        c = self.pair(2)
        ours = c.ours.call_raw("CLIENT", "HELP")
        for line in (b"CACHING (YES|NO)", b"GETREDIR", b"TRACKINGINFO",
                     b"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                     b"    Control server assisted client side caching."):
            self.assertIn(b"+" + line + b"\r\n", ours)
            self.assertIn(b"+" + line + b"\r\n", c.ref.call_raw("CLIENT", "HELP"))

    # ---- default mode ----

    def test_default_mode_invalidations(self):
        r = self.pair(3)
        w = self.pair(2)
        r.call("CLIENT", "TRACKING", "on")
        w.call("MSET", "a", "1", "b", "2", "c", "3")
        w.call("SADD", "s", "x")
        r.call("GET", "a")
        r.call("MGET", "b", "c", "missing")
        r.call("SMEMBERS", "s")
        r.call("EXISTS", "e1")
        self.info_tracking("after reads")
        w.call("SET", "a", "10")
        self.assertIn(b"invalidate", r.received("SET of a read key"))
        w.call("SET", "a", "11")
        self.assertEqual(r.received("a second SET: not tracked any more"), b"")
        w.call("DEL", "b", "c")
        r.received("DEL of two keys")
        w.call("SINTERSTORE", "missing", "s")
        r.received("SINTERSTORE: the destination, not the source")
        w.call("SADD", "s", "y")
        r.received("SADD")
        w.call("SET", "e1", "v")
        r.received("a key read while missing")
        self.info_tracking("after the writes")
        # The reader's own writes: the invalidation follows its reply; NOLOOP: none.
        r.call("GET", "own")
        r.call("SET", "own", "1")
        r.received("own write")
        r.call("MULTI")
        r.call("GET", "t1")
        r.call("GET", "t2")
        r.call("EXEC")
        r.call("MULTI")
        r.call("SET", "t1", "x")
        r.call("INCR", "t2")
        r.call("GET", "t1")
        r.call("EXEC")
        self.assertIn(b"t2", r.received("the transaction's invalidations after EXEC"))
        r.call("EVAL", "return redis.call('get', KEYS[1])", "1", "sk")
        w.call("SET", "sk", "1")
        r.received("a key a script read (its declared key)")
        r.call("EVAL", "return redis.call('get', KEYS[1])", "1", "sk")
        r.call("EVAL", "redis.call('set', KEYS[1], 'x'); return redis.call('incr', KEYS[2])", "2", "sk", "cnt")
        r.received("a script's own write")
        r.call("CLIENT", "TRACKING", "on", "NOLOOP")
        r.call("GET", "own")
        r.call("SET", "own", "2")
        w.call("GET", "own")
        r.received("NOLOOP: own write")
        w.call("SET", "own", "3")
        r.call("GET", "own")
        w.call("SET", "own", "4")
        r.received("NOLOOP: another client's write")
        # FLUSHALL / FLUSHDB: a null for every tracking client, the own one after the reply.
        r.call("GET", "a")
        w.call("FLUSHALL")
        r.received("FLUSHALL by another client")
        r.call("FLUSHDB")
        r.received("FLUSHDB by the client itself")
        self.info_tracking("after the flushes")
        r.call("CLIENT", "TRACKING", "off")
        self.info_tracking("tracking off")

    def test_optin_optout(self):
        r = self.pair(3)
        w = self.pair(2)
        r.call("CLIENT", "TRACKING", "on", "OPTIN")
        r.call("GET", "a")
        r.call("CLIENT", "CACHING", "yes")
        r.call("GET", "b")
        r.call("GET", "c")
        r.call("CLIENT", "CACHING", "yes")
        r.call("MULTI")
        r.call("GET", "d")
        r.call("GET", "e")
        r.call("EXEC")
        w.call("MSET", "a", "1", "b", "1", "c", "1", "d", "1", "e", "1")
        r.received("OPTIN")
        r.call("CLIENT", "TRACKING", "off")
        r.call("CLIENT", "TRACKING", "on", "OPTOUT")
        r.call("GET", "a")
        r.call("CLIENT", "CACHING", "no")
        r.call("GET", "b")
        r.call("GET", "c")
        w.call("MSET", "a", "2", "b", "2", "c", "2")
        r.received("OPTOUT")
        self.info_tracking("optin/optout")

    def test_expiry(self):
        r = self.pair(3)
        w = self.pair(2)
        r.call("CLIENT", "TRACKING", "on")
        w.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        try:
            w.call("SET", "lazy", "v", "PX", "30")
            r.call("GET", "lazy")
            time.sleep(0.1)
            r.call("GET", "lazy")  # expires in the reader's own command: the push follows its reply
            r.received("lazy expiry in the tracking client's read")
            r.call("GET", "lazy2")
            w.call("SET", "lazy2", "v", "PX", "30")
            r.received("SET with PX")
            r.call("GET", "lazy2")
            time.sleep(0.1)
            w.call("EXISTS", "lazy2")
            r.received("lazy expiry in another client's read")
        finally:
            w.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")
        w.call("SET", "active", "v", "PX", "50")
        r.call("GET", "active")
        frame = r.wait_push("active expiry")
        self.assertEqual(frame, b">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nactive\r\n")

    # ---- BCAST ----

    def test_bcast(self):
        b = self.pair(3)
        all_keys = self.pair(3)
        w = self.pair(2)
        b.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:", "NOLOOP")
        all_keys.call("CLIENT", "TRACKING", "on", "BCAST")
        self.info_tracking("two BCAST clients")
        w.call("MSET", "user:2", "x", "user:1", "y", "other", "z", "obj:9", "q")
        b.received("prefixes")
        all_keys.received("everything")
        w.call("SET", "user:1", "again")
        b.received("another client's write")
        all_keys.received("another client's write, everything")
        b.call("SET", "user:3", "mine")
        b.call("SET", "obj:1", "mine")
        w.call("SET", "obj:2", "theirs")
        b.received("NOLOOP leaves out the client's own writes")
        all_keys.received("everything, the BCAST client's writes too")
        w.call("FLUSHALL")
        b.received("FLUSHALL to a BCAST client")
        w.call("SET", "user:1", "after")
        b.received("after the flush")
        self.info_tracking("bcast end")

    # ---- redirect ----

    def test_redirect(self):
        sub = self.pair(2)
        sub.call("SUBSCRIBE", "__redis__:invalidate")
        t2 = self.pair(2)
        t3 = self.pair(3)
        w = self.pair(2)
        t2.call("CLIENT", "TRACKING", "on", "REDIRECT", str(sub.id))
        t3.call("CLIENT", "TRACKING", "on", "REDIRECT", str(sub.id))
        t2.call("CLIENT", "GETREDIR")
        t3.call("CLIENT", "TRACKINGINFO")
        self.client_info_fields(t2, "redirect")
        t2.call("GET", "k2")
        t3.call("GET", "k3")
        w.call("SET", "k2", "v")
        w.call("SET", "k3", "v")
        t2.call("GET", "k2")
        t2.call("SET", "k2", "own")
        sub.received("RESP2 messages on __redis__:invalidate")
        t2.received("nothing on the tracking connections")
        w.call("FLUSHDB")
        sub.received("a flush: the null of each tracking client's protocol")
        # A RESP3 redirect target gets pushes; an unsubscribed RESP2 one nothing.
        t3r = self.pair(3)
        t3.call("CLIENT", "TRACKING", "on", "REDIRECT", str(t3r.id))
        t3.call("GET", "k3")
        w.call("SET", "k3", "w")
        t3r.received("RESP3 redirect target")
        plain = self.pair(2)
        t2.call("CLIENT", "TRACKING", "on", "REDIRECT", str(plain.id))
        t2.call("GET", "k2")
        w.call("SET", "k2", "w")
        plain.received("RESP2 redirect target not subscribed")
        # The target goes away: a RESP3 client is told, every time; both get the R flag.
        t3.call("GET", "k3")
        t2.call("GET", "k2")
        t3r.close()
        plain.close()
        self.pairs.remove(t3r)
        self.pairs.remove(plain)
        time.sleep(0.2)
        w.call("SET", "k3", "x")
        w.call("SET", "k2", "x")
        t3.received("tracking-redir-broken")
        t2.received("RESP2: nothing")
        self.assertEqual(self.client_info_fields(t3, "broken"), b"tR")
        t3.call("CLIENT", "TRACKINGINFO")
        t2.call("CLIENT", "TRACKINGINFO")
        t3.call("GET", "k3")
        t3.call("SET", "k3", "own")
        t3.received("broken redirect after the own write's reply")
        t3.call("CLIENT", "TRACKING", "on", "REDIRECT", str(sub.id))
        t3.call("CLIENT", "TRACKINGINFO")
        self.info_tracking("redirects")

    # ---- eviction ----

    def test_eviction(self):
        """maxmemory evicts tracked keys: each server tells the reader about every key it evicted (which keys
        those are depends on each server's memory accounting, so each is checked on its own)."""
        r = self.pair(3)
        w = self.pair(2)
        r.call("CLIENT", "TRACKING", "on")
        value = "x" * 10000
        for i in range(50):
            w.call("SET", "big:%d" % i, value)
            r.call("GET", "big:%d" % i, compare=False)
        for conn in (w.ours, w.ref):
            used = int([l for l in conn.call_raw("INFO", "memory").split(b"\r\n")
                        if l.startswith(b"used_memory:")][0].split(b":")[1])
            self.assertEqual(conn.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"), ("+", "OK"))
            self.assertEqual(conn.call("CONFIG", "SET", "maxmemory", str(used - 200000)), ("+", "OK"))
        try:
            for conn in (w.ours, w.ref):
                conn.call("SET", "trigger", "1")
            for name, conn in (("ours", r.ours), ("redis-server", r.ref)):
                conn.send("PING", "evicted")
                evicted = []
                for _ in range(100):
                    f = conn.read()
                    if f[0] == ">":
                        self.assertEqual(f[1][0], "invalidate")
                        evicted += f[1][1]
                        continue
                    self.assertEqual(f, ("$", "evicted"))
                    break
                self.assertGreater(len(evicted), 0, name)
                for k in evicted:
                    self.assertEqual(w.ours.call("EXISTS", k) if name == "ours" else w.ref.call("EXISTS", k),
                                     (":", 0), "%s: %s evicted" % (name, k))
        finally:
            for conn in (w.ours, w.ref):
                conn.call("CONFIG", "SET", "maxmemory", "0")
                conn.call("CONFIG", "SET", "maxmemory-policy", "noeviction")

    # ---- tracking-table-max-keys ----

    def test_table_max_keys(self):
        r = self.pair(3)
        r.call("CLIENT", "TRACKING", "on")
        for i in range(20):
            r.call("GET", "key:%d" % i)
        self.info_tracking("20 keys")
        r.call("CONFIG", "SET", "tracking-table-max-keys", "5")
        counts = []
        for conn in (r.ours, r.ref):
            conn.send("PING", "limit")
            n = 0
            for _ in range(100):
                f = conn.read_raw()
                if f.startswith(b">2\r\n$10\r\ninvalidate\r\n*1\r\n"):
                    n += 1
                    continue
                self.assertIn(b"limit", f)
                break
            counts.append(n)
        self.assertEqual(counts, [15, 15])
        self.info_tracking("limited to 5")
        r.call("CONFIG", "SET", "tracking-table-max-keys", "0")
        for i in range(20):
            r.call("GET", "key:%d" % i)
        r.received("no limit")
        self.info_tracking("no limit")


class TrackingRedisPyTest(unittest.TestCase):
    """redis-py (4.3.4: RESP2 only, no client-side cache of its own) on our node: its CLIENT TRACKING helpers
    and the invalidations of a redirect read through its pub/sub API."""

    def test_redis_py_redirect(self):
        import redis
        node = rcs.Server(OURS, args=ARGS).start()
        try:
            sub_conn = redis.Redis(port=OURS)
            pubsub = sub_conn.pubsub()
            pubsub.subscribe("__redis__:invalidate")
            self.assertEqual(pubsub.get_message(timeout=5)["type"], "subscribe")
            cache = redis.Redis(port=OURS)
            sub_id = int([c for c in cache.client_list() if c["sub"] == "1"][0]["id"])
            self.assertTrue(cache.client_tracking_on(clientid=sub_id))
            self.assertEqual(cache.client_getredir(), sub_id)
            info = cache.client_trackinginfo()
            self.assertEqual(info[0:2], ["flags", [b"on"]])
            writer = redis.Redis(port=OURS)
            writer.set("pk", "1")
            self.assertEqual(cache.get("pk"), b"1")
            writer.set("pk", "2")
            msg = pubsub.get_message(timeout=5)
            self.assertEqual((msg["type"], msg["channel"], msg["data"]), ("message", b"__redis__:invalidate", [b"pk"]))
            writer.flushall()
            msg = pubsub.get_message(timeout=5)
            self.assertEqual((msg["channel"], msg["data"]), (b"__redis__:invalidate", None))
            self.assertTrue(cache.client_tracking_off())
            self.assertEqual(cache.client_getredir(), -1)
            for c in (cache, writer, sub_conn):
                c.close()
            pubsub.close()
        finally:
            node.stop()


class TrackingReplicaTest(unittest.TestCase):
    """A replica's tracking clients are told about the writes its master's stream applies."""

    ours_port, ref_port = OURS_REPLICA, REF_REPLICA

    def setUp(self):
        self.servers = []
        self.pairs = []
        for port, binary in ((OURS, None), (REF, rcs.REDIS_SERVER)):
            self.servers.append(rcs.Server(port, args=ARGS, binary=binary).start())
        for port, master, binary in ((OURS_REPLICA, OURS, None), (REF_REPLICA, REF, rcs.REDIS_SERVER)):
            self.servers.append(rcs.Server(port, args=ARGS + ["--replicaof", "127.0.0.1", str(master)],
                                           binary=binary).start())

    def tearDown(self):
        for p in self.pairs:
            p.close()
        for s in self.servers:
            s.stop()

    def test_master_stream_invalidates(self):
        for port in (OURS_REPLICA, REF_REPLICA):
            with rcs.Resp(port) as c:
                rcs.wait_until(lambda: b"master_link_status:up" in c.call_raw("INFO", "replication"),
                               timeout=20, what="replica on %d linked" % port)
        r = Pair(self, 3)
        self.pairs.append(r)
        r.call("CLIENT", "TRACKING", "on")
        r.call("GET", "k")
        r.call("GET", "gone")
        masters = [rcs.Resp(OURS), rcs.Resp(REF)]
        try:
            for m in masters:
                m.call("SET", "k", "v")
                m.call("SET", "gone", "1")
                m.call("DEL", "gone")
                m.call("WAIT", "1", "5000")
            r.received("the master's writes on the replica")
            r.call("MGET", "k", "gone")
            for m in masters:
                m.call("FLUSHALL")
                m.call("WAIT", "1", "5000")
            r.received("the master's FLUSHALL")
        finally:
            for m in masters:
                m.close()


if __name__ == "__main__":
    rcs.run_tests()
