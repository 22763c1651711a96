#!/usr/bin/env python3
"""maxmemory policies side by side with redis-server 7.0.15 (ports 21942-21947).

The same commands go to our node and to Debian's redis-server and the replies are compared: CONFIG GET/SET of
the eight maxmemory-policy values, lfu-log-factor, lfu-decay-time, maxmemory-eviction-tenacity and
lazyfree-lazy-eviction (and their errors); OBJECT FREQ after N reads of a fresh key with lfu-log-factor 0 and
no decay (deterministic), OBJECT FREQ / IDLETIME errors under the other kind of policy, what a policy switch
leaves in the bits, RESTORE's FREQ / IDLETIME and their survival through the RDB (DEBUG RELOAD; our dump.rdb
read by redis-server). Under each
volatile-* policy, with the same maxmemory and the same keys: keys without a TTL are never evicted and writes
get the same -OOM once only they remain; evictions reach the AOF as UNLINK (lazyfree-lazy-eviction yes) or
DEL. Under allkeys-lfu, the same seeded Zipf-like read-through workload on both: the hot keys' hit rate of
ours is within a tolerance of redis-server's (both measured here), evicted_keys > 0, the `evicted` keyspace
event is published, a replica of each ends with its master's keys (the DELs reached it), and
`redis-cli --hotkeys` finds the hottest keys on both."""
import glob
import os
import random
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

OURS, REF, OURS_REPLICA, REF_REPLICA = 21942, 21943, 21944, 21945
POLICIES = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "noeviction"]
MAXMEMORY = 2 * 1024 * 1024  # both servers hold ~0.85 MB empty and ~590 bytes per key of the 500-byte values
VALUE = "v" * 500
OOM = "OOM command not allowed when used memory > 'maxmemory'."


def info_field(c, section, name):
    _, text = c.call("INFO", section)
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    return None


def pipeline(c, commands):
    """Sends every command, then reads every reply: [(type, value)]."""
    if not commands:
        return []
    c.send_raw(b"".join(rcs.encode(*cmd) for cmd in commands))
    return [c.read() for _ in commands]


