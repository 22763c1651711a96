// The ACL model (server/acl.h) without a server: rules, descriptions and permission checks against the full
// command table. Expected texts are redis-server 7.0.15's for the same rules (the order of single-command
// rules after the categories follows each server's command table walk, which in Redis is a randomly seeded
// hash order, so those lists are compared as sets in the differential test, here as our order).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/sha.h"
#include "commands/families.h"
#include "server/acl.h"
#include "server/acl_categories.h"

using namespace rcs;

namespace {

const CommandRegistry& Registry() {
  static CommandRegistry* reg = [] {
    auto* r = new CommandRegistry;
    RegisterAllCommands(*r);
    return r;
  }();
  return *reg;
}

std::string Set(AclUsers& users, std::string_view name, std::vector<std::string_view> rules) {
  std::string error;
  return users.SetUser(Registry(), name, rules, &error) ? "OK" : error;
}

std::string List(AclUsers& users, std::string_view name) { return users.Find(name)->Describe(Registry()); }

AclResult Check(const AclUser& u, std::vector<std::string_view> argv, int* pos = nullptr) {
  const CommandSpec* spec = Registry().Resolve(argv);
  REQUIRE(spec != nullptr);
  int p = 0;
  AclResult r = u.CheckCommand(*spec, argv, &p);
  if (pos) *pos = p;
  return r;
}

}  // namespace

TEST_CASE("acl: categories come from the reference's table") {
  const CommandSpec* get = Registry().Find("get");
  REQUIRE(get != nullptr);
  CHECK(get->acl_categories == ((1u << AclCategoryIndex("read")) | (1u << AclCategoryIndex("string")) |
                                (1u << AclCategoryIndex("fast"))));
  const CommandSpec* kill = Registry().FindFull("client|kill");
  REQUIRE(kill != nullptr);
  CHECK((kill->acl_categories & (1u << AclCategoryIndex("dangerous"))) != 0);
  CHECK(AclCategoryIndex("SortedSet") == AclCategoryIndex("sortedset"));
  CHECK(AclCategoryIndex("all") == -1);
  // Ids are dense and unique over commands and subcommands.
  for (uint32_t id = 0; id < Registry().command_id_count(); id++) CHECK(Registry().ById(id)->id == id);
  CHECK(Registry().command_id_count() < kAclFutureBit);
}

TEST_CASE("acl: the default user") {
  AclUsers users;
  CHECK(List(users, "default") == "on nopass ~* &* +@all");
  CHECK(users.default_user()->unrestricted());
  CHECK(users.default_user()->CheckPassword("anything"));
  CHECK(Set(users, "default", {"resetpass", ">secret"}) == "OK");
  CHECK(List(users, "default") == "on #" + Sha256Hex("secret") + " ~* &* +@all");
  CHECK(users.default_user()->CheckPassword("secret"));
  CHECK_FALSE(users.default_user()->CheckPassword("secreT"));
  CHECK_FALSE(users.Delete("default"));
}

