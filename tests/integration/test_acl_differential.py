"""ACL differential test: the same ACL sequence sent to our node (port 21210) and to Debian's redis-server 7.0.15
(port 21211), replies compared byte for byte.

The cases are generated from a fixed seed (CASES, SEED below; the generated table is written to
tests/integration/acl_cases.json when RCS_WRITE_ACL_CASES=1 and kept in the repo, and the test checks that the
generator still produces it). Each case is a user definition (valid and invalid rules: passwords, hashes, key
patterns with %R/%W, channels, commands, subcommands, first args, categories, selectors, reset...) followed by:
ACL SETUSER's reply, ACL GETUSER and the user's ACL LIST line, ACL DRYRUN of several commands, and a connection
authenticated as the user running those commands for real (NOPERM texts), inside MULTI/EXEC, and through EVAL's
redis.call / redis.pcall; plus AUTH failures. At the end ACL LOG is compared without its times and client info.

Two things are compared as sets where each server's order is its own: the single-command rules after the
categories in a description (redis-server walks its command table in a randomly seeded hash order), and
ACL CAT <category> lists. A description also names commands we do not have (XLEN, LOLWUT ...), and the best-fitting
categories it starts with are chosen by counting commands, so with fewer commands the same permissions may be
described with other categories: where the texts differ, the reference's description (without the commands we
lack) is applied to a scratch user on our node, which must then describe it exactly as ours did (the same
permissions on our command table). Rules for the commands only we have (Redis 7.2+: DIGEST, HGETDEL, MSETEX ...)
are left out of that comparison: the reference has nothing to say about them.
"""
import json
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402
import rcs_resp  # noqa: E402

OURS, REF = 21210, 21211
OURS_FILE, REF_FILE = 21212, 21213  # with an aclfile
OURS_CONF, REF_CONF = 21214, 21215  # from a config file with user lines (CONFIG REWRITE)
SEED = 19
CASES = 320
CASES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "acl_cases.json")

KEYS = ["a1", "a2", "b1", "r1", "w1", "x:1"]
CHANNELS = ["ch", "c1", "news.x", "n*"]
PASSWORDS = ["pw1", "pw2", "s3cret"]
HASH = "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"  # SHA-256 of "p1"
CATEGORIES = ["read", "write", "keyspace", "string", "hash", "list", "set", "sortedset", "pubsub", "admin",
              "dangerous", "fast", "slow", "connection", "transaction", "scripting", "bitmap", "hyperloglog",
              "blocking"]
COMMANDS = ["get", "set", "mget", "mset", "del", "exists", "hset", "hget", "lpush", "lrange", "rpoplpush",
            "copy", "incr", "publish", "ping", "echo", "flushall", "keys", "config", "client", "info", "eval",
            "select", "dbsize", "type", "sadd", "smembers", "zadd", "lmove", "object", "debug"]
SUBCOMMANDS = ["config|get", "config|set", "client|id", "client|kill", "client|setname", "object|encoding",
               "client|list"]
BAD_RULES = ["foo", "+nosuch", "-nosuch", "+@nosuch", "+get|x|y", "+config|get|x", "+client|nosuch", "+get|",
             "#abc", "!abc", "<notthere", "%X~k", "%~k", "%RR~k", ")", "(~a", "allkeys ~x", "&* &x", "+@",
             "-@"]

# Commands run for real as the user: (argv...) built from the key and channel pools.
RUN_TEMPLATES = [
    ["GET", "{k}"], ["SET", "{k}", "v"], ["SET", "{k}", "v", "GET"], ["MGET", "{k}", "{k2}"],
    ["MSET", "{k}", "1", "{k2}", "2"], ["DEL", "{k}"], ["EXISTS", "{k}", "{k2}"], ["HSET", "h{k}", "f", "v"],
    ["LPUSH", "l{k}", "v"], ["COPY", "{k}", "{k2}"], ["INCR", "n{k}"], ["PUBLISH", "{c}", "m"],
    ["PING"], ["ECHO", "x"], ["DBSIZE"], ["TYPE", "{k}"], ["SELECT", "0"], ["SELECT", "1"],
    ["CLIENT", "GETNAME"], ["CONFIG", "GET", "maxmemory"], ["OBJECT", "ENCODING", "{k}"], ["LMOVE", "l{k}", "l{k2}", "LEFT", "RIGHT"],
    ["FLUSHALL"], ["KEYS", "nomatch*"],
]


