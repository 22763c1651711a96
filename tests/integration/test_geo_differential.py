"""Geo commands against Debian's redis-server 7.0.15, side by side (ports 21911-21914).

A few thousand seeded random points (uniform over the globe, dense clusters around a few centres, the poles
at the Web Mercator limit, both sides of the antimeridian, exact limit values, shared longitudes) are GEOADDed
to both servers, then random queries of every form (GEORADIUS, GEORADIUS_RO, GEORADIUSBYMEMBER[_RO],
GEOSEARCH, GEOSEARCHSTORE with FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, ASC/DESC, COUNT [ANY],
WITHCOORD/WITHDIST/WITHHASH, STORE/STOREDIST, every unit, and a share of invalid arguments) and
GEODIST/GEOHASH/GEOPOS run on both, in RESP2 and in RESP3: every reply must be the same bytes, and so must the
stored results (ZRANGE ... WITHSCORES). In cluster mode the STORE forms need their keys in one slot.

RCS_GEO_SEED picks the sequence (printed on failure); RCS_GEO_QUERIES its length.
"""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_GEO_SEED", "2121"))
QUERIES = int(os.environ.get("RCS_GEO_QUERIES", "2500"))
OURS, REF, CLUSTER_OURS, CLUSTER_REF = 21911, 21912, 21913, 21914
LAT_MAX = 85.05112878
CENTRES = [(13.361389, 38.115556), (-73.98, 40.75), (179.95, -16.5), (-179.97, 65.0), (0.0, 84.9), (0.0, -84.95),
           (151.2, -33.87), (2.35, 48.85)]


def fmt(x):
    return repr(x) if random.random() < 0.8 else "%.6f" % x


