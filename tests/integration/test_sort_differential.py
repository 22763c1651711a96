"""SORT/SORT_RO, ZMPOP/BZMPOP and LMPOP/BLMPOP against Debian's redis-server 7.0.15, side by side (ports
21915-21918).

Every combination of SORT's options (BY none/nosort/a string pattern/a hash field pattern/a pattern that finds
nothing, GET none/#/patterns, ASC/DESC, ALPHA, LIMIT, STORE, SORT and SORT_RO) runs on lists, sets (intset
and hash table) and sorted sets holding numbers, words, and a mix (which numeric sorting refuses), plus a
missing key and a string; every reply must be the same bytes in RESP2 and RESP3, and every STOREd list the
same. Where redis-server's own order is its hash table's (a set not sorted, or a set sorted ALPHA BY weights
that tie because they are missing), the replies are compared as multisets; on lists such ties (with LIMIT:
redis-server's partial quicksort) are compared byte for byte. Values that overflow a double are left out: redis-server
does not reset errno before its strtod, so one such value makes its later numeric sorts fail too.
In cluster mode BY patterns and GET are refused with redis-server's texts, and SORT ... STORE needs one slot.
A random sequence of ZMPOP/BZMPOP/LMPOP/BLMPOP (with pushes in between) ends the comparison.

LC_ALL=C for both servers (redis-server's ALPHA uses strcoll).
"""
import itertools
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

SEED = int(os.environ.get("RCS_SORT_SEED", "2122"))
OURS, REF, CLUSTER_OURS, CLUSTER_REF = 21915, 21916, 21917, 21918


def groups(reply, getn):
    """A parsed array reply as a sorted list of per-element groups (GET makes getn items per element)."""
    if isinstance(reply, tuple) and reply[0] == "*" and isinstance(reply[1], list):
        reply = reply[1]
    if not isinstance(reply, list):
        return reply
    n = max(getn, 1)
    return sorted([tuple(repr(x) for x in reply[i:i + n]) for i in range(0, len(reply), n)])