def gen_rule(rng):
    kind = rng.random()
    if kind < 0.08:
        return rng.choice(BAD_RULES)
    if kind < 0.20:
        return rng.choice(["on", "off", "nopass", "resetpass", ">" + rng.choice(PASSWORDS), "<" + rng.choice(PASSWORDS),
                           "#" + HASH, "!" + HASH, "reset", "clearselectors", "ON", "skip-sanitize-payload"])
    if kind < 0.40:
        pat = rng.choice(["a*", "b*", "r*", "w*", "x:*", "*", "a1", "?1", "[ab]*"])
        return rng.choice(["~", "%R~", "%W~", "%RW~", "%wr~"]) + pat if rng.random() < 0.85 else \
            rng.choice(["allkeys", "resetkeys"])
    if kind < 0.50:
        return rng.choice(["&" + rng.choice(CHANNELS), "allchannels", "resetchannels"])
    if kind < 0.70:
        return rng.choice("+-") + "@" + rng.choice(CATEGORIES + ["all"])
    if kind < 0.85:
        return rng.choice("+-") + rng.choice(COMMANDS)
    if kind < 0.93:
        return "+" + rng.choice(SUBCOMMANDS) if rng.random() < 0.7 else "-" + rng.choice(SUBCOMMANDS)
    if kind < 0.96:
        return rng.choice(["+select|0", "+select|1", "+debug|object"])
    return rng.choice(["allcommands", "nocommands"])


def gen_case(rng, i):
    rules = ["reset"] if rng.random() < 0.7 else []
    for _ in range(rng.randint(1, 7)):
        rules.append(gen_rule(rng))
    if rng.random() < 0.35:
        sel = [gen_rule(rng) for _ in range(rng.randint(1, 3))]
        sel = [r for r in sel if "(" not in r and ")" not in r and " " not in r] or ["+get"]
        if rng.random() < 0.5:
            rules.append("(" + " ".join(sel) + ")")
        else:  # a selector spread over arguments
            rules += ["(" + sel[0]] + sel[1:-1] + [sel[-1] + ")"] if len(sel) > 1 else ["(" + sel[0] + ")"]
    # Mostly usable users: on, a known password.
    if rng.random() < 0.8:
        rules += ["on", ">pw1"]
    runs = []
    for _ in range(rng.randint(2, 6)):
        t = rng.choice(RUN_TEMPLATES)
        runs.append([a.format(k=rng.choice(KEYS), k2=rng.choice(KEYS), c=rng.choice(CHANNELS)) for a in t])
    multi = rng.random() < 0.3
    script = rng.random() < 0.3
    return {"user": "u%d" % (i % 12), "rules": [r for rule in rules for r in ([rule] if " " not in rule or rule.startswith("(") else rule.split(" "))],
            "runs": runs, "multi": multi, "script": script,
            "auth": rng.choice(["pw1", "pw2", "wrong"]) if rng.random() < 0.9 else "pw1"}


def generate():
    rng = random.Random(SEED)
    return [gen_case(rng, i) for i in range(CASES)]


def is_rule_text(s):
    return isinstance(s, str) and ("-@all" in s or "+@all" in s)


def normalize_rules(text):
    """A description with its runs of single-command rules sorted (each server walks its own table order)."""
    tokens = text.replace("(", "( ").replace(")", " )").split(" ")
    out, run = [], []

    def flush():
        out.extend(sorted(run))
        run.clear()
    for t in tokens:
        if t[:1] in "+-" and not t.startswith(("+@", "-@")):
            run.append(t)
        else:
            flush()
            out.append(t)
    flush()
    return " ".join(out)