class EvictionDifferentialTest(rcs.ServersTestCase):
    def start_both(self, *extra, ports=(OURS, REF)):
        out = []
        for port, binary in zip(ports, (None, rcs.REDIS_SERVER)):
            out.append(self.server(port, "p%d" % port, args=["--enable-debug-command", "yes", *extra],
                                   binary=binary).start())
        return out

    def both(self, fn):
        """fn(Resp) run on ours and on redis-server: (ours, ref)."""
        got = []
        for port in (OURS, REF):
            with rcs.Resp(port) as c:
                got.append(fn(c))
        return got[0], got[1]

    def test_config_values_and_errors(self):
        self.start_both("--maxmemory-policy", "volatile-lfu", "--lfu-log-factor", "3", "--lfu-decay-time", "7",
                        "--maxmemory-eviction-tenacity", "42", "--lazyfree-lazy-eviction", "yes")
        names = ["maxmemory-policy", "lfu-log-factor", "lfu-decay-time", "maxmemory-eviction-tenacity",
                 "lazyfree-lazy-eviction"]

        def run(c):
            out = [c.call("CONFIG", "GET", n) for n in names]
            for p in POLICIES + ["VOLATILE-LFU", "allkeys-ttl", "", "lru"]:
                out.append(c.call("CONFIG", "SET", "maxmemory-policy", p))
                out.append(c.call("CONFIG", "GET", "maxmemory-policy"))
            for name, values in (("lfu-log-factor", ["0", "-1", "abc", "2147483647", "2147483648", "10"]),
                                 ("lfu-decay-time", ["0", "-1", "1.5", "60", "1"]),
                                 ("maxmemory-eviction-tenacity", ["0", "100", "101", "-1", "x", "10"]),
                                 ("lazyfree-lazy-eviction", ["yes", "maybe", "no"])):
                for v in values:
                    out.append(c.call("CONFIG", "SET", name, v))
                    out.append(c.call("CONFIG", "GET", name))
            return out

        ours, ref = self.both(run)
        self.assertEqual(ours, ref)
        self.assertIn(("+", "OK"), ours)
        self.assertTrue(any(t == "-" for t, _ in ours))

    def test_object_freq_idletime_and_restore(self):
        self.start_both("--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0", "--lfu-decay-time", "0")

        def run(c):
            out = [c.call("SET", "k", "v")]
            out.append(c.call("OBJECT", "FREQ", "k"))
            for _ in range(37):
                c.call("GET", "k")
            out.append(c.call("OBJECT", "FREQ", "k"))  # 5 + 37: every access counts with factor 0
            out.append(c.call("OBJECT", "FREQ", "nosuch"))
            out.append(c.call("OBJECT", "IDLETIME", "k"))  # error under LFU
            out.append(c.call("OBJECT", "IDLETIME", "nosuch"))
            c.call("SET", "k", "other")  # an overwrite is an access and keeps the counter
            out.append(c.call("OBJECT", "FREQ", "k"))
            raw = c.call_raw("DUMP", "k")  # $<n>\r\n<payload>\r\n, binary
            payload = raw[raw.index(b"\r\n") + 2:-2]
            out.append(c.call("RESTORE", "f100", "0", payload, "FREQ", "100"))
            out.append(c.call("OBJECT", "FREQ", "f100"))
            out.append(c.call("RESTORE", "i50", "0", payload, "IDLETIME", "50"))  # LRU data under LFU: ignored
            out.append(c.call("OBJECT", "FREQ", "i50"))
            out.append(c.call("RESTORE", "bad", "0", payload, "FREQ", "256"))
            out.append(c.call("RESTORE", "bad", "0", payload, "IDLETIME", "-1"))
            out.append(c.call("RESTORE", "bad", "0", payload, "FREQ", "1", "IDLETIME", "1"))
            # The RDB keeps FREQ (DEBUG RELOAD: save, flush, load).
            out.append(c.call("DEBUG", "RELOAD"))
            out.append(c.call("OBJECT", "FREQ", "f100"))
            out.append(c.call("OBJECT", "FREQ", "k"))
            # LRU policy: FREQ is an error, IDLETIME works; RESTORE IDLETIME sets the clock back.
            out.append(c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"))
            out.append(c.call("OBJECT", "FREQ", "k"))
            out.append(c.call("RESTORE", "i1000", "0", payload, "IDLETIME", "1000"))
            idle = [c.call("OBJECT", "IDLETIME", "i1000")[1]]
            out.append(c.call("DEBUG", "RELOAD"))  # the RDB keeps IDLE
            idle.append(c.call("OBJECT", "IDLETIME", "i1000")[1])
            # Back to LFU: the LRU clock's bits are read as minutes and counter (Redis just reinterprets them).
            c.call("SET", "touched", "v")
            c.call("GET", "touched")
            out.append(c.call("CONFIG", "SET", "maxmemory-policy", "volatile-lfu"))
            # The counter read now is the LRU clock's low 8 bits (seconds): the servers run one after the other,
            # so a second can tick between them; compared within one tick below, not byte for byte.
            reinterpreted = c.call("OBJECT", "FREQ", "touched")
            return out, idle + [reinterpreted]

        (ours, ours_idle), (ref, ref_idle) = self.both(run)
        ours_freq, ref_freq = ours_idle.pop(), ref_idle.pop()
        self.assertEqual((ours_freq[0], ref_freq[0]), (":", ":"), (ours_freq, ref_freq))
        self.assertTrue(0 <= ours_freq[1] <= 255 and (ours_freq[1] - ref_freq[1]) % 256 in (0, 1, 255),
                        (ours_freq, ref_freq))
        self.assertEqual(ours, ref)
        self.assertEqual(ours[2], (":", 42))
        self.assertEqual(ours[4][0], "-")
        for a, b in zip(ours_idle, ref_idle):
            self.assertTrue(1000 <= a <= 1003 and abs(a - b) <= 1, (ours_idle, ref_idle))
        # Our dump.rdb loads into redis-server with the same access data: IDLE records (written by the last DEBUG
        # RELOAD, under allkeys-lru), then FREQ ones (SAVE under volatile-lfu).
        ours_rdb = os.path.join(self.dir, "p%d" % OURS, "dump.rdb")
        for port, policy, command, key, lo, hi in ((21946, "allkeys-lru", "IDLETIME", "i1000", 1000, 1005),
                                                   (21947, "volatile-lfu", "FREQ", "f100", 100, 100)):
            if policy == "volatile-lfu":
                with rcs.Resp(OURS) as c:
                    self.assertEqual(c.call("SAVE"), ("+", "OK"))
            rcs.check_rdb(ours_rdb)
            os.makedirs(os.path.join(self.dir, "x%d" % port))
            shutil.copy(ours_rdb, os.path.join(self.dir, "x%d" % port, "dump.rdb"))
            self.server(port, "x%d" % port, args=["--maxmemory-policy", policy, "--lfu-decay-time", "0"],
                        binary=rcs.REDIS_SERVER).start()
            with rcs.Resp(port) as c:
                t, v = c.call("OBJECT", command, key)
                self.assertTrue(t == ":" and lo <= v <= hi, (command, t, v))

    def test_every_access_counts_once(self):
        # lfu-log-factor 0 and no decay: the counter counts accesses exactly, so OBJECT FREQ of every key after
        # each command shows which commands touch which keys, and how often (INCR, APPEND and SETRANGE once,
        # GETSET and SET ... GET twice, EXISTS / TYPE / TTL never, ...).
        self.start_both("--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0", "--lfu-decay-time", "0")
        cmds = [["INCR", "n"], ["INCR", "n"], ["GET", "n"], ["EXISTS", "n"], ["TYPE", "n"], ["TTL", "n"],
                ["APPEND", "s", "x"], ["APPEND", "s", "y"], ["STRLEN", "s"], ["SETRANGE", "s", "0", "z"],
                ["GETRANGE", "s", "0", "1"], ["LPUSH", "l", "a"], ["LPUSH", "l", "b"], ["LRANGE", "l", "0", "-1"],
                ["RPOP", "l"], ["HSET", "h", "f", "v"], ["HGET", "h", "f"], ["HINCRBY", "h", "c", "1"],
                ["SADD", "st", "a"], ["SISMEMBER", "st", "a"], ["ZADD", "z", "1", "a"], ["ZSCORE", "z", "a"],
                ["EXPIRE", "s", "100"], ["PERSIST", "s"], ["TOUCH", "s"], ["RENAME", "s", "s2"], ["COPY", "s2", "s3"],
                ["DUMP", "s2"], ["SET", "s2", "new"], ["GETSET", "s2", "x"], ["SETNX", "s2", "y"],
                ["MGET", "s2", "n"], ["INCRBYFLOAT", "f", "1.5"], ["SET", "g", "v", "GET"], ["SET", "g", "v", "GET"],
                ["GETEX", "g", "PX", "100000"], ["SORT", "l"], ["OBJECT", "ENCODING", "l"],
                ["SUNIONSTORE", "st2", "st"], ["XADD", "x", "1-1", "a", "b"], ["XLEN", "x"], ["PFADD", "p", "a"],
                ["PFCOUNT", "p"], ["SETBIT", "b", "1", "1"], ["GETBIT", "b", "1"], ["BITCOUNT", "b"]]
        keys = ["n", "s", "s2", "s3", "l", "h", "st", "st2", "z", "f", "g", "x", "p", "b"]

        def run(c):
            out = []
            for cmd in cmds:
                out.append((cmd, c.call_raw(*cmd), [c.call("OBJECT", "FREQ", k)[1] for k in keys]))
            return out

        ours, ref = self.both(run)
        for o, r in zip(ours, ref):
            self.assertEqual(o, r)
        self.assertEqual(ours[-1][2][0], 8)  # n: 5 (made by the first INCR), INCR, GET, MGET

    def test_volatile_policies_never_evict_persistent_keys(self):
        self.start_both("--maxmemory", str(MAXMEMORY), "--appendonly", "yes", "--appendfsync", "always",
                        "--lazyfree-lazy-eviction", "yes")
        for policy, lazy in (("volatile-lru", "yes"), ("volatile-lfu", "no"), ("volatile-random", "no"),
                             ("volatile-ttl", "no")):
            def run(c):
                pipeline(c, [["CONFIG", "SET", "maxmemory", "0"], ["FLUSHALL"], ["CONFIG", "RESETSTAT"],
                             ["CONFIG", "SET", "maxmemory-policy", policy],
                             ["CONFIG", "SET", "lazyfree-lazy-eviction", lazy]])
                pipeline(c, [["SET", "p:%d" % i, VALUE] for i in range(1400)])
                c.call("CONFIG", "SET", "maxmemory", str(MAXMEMORY))
                # Volatile keys past the limit: only they are evicted.
                replies = pipeline(c, [["SET", "v:%d" % i, VALUE, "EX", "3600"] for i in range(1000)])
                self.assertEqual(set(replies), {("+", "OK")}, policy)
                evicted = int(info_field(c, "stats", "evicted_keys"))
                # Then persistent keys until refused: every volatile key goes first.
                written, error = 0, None
                for i in range(3000):
                    t, v = c.call("SET", "q:%d" % i, VALUE)
                    if t == "-":
                        error = v
                        break
                    written += 1
                present = pipeline(c, [["EXISTS", "p:%d" % i] for i in range(1400)] +
                                   [["EXISTS", "q:%d" % i] for i in range(written)])
                _, dbsize = c.call("DBSIZE")
                expires = info_field(c, "keyspace", "db0")
                return evicted, written, error, present, dbsize, expires

            (oe, ow, oerr, opresent, osize, oexp), (re_, rw, rerr, rpresent, rsize, rexp) = self.both(run)
            for evicted, error, present, size, written, exp in ((oe, oerr, opresent, osize, ow, oexp),
                                                                (re_, rerr, rpresent, rsize, rw, rexp)):
                self.assertGreater(evicted, 0, policy)
                self.assertEqual(error, OOM, policy)
                self.assertEqual(set(present), {(":", 1)}, policy)  # no key without a TTL was evicted
                self.assertEqual(size, 1400 + written, policy)  # and every key with one was
                self.assertIn("expires=0", exp, policy)
            self.assertEqual(oerr, rerr)
            # Roughly the same number of writes fit (the same limit, similar per-key costs).
            self.assertLess(abs(ow - rw), 300, (policy, ow, rw))
            # The evictions reached the AOF: UNLINK with lazyfree-lazy-eviction yes, DEL otherwise.
            word = b"UNLINK" if lazy == "yes" else b"DEL"
            for port in (OURS, REF):
                def aof_has():
                    data = b""
                    for f in glob.glob(os.path.join(self.dir, "p%d" % port, "appendonlydir", "*.aof")):
                        with open(f, "rb") as fh:
                            data += fh.read()
                    return re.search(rb"\*2\r\n\$%d\r\n%s\r\n\$\d+\r\nv:\d+\r\n" % (len(word), word), data)
                rcs.wait_until(aof_has, timeout=10, what="%s of an evicted key in port %d's AOF" % (word, port))

    def test_tenacity_zero_finishes_in_the_background(self):
        # maxmemory-eviction-tenacity 0: each pass evicts 16 keys, a timer does the rest without any command.
        self.start_both("--maxmemory-policy", "allkeys-random", "--maxmemory-eviction-tenacity", "0")
        for port in (OURS, REF):
            with rcs.Resp(port) as c:
                pipeline(c, [["SET", "k:%d" % i, VALUE] for i in range(4000)])
                self.assertEqual(c.call("CONFIG", "SET", "maxmemory", str(MAXMEMORY)), ("+", "OK"))

                def under():  # INFO's own reply, being built, counts in its used_memory: a little slack
                    return int(info_field(c, "memory", "used_memory")) <= MAXMEMORY + 32 * 1024
                # Every command evicts too (16 keys at tenacity 0), so poll slowly: 40 polls alone could evict
                # only 640 of the ~2000 keys that must go.
                rcs.wait_until(under, timeout=20, interval=0.5, what="port %d under maxmemory" % port)
                _, text = c.call("INFO", "stats", "keyspace")  # one snapshot: the timer may still be evicting
                evicted = int(re.search(r"evicted_keys:(\d+)", text).group(1))
                keys = int(re.search(r"db0:keys=(\d+)", text).group(1))
                self.assertGreater(evicted, 16, port)
                self.assertEqual(keys, 4000 - evicted, port)

    def test_allkeys_lfu_keeps_hot_keys_and_replicates(self):
        # Twice the limit: the replication backlog (1 MB) counts in redis-server's used memory.
        self.start_both("--maxmemory", str(2 * MAXMEMORY), "--maxmemory-policy", "allkeys-lfu",
                                  "--notify-keyspace-events", "Ee")
        for port, master, binary in ((OURS_REPLICA, OURS, None), (REF_REPLICA, REF, rcs.REDIS_SERVER)):
            self.server(port, "p%d" % port, args=["--replicaof", "127.0.0.1", str(master)], binary=binary).start()
            rcs.wait_until(lambda: "master_link_status:up" in rcs.Server(port).cli("INFO", "replication"),
                           timeout=20, what="replica %d linked to %d" % (port, master))
        nkeys, hot, ops = 10000, 100, 30000
        rng = random.Random(20261207)
        weights = [1.0 / (r + 1) ** 1.1 for r in range(nkeys)]
        order = list(range(nkeys))
        rng.shuffle(order)  # hot keys spread over the key names
        stream = [order[r] for r in rng.choices(range(nkeys), weights=weights, k=ops)]
        hot_keys = set(order[:hot])

        def run(c):
            hits = hot_hits = hot_total = 0
            for start in range(0, ops, 200):
                batch = stream[start:start + 200]
                got = pipeline(c, [["GET", "key:%d" % k] for k in batch])
                misses = [k for k, (t, v) in zip(batch, got) if v is None]
                pipeline(c, [["SET", "key:%d" % k, VALUE] for k in misses])
                if start >= ops // 2:  # measured once warm
                    for k, (t, v) in zip(batch, got):
                        hits += v is not None
                        if k in hot_keys:
                            hot_total += 1
                            hot_hits += v is not None
            return hot_hits / hot_total, hits / (ops - ops // 2), int(info_field(c, "stats", "evicted_keys"))

        subs = {}
        for port in (OURS, REF):
            subs[port] = rcs.Resp(port)
            self.assertEqual(subs[port].call("SUBSCRIBE", "__keyevent@0__:evicted")[0], "*")
        try:
            (ohot, oall, oev), (rhot, rall, rev) = self.both(run)
            print("hot-set hit rate: ours %.3f redis-server %.3f; overall %.3f / %.3f; evicted %d / %d"
                  % (ohot, rhot, oall, rall, oev, rev))
            self.assertGreater(oev, 0)
            self.assertGreater(rev, 0)
            self.assertGreater(rhot, 0.8)  # the reference keeps them: the comparison means something
            self.assertGreater(ohot, rhot - 0.05)
            self.assertGreater(oall, rall - 0.05)
            for port in (OURS, REF):
                t, msg = subs[port].read()
                self.assertEqual(msg[:2], ["message", "__keyevent@0__:evicted"])
                self.assertTrue(msg[2].startswith("key:"))
        finally:
            for s in subs.values():
                s.close()
        # The replicas end with exactly their master's keys: the evictions' DELs reached them.
        for master, replica in ((OURS, OURS_REPLICA), (REF, REF_REPLICA)):
            def same():
                with rcs.Resp(master) as m, rcs.Resp(replica) as r:
                    return sorted(m.call("KEYS", "*")[1]) == sorted(r.call("KEYS", "*")[1])
            rcs.wait_until(same, timeout=20, what="replica %d to hold master %d's keys" % (replica, master))
        # redis-cli --hotkeys (OBJECT FREQ of every key) finds the hottest keys on both.
        found = {}
        for port in (OURS, REF):
            out = subprocess.run([rcs.REDIS_CLI, "-p", str(port), "--hotkeys"], capture_output=True, text=True,
                                 timeout=30).stdout
            keys = re.findall(r'hot key found with counter: (\d+)\s+keyname: "([^"]+)"', out)
            self.assertTrue(keys, out)
            found[port] = [k for _, k in keys]
        self.assertEqual(len(found[OURS]), len(found[REF]))
        top = {"key:%d" % k for k in order[:3]}
        for port in (OURS, REF):
            self.assertTrue(top <= set(found[port]), (port, top, found[port]))


if __name__ == "__main__":
    rcs.run_tests()