class SortDifferentialTest(rcs.PairTestCase):
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
        self.conns[0][0].call_raw("FLUSHALL")
        self.conns[0][1].call_raw("FLUSHALL")

    def tearDown(self):
        for a, b in self.conns:
            a.close()
            b.close()

    def both(self, *args, proto=2):
        a, b = self.conns[proto - 2]
        ra, rb = a.call_raw(*args), b.call_raw(*args)
        self.assertEqual(ra, rb, "seed %d, RESP%d: %r: ours %r, redis-server %r" % (SEED, proto, args, ra[:400], rb[:400]))
        return ra

    def both_unordered(self, args, getn, proto=2):
        a, b = self.conns[proto - 2]
        ra, rb = a.call(*args), b.call(*args)
        self.assertEqual(groups(ra, getn), groups(rb, getn), "RESP%d: %r" % (proto, args))

    def load(self, rnd):
        nums = sorted({str(rnd.choice([rnd.randint(-50, 50), round(rnd.uniform(-100, 100), rnd.randint(0, 3))]))
                       for _ in range(40)})
        nums += ["007", "1e3", " 5", "-0", "0x1f"]  # strtod reads them all
        words = sorted({"".join(rnd.choice("abcXYZ_-09") for _ in range(rnd.randint(1, 6))) for _ in range(40)})
        words += ["", "a b", "\xe9t\xe9", "a", "b", "c"]  # a, b, c: zsmall's members have weights too
        words = list(dict.fromkeys(w for w in words if w not in nums))
        self.assertTrue({"a", "b", "c"} <= set(words))
        elems = nums + words
        for i, e in enumerate(elems):
            # Unique weights (ties would leave the order to redis-server's hash table), a few not numbers.
            w = "w_" + e
            self.both("SET", w, "x%d" % i if i % 17 == 5 else "%d.%d" % (rnd.randint(-500, 500), i))
            if i % 9 != 3:
                self.both("HSET", "h_" + e, "f", "v%05d" % rnd.randint(0, 99999), "n", str(rnd.randint(0, 9)))
            else:
                self.both("SET", "h_" + e, "not a hash")
        self.both("RPUSH", "lnum", *rnd.sample(nums, len(nums)))
        self.both("RPUSH", "lword", *rnd.sample(words, len(words)))
        self.both("RPUSH", "lmix", *rnd.sample(elems, 30))
        self.both("SADD", "sint", *[str(rnd.randint(-1000, 1000)) for _ in range(30)])
        self.both("SADD", "snum", *nums)
        self.both("SADD", "sword", *words)
        self.both("ZADD", "znum", *[x for e in nums for x in (str(rnd.randint(0, 5)), e)])
        self.both("ZADD", "zword", *[x for e in words for x in (str(rnd.randint(0, 5)), e)])
        self.both("ZADD", "zsmall", "1", "b", "2", "a", "3", "c")
        self.both("SET", "str", "x")
        self.both("HSET", "hash", "a", "1")

    def test_every_option_combination(self):
        rnd = random.Random(SEED)
        self.load(rnd)
        keys = ["lnum", "lword", "lmix", "sint", "snum", "sword", "znum", "zword", "zsmall", "missing", "str", "hash"]
        bys = [None, "nosort", "w_*", "h_*->f", "nokey_*", "h_*->"]
        gets = [[], ["#"], ["#", "w_*"], ["h_*->n", "nostar"]]
        limits = [None, (0, 5), (3, -1), (-2, 4), (100, 2), (2, 0)]
        count = 0
        for key, by, get, desc, alpha, store, ro in itertools.product(keys, bys, gets, (False, True), (False, True),
                                                                       (False, True), (False, True)):
            if ro and store:
                continue
            for limit in rnd.sample(limits, 2):
                setlike = key.startswith("s") or key.startswith("z")
                # Orders that are redis-server's hash table order: compared as multisets, without LIMIT.
                # (Weights that are missing tie; "h_*->" is a key name without a field, missing for all.)
                unordered = ((key.startswith("s") and by and "*" not in by and not store) or
                             (setlike and alpha and by in ("nokey_*", "h_*->f", "h_*->")))
                if unordered and (limit is not None or store):
                    continue
                cmd = ["SORT_RO" if ro else "SORT", key]
                if by:
                    cmd += ["BY", by]
                if limit:
                    cmd += ["LIMIT", str(limit[0]), str(limit[1])]
                for g in get:
                    cmd += ["GET", g]
                if desc:
                    cmd.append("DESC")
                elif rnd.random() < 0.3:
                    cmd.append("ASC")
                if alpha:
                    cmd.append("ALPHA")
                if store:
                    cmd += ["STORE", "dst"]
                if rnd.random() < 0.2:
                    head, rest = cmd[:2], cmd[2:]
                    cmd = head + [x.lower() if x.isupper() else x for x in rest]
                proto = 3 if count % 2 else 2
                if unordered:
                    self.both_unordered(cmd, len(get), proto=proto)
                else:
                    self.both(*cmd, proto=proto)
                if store:
                    self.both("LRANGE", "dst", 0, -1)
                    self.both("TYPE", "dst")
                    self.both("OBJECT", "ENCODING", "dst")
                count += 1
        self.assertGreater(count, 5000)
        # Errors and edge forms.
        for cmd in (["SORT", "lnum", "LIMIT", "1"], ["SORT", "lnum", "LIMIT", "x", "1"], ["SORT", "lnum", "GET"],
                    ["SORT", "lnum", "BY"], ["SORT", "lnum", "STORE"], ["SORT_RO", "lnum", "STORE", "d"],
                    ["SORT", "lnum", "FOO"], ["SORT", "str", "BY", "w_*"], ["SORT", "missing", "LIMIT", "0", "1"],
                    ["SORT", "lnum", "STORE", "d1", "STORE", "d2"], ["LRANGE", "d2", "0", "-1"], ["EXISTS", "d1"],
                    ["SORT", "lnum", "BY", "w_*", "GET", "#", "LIMIT", "0", "3", "STORE", "lnum"],
                    ["LRANGE", "lnum", "0", "-1"], ["OBJECT", "ENCODING", "zsmall"],
                    # From a script a set is sorted even BY nosort (its hash order would differ elsewhere).
                    ["EVAL", "return redis.call('SORT', KEYS[1], 'BY', 'nosort')", "1", "sword"],
                    ["EVAL", "return redis.call('SORT', KEYS[1], 'BY', 'nosort', 'DESC', 'LIMIT', 1, 5)", "1", "sint"],
                    ["EVAL", "return redis.call('SORT_RO', KEYS[1], 'BY', 'nosort', 'GET', '#')", "1", "snum"]):
            self.both(*cmd)

    def test_acl_refusals(self):
        # BY patterns and GET need a user with access to every key ("~*" or allkeys).
        for port in (OURS, REF):
            with rcs.Resp(port) as c:
                c.call_raw("ACL", "SETUSER", "part", "on", "nopass", "~k*", "+@all")
                c.call_raw("ACL", "SETUSER", "full", "on", "nopass", "%R~*", "~k*", "+@all")
        cmds = [["RPUSH", "kl", "2", "1"], ["SORT", "kl"], ["SORT", "kl", "BY", "nosort"], ["SORT", "kl", "BY", "w_*"],
                ["SORT", "kl", "GET", "#"], ["SORT_RO", "kl", "GET", "w_*"], ["SORT", "kl", "BY", "w_*", "STORE", "kd"]]
        for user in ("part", "full"):
            a, b = rcs.Resp(OURS), rcs.Resp(REF)
            a.call_raw("AUTH", user, "x")
            b.call_raw("AUTH", user, "x")
            for cmd in cmds:
                ra, rb = a.call_raw(*cmd), b.call_raw(*cmd)
                self.assertEqual(ra, rb, "%s: %r: ours %r, redis-server %r" % (user, cmd, ra, rb))
            a.close()
            b.close()
        with rcs.Resp(OURS) as c:
            c.call_raw("AUTH", "part", "x")
            self.assertEqual(c.call_raw("SORT", "kl", "BY", "w_*"),
                             b"-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n")

    def test_cluster_mode_refusals(self):
        ours = rcs.Server(CLUSTER_OURS, args=["--cluster-enabled", "yes"]).start()
        ref = rcs.Server(CLUSTER_REF, binary=rcs.REDIS_SERVER, args=["--cluster-enabled", "yes"]).start()
        try:
            conns = [rcs.Resp(CLUSTER_OURS), rcs.Resp(CLUSTER_REF)]
            for c, node in zip(conns, (ours, ref)):
                self.assertEqual(c.call_raw("CLUSTER", "ADDSLOTSRANGE", 0, 16383), b"+OK\r\n")
                rcs.wait_until(lambda: "cluster_state:ok" in node.cli("CLUSTER", "INFO"), timeout=20,
                               what="cluster_state:ok")
            cmds = [["RPUSH", "{s}l", "3", "1", "2"], ["SET", "{s}w_1", "5"],
                    ["SORT", "{s}l"], ["SORT", "{s}l", "BY", "nosort"], ["SORT", "{s}l", "BY", "{s}w_*"],
                    ["SORT", "{s}l", "BY", "w_*"], ["SORT", "{s}l", "GET", "#"], ["SORT", "{s}l", "GET", "{s}w_*"],
                    ["SORT_RO", "{s}l", "BY", "w_*"], ["SORT_RO", "{s}l", "GET", "#"],
                    ["SORT", "{s}l", "BY", "w_*", "GET", "#"], ["SORT", "{s}l", "GET", "#", "BY", "w_*"],
                    ["SORT", "{s}l", "STORE", "{s}d"], ["SORT", "{s}l", "STORE", "d"],
                    ["SORT", "{s}l", "LIMIT", "0", "1", "STORE", "{s}d", "DESC"], ["LRANGE", "{s}d", "0", "-1"]]
            for cmd in cmds:
                ra, rb = conns[0].call_raw(*cmd), conns[1].call_raw(*cmd)
                self.assertEqual(ra, rb, "%r: ours %r, redis-server %r" % (cmd, ra, rb))
            self.assertEqual(conns[0].call_raw("SORT", "{s}l", "BY", "w_*"),
                             b"-ERR BY option of SORT denied in Cluster mode.\r\n")
            self.assertEqual(conns[0].call_raw("SORT", "{s}l", "GET", "#"),
                             b"-ERR GET option of SORT denied in Cluster mode.\r\n")
            self.assertTrue(conns[0].call_raw("SORT", "{s}l", "STORE", "d").startswith(b"-CROSSSLOT"))
            for c in conns:
                c.close()
        finally:
            ours.stop()
            ref.stop()

    def test_mpop_sequence(self):
        rnd = random.Random(SEED + 1)
        zkeys, lkeys = ["z1", "z2", "z3"], ["l1", "l2", "l3"]
        self.both("SET", "str", "x")
        for i in range(1500):
            proto = 3 if i % 2 else 2
            k = rnd.random()
            if k < 0.25:
                z = rnd.choice(zkeys)
                args = ["ZADD", z]
                for _ in range(rnd.randint(1, 6)):
                    args += [rnd.choice([str(rnd.randint(-9, 9)), "%.3f" % rnd.uniform(-5, 5), "inf", "-inf"]),
                             "m%d" % rnd.randint(0, 30)]
                self.both(*args, proto=proto)
                continue
            if k < 0.45:
                self.both("RPUSH", rnd.choice(lkeys), *["e%d" % rnd.randint(0, 99) for _ in range(rnd.randint(1, 5))],
                          proto=proto)
                continue
            blocking = rnd.random() < 0.3
            isz = rnd.random() < 0.5
            pool = zkeys if isz else lkeys
            names = rnd.sample(pool + ["str", "none"], rnd.randint(1, 4))
            numkeys = str(len(names)) if rnd.random() > 0.05 else rnd.choice(["0", "-1", "x", "9"])
            where = rnd.choice(["MIN", "MAX", "min"] if isz else ["LEFT", "RIGHT", "right"])
            if rnd.random() < 0.03:
                where = "FOO"
            args = ([("BZMPOP" if isz else "BLMPOP"), "0.01"] if blocking else [("ZMPOP" if isz else "LMPOP")])
            args += [numkeys] + names + [where]
            if rnd.random() < 0.5:
                args += ["COUNT", str(rnd.randint(1, 8)) if rnd.random() > 0.05 else rnd.choice(["0", "-2", "x"])]
            if blocking and any(n == "none" for n in names) and not any(n in pool for n in names):
                continue  # would only wait for its timeout
            self.both(*args, proto=proto)
        for k in zkeys:
            self.both("ZRANGE", k, 0, -1, "WITHSCORES")
        for k in lkeys:
            self.both("LRANGE", k, 0, -1)


if __name__ == "__main__":
    rcs.run_tests()