class Points:
    def __init__(self, r):
        self.r = r
        self.members = []

    def point(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.uniform(-180, 180), r.uniform(-LAT_MAX, LAT_MAX)
        if k < 0.75:
            cx, cy = r.choice(CENTRES)
            d = r.choice([0.01, 0.05, 0.2, 1.0])
            return (max(-180.0, min(180.0, cx + r.uniform(-d, d))),
                    max(-LAT_MAX, min(LAT_MAX, cy + r.uniform(-d, d))))
        if k < 0.82:
            return r.uniform(-180, 180), r.choice([LAT_MAX, -LAT_MAX, r.uniform(84.9, LAT_MAX), r.uniform(-LAT_MAX, -84.9)])
        if k < 0.90:
            return r.choice([180.0, -180.0, r.uniform(179.9, 180), r.uniform(-180, -179.9)]), r.uniform(-80, 80)
        if k < 0.95:
            return r.choice([0.0, 12.5, -77.25]), r.uniform(-60, 60)  # shared longitudes
        return r.choice([-180.0, 180.0, 0.0]), r.choice([LAT_MAX, -LAT_MAX, 0.0])


class Queries:
    UNITS = ["m", "km", "mi", "ft", "KM", "M"]

    def __init__(self, r, members):
        self.r = r
        self.members = members

    def member(self):
        return self.r.choice(self.members) if self.r.random() > 0.03 else "missing-member"

    def centre(self):
        r = self.r
        if r.random() < 0.7:
            cx, cy = r.choice(CENTRES)
            return [repr(max(-180.0, min(180.0, cx + r.uniform(-0.3, 0.3)))),
                    repr(max(-LAT_MAX, min(LAT_MAX, cy + r.uniform(-0.3, 0.3))))]
        if r.random() < 0.05:
            return r.choice([["181", "0"], ["0", "86"], ["x", "0"], ["0", ""]])
        return [repr(r.uniform(-180, 180)), repr(r.uniform(-LAT_MAX, LAT_MAX))]

    def unit(self):
        return self.r.choice(self.UNITS) if self.r.random() > 0.02 else "yd"

    def radius(self):
        r = self.r
        u = self.unit()
        v = {"m": r.uniform(0, 50000), "km": r.choice([r.uniform(0, 60), r.uniform(0, 600), 5000, 20000]),
             "mi": r.uniform(0, 100), "ft": r.uniform(0, 200000)}.get(u.lower(), 10)
        if r.random() < 0.02:
            return [r.choice(["-1", "x", "0"]), u]
        return ["%.3f" % v, u]

    def box(self):
        w, u = self.radius()
        h, _ = self.radius()
        if self.r.random() < 0.02:
            return [w, "y", u]
        return [w, h, u]

    def options(self, store_ok, search):
        r = self.r
        opts = []
        for o in ["WITHDIST", "WITHHASH", "WITHCOORD"]:
            if r.random() < 0.3:
                opts.append(o if r.random() < 0.8 else o.lower())
        s = r.random()
        if s < 0.3:
            opts.append("ASC")
        elif s < 0.5:
            opts.append("DESC")
        if r.random() < 0.35:
            opts += ["COUNT", str(r.choice([1, 2, 3, 5, 10, 50])) if r.random() > 0.03 else r.choice(["0", "-1", "x"])]
            if r.random() < 0.3:
                opts.append("ANY")
        elif r.random() < 0.02:
            opts.append("ANY")
        if store_ok and r.random() < 0.3:
            if search:
                opts.append("STOREDIST")
            else:
                opts += [r.choice(["STORE", "STOREDIST"]), "dst"]
        r.shuffle(opts) if r.random() < 0.1 else None
        return opts

    def query(self, key):
        r = self.r
        c = r.choice(["GEORADIUS", "GEORADIUS_RO", "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO", "GEOSEARCH",
                      "GEOSEARCH", "GEOSEARCHSTORE", "GEODIST", "GEOHASH", "GEOPOS"])
        if c in ("GEORADIUS", "GEORADIUS_RO"):
            return [c, key] + self.centre() + self.radius() + self.options(c == "GEORADIUS", False)
        if c.startswith("GEORADIUSBYMEMBER"):
            return [c, key, self.member()] + self.radius() + self.options(c == "GEORADIUSBYMEMBER", False)
        if c == "GEODIST":
            return [c, key, self.member(), self.member()] + ([self.unit()] if r.random() < 0.7 else [])
        if c in ("GEOHASH", "GEOPOS"):
            return [c, key] + [self.member() for _ in range(r.randint(1, 4))]
        args = [c] + (["dst"] if c == "GEOSEARCHSTORE" else []) + [key]
        frm = ["FROMMEMBER", self.member()] if r.random() < 0.5 else ["FROMLONLAT"] + self.centre()
        by = ["BYRADIUS"] + self.radius() if r.random() < 0.5 else ["BYBOX"] + self.box()
        parts = [frm, by]
        if r.random() < 0.03:
            parts.pop(r.randrange(2))
        if r.random() < 0.2:
            r.shuffle(parts)
        opts = self.options(c == "GEOSEARCHSTORE", True)
        return args + [x for p in parts for x in p] + opts


class GeoDifferentialTest(rcs.PairTestCase):
    OURS_PORT, REF_PORT = OURS, REF

    @classmethod
    def setUpClass(cls):
        os.environ["LC_ALL"] = "C"
        super().setUpClass()

    def setUp(self):
        self.conns = []
        for proto in (2, 3):
            a, b = rcs.Resp(OURS, timeout=20), rcs.Resp(REF, timeout=20)
            if proto == 3:
                a.call_raw("HELLO", "3")
                b.call_raw("HELLO", "3")
            self.conns.append((a, b))
        a, b = self.conns[0]
        a.call_raw("FLUSHALL")
        b.call_raw("FLUSHALL")

    def tearDown(self):
        for a, b in self.conns:
            a.close()
            b.close()

    def both(self, *args, proto=2):
        a, b = self.conns[proto - 2]
        ra, rb = a.call_raw(*args), b.call_raw(*args)
        self.assertEqual(ra, rb, "seed %d, RESP%d: %r: ours %r, redis-server %r" % (SEED, proto, args, ra[:400], rb[:400]))
        return ra

    def load(self, rnd, key, n):
        pts = Points(rnd)
        members = []
        batch = ["GEOADD", key]
        for i in range(n):
            x, y = pts.point()
            m = "m%d" % i
            members.append(m)
            batch += [fmt(x), fmt(y), m]
            if len(batch) > 300 or i == n - 1:
                self.both(*batch)
                batch = ["GEOADD", key]
        self.both("GEOADD", key, "NX", "CH", "1", "2", members[0], "3", "4", "fresh")
        self.both("GEOADD", key, "XX", "CH", "1", "2", members[1], "3", "4", "fresh2")
        self.both("ZRANGE", key, 0, -1, "WITHSCORES")
        return members + ["fresh"]

    def test_random_queries_match(self):
        rnd = random.Random(SEED)
        random.seed(SEED)
        members = self.load(rnd, "g", 3000)
        small = self.load(rnd, "small", 40)  # a listpack-encoded set
        self.both("SET", "str", "x")
        q = Queries(rnd, members)
        qs = Queries(rnd, small)
        stats = {"nonempty": 0}
        for i in range(QUERIES):
            key = rnd.choice(["g"] * 8 + ["small"] * 2 + ["nokey", "str"])
            cmd = (qs if key == "small" else q).query(key)
            proto = 3 if i % 3 == 0 else 2
            reply = self.both(*cmd, proto=proto)
            if reply.startswith(b"*") and not reply.startswith(b"*0\r\n"):
                stats["nonempty"] += 1
            if "dst" in cmd:
                self.both("ZRANGE", "dst", 0, -1, "WITHSCORES", proto=proto)
                self.both("EXISTS", "dst")
                self.both("OBJECT", "ENCODING", "dst")
        # The queries must have found things, or they prove less than they claim.
        self.assertGreater(stats["nonempty"], QUERIES // 4)

    def test_geoadd_edges_and_errors(self):
        cases = [
            ["GEOADD", "e", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw"],
            ["GEOADD", "e", "180.0000001", "0", "x"], ["GEOADD", "e", "0", "85.05112879", "x"],
            ["GEOADD", "e", "1e400", "0", "x"], ["GEOADD", "e", "nan", "0", "x"], ["GEOADD", "e", " 1", "0", "x"],
            ["GEOADD", "e", "-1e308", "0", "x"], ["GEOADD", "e", "1", "0"], ["GEOADD", "e", "NX", "XX", "1", "1", "a"],
            ["GEOADD", "e", "CH", "NX", "1", "1", "a"], ["GEOADD", "e", "GT", "1", "1", "a"],
            ["GEOPOS", "e", "ne", "sw", "a"], ["GEOHASH", "e", "ne", "sw", "a"], ["GEODIST", "e", "ne", "sw", "km"],
            ["GEODIST", "e", "ne", "sw", "km", "x"], ["GEODIST", "e", "ne"],
            ["GEORADIUS", "e", "0", "0", "1", "km", "STORE"], ["GEORADIUS", "e", "0", "0", "1", "km", "COUNT"],
            ["GEOSEARCH", "e", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
            ["geosearch", "e", "FROMLONLAT", "0", "0", "FROMMEMBER", "a", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "e", "FROMMEMBER", "ne", "BYRADIUS", "1"],
            ["GEOSEARCHSTORE", "d", "e", "FROMMEMBER", "ne", "BYBOX", "10", "10", "km", "STORE", "x"],
            ["GEOSEARCH", "e", "FROMLONLAT", "180", "0", "BYRADIUS", "30000", "km", "WITHDIST", "WITHCOORD", "ASC"],
            ["GEORADIUS", "e", "-180", "-85.05112878", "1", "m", "WITHCOORD", "WITHHASH"],
            ["GEORADIUS", "e", "0", "0", "0", "m"],
            # Key positions (cluster slots, ACL) as redis-server's key specs give them.
            ["COMMAND", "GETKEYS", "GEORADIUS", "a", "1", "1", "1", "km", "STORE", "b", "STOREDIST", "c"],
            ["COMMAND", "GETKEYS", "GEORADIUS", "a", "1", "1", "1", "km", "STOREDIST", "b", "STORE", "c", "STORE", "e"],
            ["COMMAND", "GETKEYS", "GEORADIUS", "a", "1", "1", "1", "STORE", "b"],
            ["COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "a", "m", "1", "km", "STOREDIST", "b", "STORE"],
            ["COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"],
            ["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "GET", "x", "STORE", "c"],
            ["COMMAND", "GETKEYS", "SORT_RO", "a", "BY", "x"],
            ["COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"],
            ["COMMAND", "GETKEYS", "BZMPOP", "0", "3", "a", "b", "c", "MAX", "COUNT", "2"],
        ]
        for proto in (2, 3):
            for c in cases:
                self.both(*c, proto=proto)

    def test_keyspace_events_match(self):
        # GEOADD notifies as the ZADD it runs; the STORE forms notify their destination (or "del").
        cmds = [["GEOADD", "k", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
                ["GEOADD", "k", "13.361389", "38.115556", "Palermo"],
                ["GEOADD", "k", "CH", "13.5", "38.1", "Palermo"],
                ["GEORADIUS", "k", "15", "37", "200", "km", "STORE", "d1"],
                ["GEORADIUS", "k", "15", "37", "200", "km", "STOREDIST", "d1"],
                ["GEORADIUSBYMEMBER", "k", "Palermo", "1", "m", "STORE", "d1"],
                ["GEOSEARCHSTORE", "d2", "k", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km"],
                ["GEOSEARCHSTORE", "d2", "nokey", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km"],
                ["GEOSEARCH", "nokey", "FROMLONLAT", "1", "1", "BYRADIUS", "300", "km"],
                ["RPUSH", "l", "2", "1"], ["SORT", "l", "STORE", "d3"], ["SORT", "nokey", "STORE", "d3"],
                ["SORT", "l"], ["ZADD", "z", "1", "a", "2", "b"], ["ZMPOP", "1", "z", "MIN"],
                ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"], ["LMPOP", "1", "l", "LEFT", "COUNT", "5"]]
        pong = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
        events = []
        for port in (OURS, REF):
            with rcs.Resp(port) as c, rcs.Resp(port) as sub:
                c.call_raw("FLUSHALL")
                c.call_raw("CONFIG", "SET", "notify-keyspace-events", "KEAm")
                sub.call_raw("PSUBSCRIBE", "__key*__:*")
                for cmd in cmds:
                    c.call_raw(*cmd)
                sub.send("PING")
                got = []
                for _ in range(500):
                    m = sub.read_raw()
                    if m == pong:
                        break
                    got.append(m)
                events.append(got)
                c.call_raw("CONFIG", "SET", "notify-keyspace-events", "")
        self.assertEqual(events[0], events[1])
        self.assertTrue(any(b"georadiusstore" in m for m in events[0]))
        self.assertTrue(any(b"geosearchstore" in m for m in events[0]))
        self.assertTrue(any(b"sortstore" in m for m in events[0]))

    def test_cluster_mode_store_needs_one_slot(self):
        ours = rcs.Server(CLUSTER_OURS, args=["--cluster-enabled", "yes"]).start()
        ref = rcs.Server(CLUSTER_REF, binary=rcs.REDIS_SERVER, args=["--cluster-enabled", "yes"]).start()
        try:
            conns = [rcs.Resp(CLUSTER_OURS), rcs.Resp(CLUSTER_REF)]
            for c, node in zip(conns, (ours, ref)):
                self.assertEqual(c.call_raw("CLUSTER", "ADDSLOTSRANGE", 0, 16383), b"+OK\r\n")
                rcs.wait_until(lambda: "cluster_state:ok" in node.cli("CLUSTER", "INFO"), timeout=20,
                               what="cluster_state:ok")
            cmds = [["GEOADD", "{g}src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
                    ["GEORADIUS", "{g}src", "15", "37", "200", "km", "STORE", "{g}dst"],
                    ["GEORADIUS", "{g}src", "15", "37", "200", "km", "STORE", "dst"],
                    ["GEORADIUSBYMEMBER", "{g}src", "Palermo", "200", "km", "STOREDIST", "other"],
                    ["GEOSEARCHSTORE", "{g}d2", "{g}src", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"],
                    ["GEOSEARCHSTORE", "d2", "{g}src", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"],
                    ["GEOSEARCH", "{g}src", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "WITHDIST"],
                    ["ZRANGE", "{g}dst", "0", "-1", "WITHSCORES"], ["ZRANGE", "{g}d2", "0", "-1", "WITHSCORES"]]
            for cmd in cmds:
                ra, rb = conns[0].call_raw(*cmd), conns[1].call_raw(*cmd)
                self.assertEqual(ra, rb, "%r: ours %r, redis-server %r" % (cmd, ra, rb))
            self.assertTrue(conns[0].call_raw(*cmds[2]).startswith(b"-CROSSSLOT"))
            for c in conns:
                c.close()
        finally:
            ours.stop()
            ref.stop()


if __name__ == "__main__":
    rcs.run_tests()
