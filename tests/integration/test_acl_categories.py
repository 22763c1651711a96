"""ACL categories: our command table against the reference's captured metadata
(tests/fixtures/commands/redis-7.0.15.json, captured from Debian's redis-server 7.0.15 by capture.py there).

  - the fixture is what the installed redis-server 7.0.15 says (COMMAND's categories, ACL CAT, ACL CAT <c>),
    when that binary is 7.0.15 (port 21201);
  - node/src/server/acl_tables.inc is what node/tools/gen_acl_tables.py generates from the fixture;
  - our node (port 21200): COMMAND INFO of every command and subcommand the reference also has lists the same
    categories in the same order; ACL CAT lists the reference's categories; ACL CAT <c> lists exactly the
    reference's members of <c> that we have.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS, REF = 21200, 21201
FIXTURE = os.path.join(rcs.REPO, "tests", "fixtures", "commands", "redis-7.0.15.json")
GENERATOR = os.path.join(rcs.REPO, "node", "tools", "gen_acl_tables.py")


def load_fixture():
    with open(FIXTURE) as fh:
        return json.load(fh)


def categories_by_name(command_reply):
    """{full name: [categories without '@']} from a parsed COMMAND / COMMAND INFO reply."""
    out = {}

    def walk(entry):
        out[entry[0]] = [c[1:] for c in entry[6]]
        for sub in entry[9]:
            walk(sub)
    for e in command_reply:
        if e is not None:
            walk(e)
    return out


class AclCategoriesTest(rcs.ServersTestCase):
    def test_generated_table_is_current(self):
        r = subprocess.run([sys.executable, GENERATOR, "--check"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_fixture_matches_reference(self):
        fixture = load_fixture()
        ref = self.server(REF, "ref", binary=rcs.REDIS_SERVER).start()
        with rcs.Resp(REF) as c:
            version = [l for l in c.call("INFO", "server")[1].splitlines() if l.startswith("redis_version:")][0]
            if version.split(":", 1)[1] != fixture["server"]:
                self.skipTest("the installed redis-server is %s, the fixture %s" % (version, fixture["server"]))
            live = categories_by_name(c.call("COMMAND")[1])
            self.assertEqual(c.call("ACL", "CAT")[1], fixture["acl_cat"])
            for cat, members in fixture["acl_cat_members"].items():
                self.assertEqual(sorted(c.call("ACL", "CAT", cat)[1]), members, cat)
        expected = {}

        def walk(cmd):
            expected[cmd["name"]] = cmd["acl_categories"]
            for s in cmd["subcommands"]:
                walk(s)
        for cmd in fixture["commands"]:
            walk(cmd)
        self.assertEqual(live, expected)
        ref.stop()

    def test_our_categories(self):
        fixture = load_fixture()
        reference = {}

        def walk(cmd):
            reference[cmd["name"]] = cmd["acl_categories"]
            for s in cmd["subcommands"]:
                walk(s)
        for cmd in fixture["commands"]:
            walk(cmd)
        self.server(OURS, "ours").start()
        with rcs.Resp(OURS) as c:
            ours = categories_by_name(c.call("COMMAND")[1])
            # COMMAND INFO of subcommands by full name gives the same as COMMAND's nested entries.
            info = categories_by_name(c.call("COMMAND", "INFO", "client|kill", "config|get", "get")[1])
            self.assertEqual(info["client|kill"], ours["client|kill"])
            shared = sorted(set(ours) & set(reference))
            self.assertGreater(len(shared), 200)
            mismatched = {n: (ours[n], reference[n]) for n in shared if ours[n] != reference[n]}
            self.assertEqual(mismatched, {}, "categories (ours, reference) differ")
            extra = sorted(set(ours) - set(reference))
            if extra:
                print("commands the reference does not have (categories derived from flags): %s" % extra)
            self.assertEqual(c.call("ACL", "CAT")[1], fixture["acl_cat"])
            for cat, members in fixture["acl_cat_members"].items():
                got = c.call("ACL", "CAT", cat)[1]
                self.assertEqual(len(got), len(set(got)), "duplicates in ACL CAT %s" % cat)
                want = sorted((set(members) & set(ours)) | {n for n in extra if cat in ours[n]})
                self.assertEqual(sorted(got), want, "ACL CAT %s" % cat)
            self.assertEqual(c.call("ACL", "CAT", "nosuch"), ("-", "ERR Unknown category 'nosuch'"))
            self.assertEqual(c.call("ACL", "CAT", "a", "b")[0], "-")


if __name__ == "__main__":
    rcs.run_tests()