def normalize(value):
    if isinstance(value, tuple):
        return tuple(normalize(v) for v in value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if is_rule_text(value):
        return normalize_rules(value)
    return value


class AclDifferentialTest(rcs.ServersTestCase):
    def setUp(self):
        super().setUp()
        self.ours = self.server(OURS, "ours").start()
        self.ref = self.server(REF, "ref", binary=rcs.REDIS_SERVER).start()
        self.a = rcs.Resp(OURS)
        self.b = rcs.Resp(REF)
        self.compared = 0
        self.differences = 0

    def tearDown(self):
        self.a.close()
        self.b.close()
        super().tearDown()

    def our_commands(self):
        if not hasattr(self, "_ours"):
            names = set()
            for e in self.a.call("COMMAND")[1]:
                names.add(e[0])
                names.update(sub[0] for sub in e[9])
            self._ours = names
        return self._ours

    def known(self, token):
        """False for a rule naming a command (or its first arg) that our node does not have."""
        t = token.strip("()")
        if t[:1] not in "+-" or t.startswith(("+@", "-@")):
            return True
        name = t[1:].lower()
        return name in self.our_commands() or name.split("|")[0] in self.our_commands()

    def ref_commands(self):
        if not hasattr(self, "_refs"):
            names = set()
            for e in self.b.call("COMMAND")[1]:
                names.add(e[0])
                names.update(sub[0] for sub in e[9])
            self._refs = names
        return self._refs

    def without_ours_only(self, text):
        """A description without its single-command rules for commands redis-server 7.0.15 lacks (DIGEST,
        HGETDEL, MSETEX ... from Redis 7.2+): their permission follows from the user's categories on our node,
        and the reference cannot say anything about them."""
        kept = []
        for t in text.split(" "):
            bare = t.strip("()")
            if bare[:1] in "+-" and not bare.startswith(("+@", "-@")):
                name = bare[1:].lower()
                if name not in self.ref_commands() and name.split("|")[0] not in self.ref_commands():
                    kept.append("(" if t.startswith("(") else "")
                    kept.append(")" if t.endswith(")") and not t.startswith("(") else "")
                    continue
            kept.append(t)
        return " ".join(k for k in kept if k).replace("( ", "(").replace(" )", ")")

    def same_permissions(self, ours, ref):
        """Whether the reference's description `ref`, applied on our node, describes as `ours`."""
        prefix = ""
        if ours.startswith("user ") and ref.startswith("user "):
            name = ours.split(" ")[1]
            prefix, ours, ref = "user %s " % name, ours[len("user %s " % name):], ref[len("user %s " % name):]
        fixed = []
        for t in ref.split(" "):
            if self.known(t):
                fixed.append(t)
            elif t.startswith("("):
                fixed.append("(")
            elif t.endswith(")"):
                fixed.append(")")
        scratch = "zz-compare"
        self.a.call("ACL", "DELUSER", scratch)
        rules = [t for t in " ".join(fixed).replace("( ", "(").replace(" )", ")").split(" ") if t]
        r = self.a.call("ACL", "SETUSER", scratch, *rules)
        if r != ("+", "OK"):
            return False
        if prefix:
            line = [l for l in self.a.call("ACL", "LIST")[1] if l.startswith("user %s " % scratch)][0]
            got = line[len("user %s " % scratch):]
        else:
            got = self.a.call("ACL", "GETUSER", scratch)[1][5]
        self.a.call("ACL", "DELUSER", scratch)
        return normalize_rules(self.without_ours_only(got)) == normalize_rules(self.without_ours_only(ours))

    def equivalent(self, x, y):
        if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
            return len(x) == len(y) and all(self.equivalent(p, q) for p, q in zip(x, y))
        if x == y:
            return True
        return isinstance(x, str) and isinstance(y, str) and is_rule_text(x) and is_rule_text(y) and \
            self.same_permissions(x, y)

    def both(self, *args, parsed=False, what=""):
        ra, rb = self.a.call_raw(*args), self.b.call_raw(*args)
        self.check(ra, rb, args, parsed, what)
        return ra

    def check(self, ra, rb, args, parsed=False, what=""):
        """Equal replies; with RCS_ACL_KEEP_GOING=1 every difference is printed and the test fails at the end."""
        self.compared += 1
        if parsed:
            pa, pb = rcs_resp._parse(ra)[0], rcs_resp._parse(rb)[0]
            ra, rb = normalize(pa), normalize(pb)
            if ra != rb and self.equivalent(pa, pb):
                return
        if os.environ.get("RCS_ACL_KEEP_GOING") == "1":
            if ra != rb:
                self.differences += 1
                print("DIFF %s %r\n  ours: %r\n  ref:  %r" % (what, args, ra, rb))
            return
        self.assertEqual(ra, rb, "%s %r" % (what, args))

    def session(self, case):
        """The user's own connection on both servers: AUTH, the commands (in MULTI or a script when asked)."""
        with rcs.Resp(OURS) as ca, rcs.Resp(REF) as cb:
            def both(*args, parsed=False):
                ra, rb = ca.call_raw(*args), cb.call_raw(*args)
                self.check(ra, rb, args, parsed, "as %s" % case["user"])
                return ra
            if both("AUTH", case["user"], case["auth"]) != b"+OK\r\n":
                both("PING")
                return
            both("ACL", "WHOAMI")
            if case["multi"]:
                both("MULTI")
                for r in case["runs"]:
                    if r != ["SELECT", "1"]:
                        both(*r)
                both("EXEC", parsed=True)
            else:
                for r in case["runs"]:
                    if r != ["SELECT", "1"]:  # one database here (a known difference, not ACL's)
                        both(*r)
            if case["script"]:
                for r in case["runs"][:2]:
                    lua = "return redis.%s(%s)" % (
                        "pcall" if len(r) % 2 else "call", ", ".join("'%s'" % x for x in r))
                    both("EVAL", lua, "0")

    def test_generated_cases(self):
        cases = generate()
        if os.environ.get("RCS_WRITE_ACL_CASES") == "1":
            with open(CASES_FILE, "w") as fh:
                json.dump(cases, fh, indent=0)
                fh.write("\n")
        with open(CASES_FILE) as fh:
            self.assertEqual(json.load(fh), cases, "acl_cases.json is not what the generator makes (seed %d)" % SEED)
        for case in cases:
            reply = self.both("ACL", "SETUSER", case["user"], *case["rules"], what="setuser")
            self.both("ACL", "GETUSER", case["user"], parsed=True, what="getuser")
            self.both("ACL", "USERS")
            for r in case["runs"]:
                self.both("ACL", "DRYRUN", case["user"], *r, what="dryrun")
            if reply == b"+OK\r\n" or self.a.call("ACL", "GETUSER", case["user"])[1] is not None:
                self.session(case)
        self.both("ACL", "LIST", parsed=True, what="list")
        # AUTH failures and their log entries.
        for args in (["AUTH", "nosuch", "x"], ["AUTH", "u1", "wrong"], ["AUTH", "x"], ["HELLO", "3", "AUTH", "u2", "bad"]):
            self.both(*args)
        self.compare_log()
        print("compared %d replies over %d cases" % (self.compared, len(cases)))
        self.assertEqual(self.differences, 0)
        self.assertGreater(self.compared, 2000)

    def compare_log(self):
        def entries(conn):
            out = []
            for e in conn.call("ACL", "LOG", "200")[1]:
                d = dict(zip(e[0::2], e[1::2]))
                out.append((d["count"], d["reason"], d["context"], d["object"], d["username"]))
            return out
        la, lb = entries(self.a), entries(self.b)
        self.assertGreater(len(lb), 10)
        self.assertEqual(la, lb)

    def test_fixed_cases(self):
        """Hand-picked texts: default user, requirepass, CAT, GENPASS, LOG RESET, errors of the ACL command."""
        for args in (["ACL", "LIST"], ["ACL", "USERS"], ["ACL", "WHOAMI"], ["ACL", "CAT"], ["ACL", "GETUSER", "default"],
                     ["ACL", "GETUSER", "nosuch"], ["ACL", "DELUSER", "default"], ["ACL", "DELUSER", "nosuch"],
                     ["ACL", "GENPASS", "0"], ["ACL", "GENPASS", "4097"], ["ACL", "GENPASS", "x"], ["ACL", "LOG", "x"],
                     ["ACL", "LOG", "RESET"], ["ACL", "LOAD"], ["ACL", "SAVE"], ["ACL", "DRYRUN", "nosuch", "get", "x"],
                     ["ACL", "DRYRUN", "default", "nosuch"], ["ACL", "DRYRUN", "default", "get"],
                     ["ACL", "DRYRUN", "default", "client", "nosuch"], ["ACL", "SETUSER", "bad name"],
                     ["ACL", "SETUSER", "x", "(", ")"], ["ACL", "GETUSER", "x"], ["ACL", "WHOAMI", "x"],
                     ["AUTH", "x"], ["ACL", "NOSUCH"], ["ACL"], ["CONFIG", "SET", "requirepass", "pw"],
                     ["ACL", "LIST"], ["AUTH", "pw"], ["AUTH", "default", "pw"], ["CONFIG", "SET", "requirepass", ""],
                     ["ACL", "LIST"], ["CLIENT", "KILL", "USER", "nosuch"], ["CLIENT", "KILL", "USER", "x"]):
            self.both(*args, parsed=args[:2] in (["ACL", "LIST"], ["ACL", "GETUSER"]))
        self.assertEqual(len(self.a.call("ACL", "GENPASS")[1]), 64)
        self.assertEqual(len(self.a.call("ACL", "GENPASS", "5")[1]), 2)
        for cat in CATEGORIES:
            a, b = self.a.call("ACL", "CAT", cat)[1], self.b.call("ACL", "CAT", cat)[1]
            # Ours lists the reference's members that we have, plus commands newer than 7.0 (CLIENT SETINFO).
            extra = [n for n in set(a) - set(b) if self.b.call("COMMAND", "INFO", n)[1] != [None]]
            self.assertEqual(extra, [], cat)


class AclFileTest(rcs.ServersTestCase):
    """aclfile: ACL LOAD (all or nothing, redis-server's error texts with the file named as configured) and
    ACL SAVE, on both servers with `aclfile users.acl` in their own directories; user lines in the config."""

    GOOD = ("user default on nopass ~* &* +@all\n"
            "user alice on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~a* %R~b* resetchannels "
            "&ch -@all +get +@hash (~x* +set)\n"
            "\n"
            "user bob off resetchannels -@all\n")
    BAD = ("user default on nopass ~* &* +@all\n"
           "user carol on +nosuch\n"
           "# a comment\n"
           "usr dave on\n"
           "user carol on\n"
           "user frank on %X~k #abc\n")
    # redis-server 7.0.15 crashes (SIGSEGV in ACLLoadFromFile) on an unmatched parenthesis in the file, so that
    # line is checked on our node alone, with the reference's text for it.
    UNMATCHED = "user default on nopass ~* &* +@all\nuser erin on (~a +get\n"

    def start_pair(self):
        servers = []
        for port, name, binary in ((OURS_FILE, "ours", None), (REF_FILE, "ref", rcs.REDIS_SERVER)):
            d = os.path.join(self.dir, name)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "users.acl"), "w") as fh:
                fh.write(self.GOOD)
            servers.append(self.server(port, name, args=["--aclfile", "users.acl"], binary=binary).start())
        return servers

    def test_load_and_save(self):
        ours, ref = self.start_pair()
        with rcs.Resp(OURS_FILE) as a, rcs.Resp(REF_FILE) as b:
            def both(*args, parsed=False):
                ra, rb = a.call_raw(*args), b.call_raw(*args)
                if parsed:
                    ra, rb = normalize(rcs_resp._parse(ra)[0]), normalize(rcs_resp._parse(rb)[0])
                self.assertEqual(ra, rb, args)
                return ra
            both("ACL", "LIST", parsed=True)
            both("ACL", "SETUSER", "zed", "on", ">pw", "~z*", "+get")
            with rcs.Resp(OURS_FILE) as alice_a, rcs.Resp(REF_FILE) as alice_b:
                self.assertEqual(alice_a.call_raw("AUTH", "alice", "p1"), alice_b.call_raw("AUTH", "alice", "p1"))
                for srv, path in ((ours, "ours"), (ref, "ref")):
                    with open(os.path.join(self.dir, path, "users.acl"), "w") as fh:
                        fh.write(self.BAD)
                # All or nothing: errors for every bad line, nothing changed.
                both("ACL", "LOAD")
                both("ACL", "LIST", parsed=True)
                for path in ("ours", "ref"):
                    with open(os.path.join(self.dir, path, "users.acl"), "w") as fh:
                        fh.write(self.GOOD.replace("user bob off", "user bob on nopass"))
                both("ACL", "LOAD")
                both("ACL", "LIST", parsed=True)
                # alice was replaced by the load: her connection is closed on both.
                for c in (alice_a, alice_b):
                    with self.assertRaises((ConnectionError, OSError)):
                        c.call("PING")
            both("ACL", "SETUSER", "zed", "on", ">pw", "~z*", "+get")
            both("ACL", "SAVE")
            saved = []
            for path in ("ours", "ref"):
                with open(os.path.join(self.dir, path, "users.acl")) as fh:
                    saved.append([normalize_rules(l) for l in fh.read().splitlines()])
            self.assertEqual(saved[0], saved[1])
            with open(os.path.join(self.dir, "ours", "users.acl"), "w") as fh:
                fh.write(self.UNMATCHED)
            self.assertEqual(a.call("ACL", "LOAD"), ("-", "ERR users.acl:2: Unmatched parenthesis in selector definition."
                                                     "WARNING: ACL errors detected, no change to the previously active "
                                                     "ACL rules was performed"))
            os.unlink(os.path.join(self.dir, "ours", "users.acl"))
            os.unlink(os.path.join(self.dir, "ref", "users.acl"))
            ra, rb = a.call("ACL", "LOAD"), b.call("ACL", "LOAD")
            self.assertEqual(ra, rb)

    def test_user_lines_in_config(self):
        args = ["--user", "alice", "on", ">p1", "~a*", "+get", "--user", "default", "on", ">dpw", "~*", "+@all"]
        self.server(OURS_FILE, "ours", args=args).start(wait=False)
        self.server(REF_FILE, "ref", args=args, binary=rcs.REDIS_SERVER).start(wait=False)
        for port in (OURS_FILE, REF_FILE):
            rcs.wait_until(lambda: rcs.port_free(port) is False, timeout=10, what="port %d to listen" % port)
        with rcs.Resp(OURS_FILE) as a, rcs.Resp(REF_FILE) as b:
            for args in (["GET", "x"], ["AUTH", "dpw"], ["ACL", "LIST"], ["AUTH", "alice", "p1"], ["GET", "a1"],
                         ["GET", "b1"], ["ACL", "WHOAMI"]):
                ra, rb = a.call_raw(*args), b.call_raw(*args)
                if args == ["ACL", "LIST"]:
                    ra, rb = normalize(rcs_resp._parse(ra)[0]), normalize(rcs_resp._parse(rb)[0])
                self.assertEqual(ra, rb, args)