TEST_CASE("acl: rule errors are redis-server's") {
  AclUsers users;
  CHECK(Set(users, "u", {"foo"}) == "ERR Error in ACL SETUSER modifier 'foo': Syntax error");
  CHECK(Set(users, "u", {"+nosuch"}) ==
        "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  CHECK(Set(users, "u", {"+@nosuch"}) ==
        "ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL");
  CHECK(Set(users, "u", {"+get|x|y"}) ==
        "ERR Error in ACL SETUSER modifier '+get|x|y': Unknown command or category name in ACL");
  CHECK(Set(users, "u", {"+config|get|x"}) ==
        "ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported");
  CHECK(Set(users, "u", {"+client|nosuch"}) ==
        "ERR Error in ACL SETUSER modifier '+client|nosuch': Unknown command or category name in ACL");
  CHECK(Set(users, "u", {"+get|"}) == "ERR Error in ACL SETUSER modifier '+get|': Syntax error");
  CHECK(Set(users, "u", {"#abc"}) ==
        "ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain "
        "only lowercase hexadecimal characters");
  CHECK(Set(users, "u", {"<nopass"}) ==
        "ERR Error in ACL SETUSER modifier '<nopass': The password you are trying to remove from the user does not "
        "exist");
  CHECK(Set(users, "u", {"%X~foo"}) == "ERR Error in ACL SETUSER modifier '%X~foo': Syntax error");
  CHECK(Set(users, "u", {"%RR~k"}) == "ERR Error in ACL SETUSER modifier '%RR~k': Syntax error");
  CHECK(Set(users, "u", {"(~foo"}) == "ERR Unmatched parenthesis in acl selector starting at '(~foo'.");
  CHECK(Set(users, "u", {"~foo", ")"}) == "ERR Error in ACL SETUSER modifier ')': Syntax error");
  CHECK(Set(users, "u", {"allkeys", "~x"}) ==
        "ERR Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the 'allkeys' flag) is not "
        "valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
  CHECK(Set(users, "u", {"(~foo", "+nosuch)"}) ==
        "ERR Error in ACL SETUSER modifier '(~foo +nosuch)': Unknown command or category name in ACL");
  CHECK(Set(users, "bad name", {"on"}) == "ERR Usernames can't contain spaces or null characters");
  // A failed SETUSER changes nothing, not even creating the user.
  CHECK(users.Find("u") == nullptr);
  CHECK(Set(users, "u", {"on", "+get", "+nosuch"}) != "OK");
  CHECK(users.Find("u") == nullptr);
}

TEST_CASE("acl: descriptions") {
  AclUsers users;
  CHECK(Set(users, "t1", {"on", ">p1", "~a*", "%R~b*", "&ch*", "+get", "+@hash", "-hset", "+select|0",
                          "(~x* +set)"}) == "OK");
  CHECK(List(users, "t1") == "on #" + Sha256Hex("p1") +
                                 " ~a* %R~b* resetchannels &ch* -@all +@hash +select|0 +get -hset "
                                 "(~x* resetchannels -@all +set)");
  CHECK(Set(users, "t2", {"+@all", "-@dangerous", "+config|get"}) == "OK");
  CHECK(List(users, "t2") == "off resetchannels +@all -@dangerous +config|get");
  CHECK(Set(users, "t3", {"-@all", "+@read", "-get", "+@string"}) == "OK");
  CHECK(List(users, "t3") == "off resetchannels -@all +@read +@string");
  CHECK(Set(users, "u1", {"%R", "%RW~k", "%W~k", "&*"}) == "OK");
  CHECK(List(users, "u1") == "off %R~ ~k &* -@all");
  CHECK(Set(users, "z", {"(", ")", "nopass", ">a"}) == "OK");
  CHECK(List(users, "z") == "off #" + Sha256Hex("a") + " resetchannels -@all (resetchannels -@all)");
  CHECK(Set(users, "z", {"clearselectors", "reset"}) == "OK");
  CHECK(List(users, "z") == "off sanitize-payload resetchannels -@all");
}

TEST_CASE("acl: passwords") {
  AclUsers users;
  CHECK(Set(users, "p", {"on", ">one", ">two", "#" + Sha256Hex("three")}) == "OK");
  const AclUser* u = users.Find("p");
  CHECK(u->CheckPassword("one"));
  CHECK(u->CheckPassword("two"));
  CHECK(u->CheckPassword("three"));
  CHECK_FALSE(u->CheckPassword(""));
  CHECK(Set(users, "p", {"<one", "!" + Sha256Hex("three")}) == "OK");
  CHECK_FALSE(u->CheckPassword("one"));
  CHECK_FALSE(u->CheckPassword("three"));
  CHECK(u->CheckPassword("two"));
  CHECK(Set(users, "p", {"off"}) == "OK");
  CHECK_FALSE(u->CheckPassword("two"));
  CHECK(Set(users, "p", {"on", "nopass"}) == "OK");
  CHECK(u->CheckPassword("whatever"));
  CHECK(u->password_hashes().empty());
}

TEST_CASE("acl: command, key and channel checks") {
  AclUsers users;
  CHECK(Set(users, "k", {"on", "nopass", "%R~r*", "%W~w*", "~a*", "&ch", "+@all", "-flushall", "-@dangerous",
                         "+select|0"}) == "OK");
  const AclUser& u = *users.Find("k");
  CHECK_FALSE(u.unrestricted());
  int pos = 0;
  CHECK(Check(u, {"get", "r1"}) == kAclOk);
  CHECK(Check(u, {"get", "w1"}, &pos) == kAclDeniedKey);
  CHECK(pos == 1);
  CHECK(Check(u, {"get", "a1"}) == kAclOk);
  CHECK(Check(u, {"set", "w1", "v"}) == kAclOk);  // SET without GET only writes
  CHECK(Check(u, {"set", "w1", "v", "GET"}) == kAclDeniedKey);
  CHECK(Check(u, {"set", "r1", "v"}) == kAclDeniedKey);
  CHECK(Check(u, {"copy", "r1", "w1"}) == kAclOk);
  CHECK(Check(u, {"copy", "w1", "r1"}) == kAclDeniedKey);
  CHECK(Check(u, {"lmove", "r1", "w1", "left", "left"}) == kAclDeniedKey);
  CHECK(Check(u, {"lmove", "a1", "w1", "left", "left"}) == kAclOk);
  CHECK(Check(u, {"mset", "w1", "v", "a2", "v", "r3", "v"}, &pos) == kAclDeniedKey);
  CHECK(pos == 5);
  CHECK(Check(u, {"flushall"}) == kAclDeniedCmd);
  CHECK(Check(u, {"select", "0"}) == kAclOk);
  CHECK(Check(u, {"select", "1"}) == kAclOk);  // select is not @dangerous
  CHECK(Check(u, {"publish", "ch", "m"}) == kAclOk);
  CHECK(Check(u, {"publish", "x", "m"}) == kAclDeniedChannel);
  CHECK(Check(u, {"subscribe", "ch", "x"}, &pos) == kAclDeniedChannel);
  CHECK(pos == 2);
  CHECK(Check(u, {"psubscribe", "c*"}) == kAclDeniedChannel);
  CHECK(Check(u, {"auth", "x"}) == kAclOk);  // no-auth commands are never denied
  CHECK(Set(users, "s", {"on", "-@all", "+select|0", "+client|id", "(+get ~x*)"}) == "OK");
  const AclUser& s = *users.Find("s");
  CHECK(Check(s, {"select", "0"}) == kAclOk);
  CHECK(Check(s, {"select", "1"}) == kAclDeniedCmd);
  CHECK(Check(s, {"client", "id"}) == kAclOk);
  CHECK(Check(s, {"client", "kill", "x"}) == kAclDeniedCmd);
  CHECK(Check(s, {"get", "x1"}) == kAclOk);      // the selector allows it
  CHECK(Check(s, {"get", "y1"}) == kAclDeniedKey);  // the most relevant denial: the selector's key
  CHECK(s.CheckKey("x1", kAclKeyRead));
  CHECK_FALSE(s.CheckKey("y1", kAclKeyRead));
}

TEST_CASE("acl: selector arguments merge") {
  std::vector<std::string> out;
  size_t bad = 99;
  CHECK(AclMergeSelectorArgs({"on", "(~a", "+get", "x)", "off"}, &out, &bad));
  CHECK(out == std::vector<std::string>{"on", "(~a +get x)", "off"});
  CHECK_FALSE(AclMergeSelectorArgs({"on", "(~a", "+get"}, &out, &bad));
  CHECK(bad == 1);
}

// ---- Through the dispatcher (in-process node) ----

#include "harness.h"

using rcs::test::TestNode;

TEST_CASE("acl: AUTH, NOPERM and the log through the dispatcher") {
  TestNode n;
  CHECK(n.Do({"ACL", "SETUSER", "app", "on", ">pw", "~app:*", "&news", "+@all", "-flushall"}) == "OK");
  Client* c = n.NewClient();
  n.Send(c, {"ACL", "WHOAMI"});
  CHECK(n.Take(c) == "\"default\"");
  n.Send(c, {"AUTH", "app", "bad"});
  CHECK(n.Take(c) == "(error) WRONGPASS invalid username-password pair or user is disabled.");
  n.Send(c, {"AUTH", "app", "pw"});
  n.Send(c, {"SET", "app:1", "v"});
  n.Send(c, {"SET", "other", "v"});
  n.Send(c, {"FLUSHALL"});
  n.Send(c, {"PUBLISH", "sports", "m"});
  CHECK(n.Take(c) ==
        "OK | OK | (error) NOPERM this user has no permissions to access one of the keys used as arguments | "
        "(error) NOPERM this user has no permissions to run the 'flushall' command | "
        "(error) NOPERM this user has no permissions to access one of the channels used as arguments");
  // Inside MULTI the refusal is at queue time and EXEC aborts.
  n.Send(c, {"MULTI"});
  n.Send(c, {"GET", "app:1"});
  n.Send(c, {"GET", "other"});
  n.Send(c, {"EXEC"});
  CHECK(n.Take(c) ==
        "OK | QUEUED | (error) NOPERM this user has no permissions to access one of the keys used as arguments | "
        "(error) EXECABORT Transaction discarded because of previous errors.");
  // Rules changed between queueing and EXEC.
  n.Send(c, {"MULTI"});
  n.Send(c, {"GET", "app:1"});
  CHECK(n.Do({"ACL", "SETUSER", "app", "resetkeys", "~x:*"}) == "OK");
  n.Send(c, {"EXEC"});
  CHECK(n.Take(c) ==
        "OK | QUEUED | [(error) NOPERM ACLs rules changed between the moment the transaction was accumulated and "
        "the EXEC call. This command is no longer allowed for the following reason: no permission to touch the "
        "specified keys]");
  std::string log = n.Do({"ACL", "LOG"});
  CHECK(log.find("\"reason\", \"key\", \"context\", \"multi\", \"object\", \"app:1\", \"username\", \"app\"") !=
        std::string::npos);
  CHECK(log.find("\"reason\", \"auth\", \"context\", \"toplevel\", \"object\", \"AUTH\", \"username\", \"app\"") !=
        std::string::npos);
  std::string info = n.Do({"INFO", "stats"});
  CHECK(info.find("acl_access_denied_auth:1") != std::string::npos);
  CHECK(info.find("acl_access_denied_cmd:1") != std::string::npos);
  CHECK(info.find("acl_access_denied_channel:1") != std::string::npos);
  CHECK(n.Do({"ACL", "LOG", "RESET"}) == "OK");
  CHECK(n.Do({"ACL", "LOG"}) == "[]");
  // Deleting the user disconnects its clients.
  CHECK(n.Do({"ACL", "DELUSER", "app"}) == "(integer) 1");
  CHECK(c->has(kClientCloseAsap));
}

TEST_CASE("acl: requirepass is the default user's password") {
  TestNode n({{"requirepass", "secret"}});
  CHECK(n.Do({"AUTH", "secret"}) == "OK");
  CHECK(n.Do({"ACL", "LIST"}) == "[\"user default on #" + Sha256Hex("secret") + " ~* &* +@all\"]");
  Client* c = n.NewClient();
  n.Send(c, {"GET", "x"});
  n.Send(c, {"AUTH", "secret"});
  n.Send(c, {"GET", "x"});
  CHECK(n.Take(c) == "(error) NOAUTH Authentication required. | OK | (nil)");
  CHECK(n.Do({"CONFIG", "SET", "requirepass", ""}) == "OK");
  CHECK(n.Do({"ACL", "LIST"}) == "[\"user default on nopass ~* &* +@all\"]");
  CHECK(n.Do({"AUTH", "x"}).find("(error) ERR AUTH <password> called without any password") == 0);
}

namespace {

// COMMAND GETKEYSANDFLAGS's flag names for the key at argv[pos].
std::string KeyFlags(std::vector<std::string_view> argv, int pos) {
  const CommandSpec* spec = Registry().Resolve(argv);
  REQUIRE(spec != nullptr);
  int spec_no = 0;
  uint16_t flags = KeySpecFlagsAt(*spec, argv, pos, &spec_no);
  std::string out;
  for (int b = 0; b < 11; b++) {
    if (flags & (1u << b)) out += std::string(out.empty() ? "" : " ") + kKeySpecFlagNames[b];
  }
  return out + " #" + std::to_string(spec_no);
}

}  // namespace

TEST_CASE("key spec flags as redis-server 7.0.15's COMMAND GETKEYSANDFLAGS gives them") {
  CHECK(KeyFlags({"get", "k"}, 1) == "RO access #0");
  CHECK(KeyFlags({"lmove", "a", "b", "left", "right"}, 1) == "RW access delete #0");
  CHECK(KeyFlags({"lmove", "a", "b", "left", "right"}, 2) == "RW insert #1");
  CHECK(KeyFlags({"zunionstore", "d", "2", "a", "b"}, 1) == "OW update #0");
  CHECK(KeyFlags({"zunionstore", "d", "2", "a", "b"}, 4) == "RO access #1");
  CHECK(KeyFlags({"georadius", "k", "1", "1", "1", "m", "store", "s"}, 7) == "OW update #1");
  // The getkeys procedures' flags: SET (GET reads), BITFIELD (GET only reads), SORT's STORE, MIGRATE.
  CHECK(KeyFlags({"set", "k", "v"}, 1) == "OW update #0");
  CHECK(KeyFlags({"set", "k", "v", "get"}, 1) == "RW access update #0");
  CHECK(KeyFlags({"bitfield", "k", "get", "u8", "0"}, 1) == "RO access #0");
  CHECK(KeyFlags({"bitfield", "k", "incrby", "u8", "0", "1"}, 1) == "RW access update #0");
  CHECK(KeyFlags({"sort", "k", "store", "d"}, 3) == "OW update #1");
  CHECK(KeyFlags({"migrate", "h", "1", "", "0", "10", "keys", "a"}, 7) == "RW access delete #0");
}