class AclConfigRewriteTest(rcs.ServersTestCase):
    """CONFIG REWRITE writes every user as a `user` line (redis-server's rewriteConfigUserOption), replacing the
    file's user lines; our node restarts from the rewritten file with the same users."""

    CONF = "port {port}\nsave \"\"\nappendonly no\nuser alice on >p1 ~a* +get\n# keep me\nuser carol off\n"

    def start(self, port, name, binary):
        d = os.path.join(self.dir, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "node.conf"), "w") as fh:
            fh.write(self.CONF.format(port=port))
        s = rcs.Server(port, binary=binary or rcs.NODE_BIN, workdir=d)
        s.command_line = lambda: [binary or rcs.NODE_BIN, os.path.join(d, "node.conf")]
        self.servers.append(s)
        return s.start(), d

    def user_lines(self, d):
        with open(os.path.join(d, "node.conf")) as fh:
            text = fh.read()
        self.assertIn("# keep me", text)
        return [normalize_rules(l) for l in text.splitlines() if l.startswith("user ")]

    def test_rewrite_users(self):
        ours, ours_dir = self.start(OURS_CONF, "ours", None)
        ref, ref_dir = self.start(REF_CONF, "ref", rcs.REDIS_SERVER)
        for port in (OURS_CONF, REF_CONF):
            with rcs.Resp(port) as c:
                self.assertEqual(c.call("ACL", "SETUSER", "bob", "on", ">pw", "~b*", "+@read", "(~x +set)"), ("+", "OK"))
                self.assertEqual(c.call("ACL", "DELUSER", "carol"), (":", 1))
                self.assertEqual(c.call("CONFIG", "REWRITE"), ("+", "OK"))
        lines = self.user_lines(ours_dir)
        self.assertEqual(lines, self.user_lines(ref_dir))
        self.assertEqual(len(lines), 3)  # alice, bob, default
        # Both restart from their rewritten files with the same users (redis-server's "reset" of a configured
        # default user included).
        for srv in (ours, ref):
            srv.stop()
            srv.start()
        with rcs.Resp(OURS_CONF) as a, rcs.Resp(REF_CONF) as b:
            self.assertEqual(normalize(a.call("ACL", "LIST")), normalize(b.call("ACL", "LIST")))
            self.assertEqual(a.call("AUTH", "bob", "pw"), ("+", "OK"))

if __name__ == "__main__":
    rcs.run_tests()
