// List commands, blocking pops and the list value type. Expected replies were taken from Debian's
// redis-server 7.0.15 (same commands, same order).
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/list_value.h"
#include "keyspace/serialize.h"

using rcs::ListValue;
using rcs::test::TestNode;

namespace {

using rcs::test::PropagationLog;

std::string Elements(const ListValue& l) {
  std::string s;
  for (auto it = l.Begin(); it.valid(); it.Next()) s += std::string(it.value()) + ",";
  return s;
}

}  // namespace

TEST_CASE("ListValue: matches a deque model under random operations") {
  std::mt19937 rng(7);
  auto rand_str = [&]() {
    int k = static_cast<int>(rng() % 100);
    size_t len = k < 60 ? rng() % 8 : k < 90 ? rng() % 200 : k < 98 ? rng() % 3000 : 9000 + rng() % 9000;
    std::string s(len, 'a');
    for (auto& c : s) c = static_cast<char>('a' + rng() % 3);
    return s;
  };
  ListValue l;
  std::deque<std::string> m;
  for (int op = 0; op < 6000; op++) {
    int c = static_cast<int>(rng() % 11);
    std::string v = rng() % 4 == 0 ? std::string(1, static_cast<char>('a' + rng() % 3)) : rand_str();
    if (c <= 1) {
      l.PushFront(v);
      m.push_front(v);
    } else if (c <= 3) {
      l.PushBack(v);
      m.push_back(v);
    } else if (c == 4 && !m.empty()) {
      std::string out;
      l.PopFront(&out);
      CHECK(out == m.front());
      m.pop_front();
    } else if (c == 5 && !m.empty()) {
      std::string out;
      l.PopBack(&out);
      CHECK(out == m.back());
      m.pop_back();
    } else if (c == 6 && !m.empty()) {
      size_t i = rng() % m.size();
      CHECK(l.At(i) == m[i]);
    } else if (c == 7 && !m.empty()) {
      size_t i = rng() % m.size();
      l.Set(i, v);
      m[i] = v;
    } else if (c == 8 && !m.empty()) {
      size_t i = rng() % m.size();
      bool after = rng() % 2 == 1;
      l.InsertAt(l.Seek(i), after, v);
      m.insert(m.begin() + static_cast<long>(i + (after ? 1 : 0)), v);
    } else if (c == 9 && rng() % 4 == 0) {
      std::string x(1, static_cast<char>('a' + rng() % 3));
      int64_t count = static_cast<int64_t>(rng() % 7) - 3;
      size_t removed = l.RemoveEqual(x, count), expect = 0;
      if (count >= 0) {
        for (size_t i = 0; i < m.size();) {
          if (m[i] == x && (count == 0 || expect < static_cast<size_t>(count))) {
            m.erase(m.begin() + static_cast<long>(i));
            expect++;
          } else {
            i++;
          }
        }
      } else {
        for (size_t i = m.size(); i-- > 0;) {
          if (m[i] == x && expect < static_cast<size_t>(-count)) {
            m.erase(m.begin() + static_cast<long>(i));
            expect++;
          }
        }
      }
      CHECK(removed == expect);
    } else if (c == 10 && !m.empty() && rng() % 5 == 0) {
      size_t a = rng() % (m.size() + 1), b = rng() % (m.size() - a + 1);
      l.DropFront(a);
      l.DropBack(b);
      m.erase(m.begin(), m.begin() + static_cast<long>(a));
      m.erase(m.end() - static_cast<long>(b), m.end());
    }
    REQUIRE(l.size() == m.size());
    REQUIRE(l.CheckInvariants());
  }
  size_t i = 0;
  for (auto it = l.Begin(); it.valid(); it.Next(), i++) CHECK(it.value() == m[i]);
  CHECK(i == m.size());
  for (auto it = l.Last(); it.valid(); it.Prev()) CHECK(it.value() == m[--i]);
  CHECK(i == 0);
}

TEST_CASE("ListValue: chunked layout, encoding, memory, clone, serialize, rebuild commands") {
  ListValue l;
  for (int i = 0; i < 100000; i++) l.PushBack(std::to_string(i));
  CHECK(std::string(l.encoding()) == "quicklist");
  CHECK(l.node_count() > 10);                            // chunked
  CHECK(l.MemoryUsage() < 100000 * 10);                  // ~7 bytes per short element, plus node headers
  CHECK(l.At(0) == "0");
  CHECK(l.At(54321) == "54321");
  CHECK(l.At(99999) == "99999");

  auto copy = l.Clone();
  auto* cl = static_cast<ListValue*>(copy.get());
  cl->PopFront(nullptr);
  CHECK(l.size() == 100000);
  CHECK(cl->size() == 99999);
  CHECK(cl->At(0) == "1");

  std::string body;
  l.Serialize(&body);
  auto back = ListValue::Deserialize(body);
  REQUIRE(back.ok());
  auto* bl = static_cast<ListValue*>(back.value().get());
  CHECK(bl->size() == 100000);
  CHECK(bl->At(77777) == "77777");
  CHECK(bl->CheckInvariants());
  // Through DeserializeObject too (the keyspace's dispatch by type).
  auto via_dispatch = rcs::DeserializeObject(rcs::ObjType::kList, body);
  REQUIRE(via_dispatch.ok());
  CHECK(via_dispatch.value()->size() == 100000);

  // Malformed bodies are errors, never crashes.
  CHECK(!ListValue::Deserialize("").ok());
  CHECK(!ListValue::Deserialize(std::string("\x00", 1)).ok());       // zero elements
  CHECK(!ListValue::Deserialize("\x02\x01" "a").ok());                // count says 2, one element
  CHECK(!ListValue::Deserialize("\x01\x05" "ab").ok());               // element shorter than its length
  CHECK(!ListValue::Deserialize("\x01\x01" "ab").ok());               // trailing bytes
  CHECK(!ListValue::Deserialize("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff").ok());

  std::vector<size_t> batch_sizes;
  std::string first_cmd;
  ListValue small;
  for (int i = 0; i < 130; i++) small.PushBack("e" + std::to_string(i));
  small.EmitRebuildCommands("k", [&](const std::vector<std::string_view>& argv) {
    batch_sizes.push_back(argv.size() - 2);
    if (first_cmd.empty()) first_cmd = std::string(argv[0]) + " " + std::string(argv[1]) + " " + std::string(argv[2]);
  });
  CHECK(batch_sizes == std::vector<size_t>{64, 64, 2});
  CHECK(first_cmd == "RPUSH k e0");

  // Elements larger than a node get a node of their own and still work at both ends and in the middle.
  ListValue big;
  std::string huge(20000, 'x');
  big.PushBack("a");
  big.PushBack(huge);
  big.PushFront(huge + "y");
  big.InsertAt(big.Seek(1), true, "mid");
  CHECK(Elements(big).size() == huge.size() * 2 + 1 + std::string(",a,mid,,").size());
  CHECK(big.At(1) == "a");
  CHECK(big.At(2) == "mid");
  CHECK(big.At(3) == huge);
  big.Set(1, huge);
  CHECK(big.At(1) == huge);
  CHECK(big.CheckInvariants());
}

TEST_CASE("LPUSH RPUSH LPUSHX RPUSHX LLEN") {
  TestNode n;
  CHECK(n.Do("LPUSH l a b c") == "(integer) 3");
  CHECK(n.Do("RPUSH l d e") == "(integer) 5");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"c\", \"b\", \"a\", \"d\", \"e\"]");
  CHECK(n.Do("LLEN l") == "(integer) 5");
  CHECK(n.Do("LLEN nokey") == "(integer) 0");
  CHECK(n.Do("LPUSHX nokey a") == "(integer) 0");
  CHECK(n.Do("RPUSHX nokey a") == "(integer) 0");
  CHECK(n.db().Find("nokey") == nullptr);
  CHECK(n.Do("LPUSHX l 1 2 3") == "(integer) 8");
  CHECK(n.Do("RPUSHX l 4 5") == "(integer) 10");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"3\", \"2\", \"1\", \"c\", \"b\", \"a\", \"d\", \"e\", \"4\", \"5\"]");
  CHECK(n.Do("LPUSH l") == "(error) ERR wrong number of arguments for 'lpush' command");
  CHECK(n.Do("RPUSHX l") == "(error) ERR wrong number of arguments for 'rpushx' command");
  CHECK(n.Do("LLEN") == "(error) ERR wrong number of arguments for 'llen' command");
  n.db().SetString("s", "v");
  for (const char* c : {"LPUSH s a", "RPUSH s a", "LPUSHX s a", "RPUSHX s a", "LLEN s"}) {
    CHECK(n.Do(c) == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  }
  CHECK(n.db().Find("l")->obj()->encoding() == std::string("quicklist"));
  // Binary-safe elements.
  CHECK(n.Do(std::vector<std::string>{"RPUSH", "bin", std::string("a\0b\r\n", 5), ""}) == "(integer) 2");
  CHECK(n.Raw({"LRANGE", "bin", "0", "-1"}) == std::string("*2\r\n$5\r\na\0b\r\n\r\n$0\r\n\r\n", 21));
}

TEST_CASE("LPOP RPOP with and without count, RESP2 and RESP3 nulls") {
  TestNode n;
  CHECK(n.Raw({"LPOP", "nokey"}) == "$-1\r\n");
  CHECK(n.Raw({"LPOP", "nokey", "2"}) == "*-1\r\n");
  CHECK(n.Raw({"LPOP", "nokey", "0"}) == "*-1\r\n");
  CHECK(n.Do("LPOP nokey abc") == "(error) ERR value is out of range, must be positive");
  CHECK(n.Do("LPOP nokey -1") == "(error) ERR value is out of range, must be positive");
  CHECK(n.Do("RPUSH l a b c d e") == "(integer) 5");
  CHECK(n.Raw({"LPOP", "l", "0"}) == "*0\r\n");
  CHECK(n.Do("LPOP l 1 2") == "(error) ERR wrong number of arguments for 'lpop' command");
  CHECK(n.Do("LPOP l") == "\"a\"");
  CHECK(n.Do("RPOP l") == "\"e\"");
  CHECK(n.Do("RPOP l 2") == "[\"d\", \"c\"]");
  CHECK(n.Do("LPOP l 10") == "[\"b\"]");
  CHECK(n.db().Find("l") == nullptr);  // emptied lists are deleted
  n.db().SetString("s", "v");
  CHECK(n.Do("LPOP s") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("RPOP s 1") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("HELLO 3").find("{") == 0);
  CHECK(n.Raw({"LPOP", "nokey"}) == "_\r\n");
  CHECK(n.Raw({"RPOP", "nokey", "2"}) == "_\r\n");
  n.Do("RPUSH l x");
  CHECK(n.Raw({"RPOP", "l", "3"}) == "*1\r\n$1\r\nx\r\n");
}

TEST_CASE("LINDEX LRANGE argument order, ranges and errors") {
  TestNode n;
  CHECK(n.Do("LINDEX nokey abc") == "(nil)");  // key looked up before the index is parsed
  CHECK(n.Do("LRANGE nokey a b") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LRANGE nokey 0 -1") == "[]");
  n.Do("RPUSH l a b c a b c a");
  CHECK(n.Do("LINDEX l abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LINDEX l 1") == "\"b\"");
  CHECK(n.Do("LINDEX l -1") == "\"a\"");
  CHECK(n.Do("LINDEX l 7") == "(nil)");
  CHECK(n.Do("LINDEX l -8") == "(nil)");
  CHECK(n.Do("LINDEX l 9223372036854775807") == "(nil)");
  CHECK(n.Do("LINDEX l -9223372036854775808") == "(nil)");
  CHECK(n.Raw({"LINDEX", "l", "99"}) == "$-1\r\n");
  CHECK(n.Do("LRANGE l -100 100") == "[\"a\", \"b\", \"c\", \"a\", \"b\", \"c\", \"a\"]");
  CHECK(n.Do("LRANGE l 5 2") == "[]");
  CHECK(n.Do("LRANGE l -2 -1") == "[\"c\", \"a\"]");
  CHECK(n.Do("LRANGE l 9223372036854775807 -9223372036854775808") == "[]");
  CHECK(n.Do("LRANGE l -9223372036854775808 9223372036854775807") == n.Do("LRANGE l 0 -1"));
  CHECK(n.Do("LRANGE l 6 100") == "[\"a\"]");
  n.db().SetString("s", "v");
  CHECK(n.Do("LINDEX s abc") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("LRANGE s 0 -1") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("LRANGE s a 1") == "(error) ERR value is not an integer or out of range");
}

TEST_CASE("LSET LINSERT LREM LTRIM") {
  TestNode n;
  CHECK(n.Do("LSET nokey a b") == "(error) ERR no such key");
  CHECK(n.Do("LREM nokey a b") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LREM nokey 0 a") == "(integer) 0");
  CHECK(n.Do("LTRIM nokey a 1") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LTRIM nokey 0 1") == "OK");
  CHECK(n.Do("LINSERT nokey middle a b") == "(error) ERR syntax error");
  CHECK(n.Do("LINSERT nokey before a b") == "(integer) 0");
  n.db().SetString("s", "v");
  const std::string wrongtype = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  CHECK(n.Do("LSET s a b") == wrongtype);
  CHECK(n.Do("LREM s 0 a") == wrongtype);
  CHECK(n.Do("LTRIM s 0 1") == wrongtype);
  CHECK(n.Do("LINSERT s before a b") == wrongtype);

  n.Do("RPUSH l a b c");
  CHECK(n.Do("LSET l a b") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LSET l 10 b") == "(error) ERR index out of range");
  CHECK(n.Do("LSET l 9223372036854775807 z") == "(error) ERR index out of range");
  CHECK(n.Do("LSET l -1 z") == "OK");
  CHECK(n.Do("LSET l 0 longer-value") == "OK");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"longer-value\", \"b\", \"z\"]");
  CHECK(n.Do("LINSERT l before zz x") == "(integer) -1");
  CHECK(n.Do("LINSERT l AFTER z y") == "(integer) 4");
  CHECK(n.Do("LINSERT l BeFoRe b x") == "(integer) 5");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"longer-value\", \"x\", \"b\", \"z\", \"y\"]");

  n.db().Delete("l");
  n.Do("RPUSH l a b a c a b a");
  CHECK(n.Do("LREM l x a") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LREM l 0 zz") == "(integer) 0");
  CHECK(n.Do("LREM l 2 a") == "(integer) 2");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"b\", \"c\", \"a\", \"b\", \"a\"]");
  CHECK(n.Do("LREM l -1 b") == "(integer) 1");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"b\", \"c\", \"a\", \"a\"]");
  CHECK(n.Do("LREM l -9223372036854775808 a") == "(integer) 2");  // "all, from the tail"
  CHECK(n.Do("LREM l 0 b") == "(integer) 1");
  CHECK(n.Do("LREM l 0 c") == "(integer) 1");
  CHECK(n.db().Find("l") == nullptr);

  n.Do("RPUSH l a b c a b c a");
  CHECK(n.Do("LTRIM l 1 -2") == "OK");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"b\", \"c\", \"a\", \"b\", \"c\"]");
  CHECK(n.Do("LTRIM l -9223372036854775808 9223372036854775807") == "OK");
  CHECK(n.Do("LLEN l") == "(integer) 5");
  CHECK(n.Do("LTRIM l -2 100") == "OK");
  CHECK(n.Do("LRANGE l 0 -1") == "[\"b\", \"c\"]");
  CHECK(n.Do("LTRIM l 5 2") == "OK");
  CHECK(n.db().Find("l") == nullptr);
}

TEST_CASE("LPOS with RANK COUNT MAXLEN") {
  TestNode n;
  CHECK(n.Do("LPOS nokey a") == "(nil)");
  CHECK(n.Do("LPOS nokey a COUNT 0") == "[]");
  CHECK(n.Do("LPOS nokey a RANK 0") ==
        "(error) ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
        "negative to start from the end of the list");
  CHECK(n.Do("LPOS nokey a RANK abc") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("LPOS nokey a COUNT -1") == "(error) ERR COUNT can't be negative");
  CHECK(n.Do("LPOS nokey a COUNT abc") == "(error) ERR COUNT can't be negative");
  CHECK(n.Do("LPOS nokey a MAXLEN -1") == "(error) ERR MAXLEN can't be negative");
  CHECK(n.Do("LPOS nokey a MAXLEN abc") == "(error) ERR MAXLEN can't be negative");
  CHECK(n.Do("LPOS nokey a foo") == "(error) ERR syntax error");
  CHECK(n.Do("LPOS nokey a RANK") == "(error) ERR syntax error");
  n.db().SetString("s", "v");
  CHECK(n.Do("LPOS s a") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  n.Do("RPUSH l a b c a b c a");
  CHECK(n.Do("LPOS l a") == "(integer) 0");
  CHECK(n.Do("LPOS l zz") == "(nil)");
  CHECK(n.Do("LPOS l c RANK -1") == "(integer) 5");
  CHECK(n.Do("LPOS l a RANK 2") == "(integer) 3");
  CHECK(n.Do("LPOS l a COUNT 0") == "[(integer) 0, (integer) 3, (integer) 6]");
  CHECK(n.Do("LPOS l a COUNT 2 RANK -1") == "[(integer) 6, (integer) 3]");
  CHECK(n.Do("LPOS l a COUNT 0 MAXLEN 4") == "[(integer) 0, (integer) 3]");
  CHECK(n.Do("LPOS l a MAXLEN 1 RANK 2") == "(nil)");
  CHECK(n.Do("LPOS l a RANK 2 RANK 3") == "(integer) 6");
  CHECK(n.Do("LPOS l a COUNT 1 COUNT 0") == "[(integer) 0, (integer) 3, (integer) 6]");
  CHECK(n.Do("LPOS l a RANK 1 COUNT 1 MAXLEN 0") == "[(integer) 0]");
  CHECK(n.Do("LPOS l a RANK -9223372036854775807") == "(nil)");
  CHECK(n.Do("LPOS l a RANK 9223372036854775807") == "(nil)");
  // The rank that cannot be negated is refused, as Redis 7.2+ refuses it (7.0.15 negated it in a C long).
  CHECK(n.Do("LPOS l a RANK -9223372036854775808") ==
        "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  CHECK(n.Do("LPOS missing a RANK -9223372036854775808 COUNT 1") ==
        "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  CHECK(n.Do("LPOS l a RANK -2 COUNT 0 MAXLEN 3") == "[]");  // the last 3 hold one "a"
  n.Do("RPUSH l2 a b a c a");
  CHECK(n.Do("LPOS l2 a RANK -2 COUNT 0 MAXLEN 3") == "[(integer) 2]");
}

TEST_CASE("LMOVE RPOPLPUSH") {
  TestNode n;
  n.Do("RPUSH l 1 2 3");
  n.db().SetString("s", "v");
  const std::string wrongtype = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  CHECK(n.Do("LMOVE l l2 up right") == "(error) ERR syntax error");
  CHECK(n.Do("LMOVE l l2 left right") == "\"1\"");
  CHECK(n.Do("LMOVE l l2 LEFT LEFT") == "\"2\"");
  CHECK(n.Do("LRANGE l2 0 -1") == "[\"2\", \"1\"]");
  CHECK(n.Raw({"LMOVE", "nokey", "l2", "left", "right"}) == "$-1\r\n");
  CHECK(n.Do("LMOVE nokey s left right") == "(nil)");
  CHECK(n.Do("LMOVE l s left right") == wrongtype);
  CHECK(n.Do("LLEN l") == "(integer) 1");  // nothing popped when the destination is of the wrong type
  CHECK(n.Do("LMOVE s l left right") == wrongtype);
  n.Do("RPUSH r a b c");
  CHECK(n.Do("LMOVE r r right left") == "\"c\"");  // rotation
  CHECK(n.Do("LRANGE r 0 -1") == "[\"c\", \"a\", \"b\"]");
  n.Do("RPUSH one x");
  CHECK(n.Do("LMOVE one one left right") == "\"x\"");  // a single element moved onto itself
  CHECK(n.Do("LRANGE one 0 -1") == "[\"x\"]");
  CHECK(n.Do("RPOPLPUSH r r2") == "\"b\"");
  CHECK(n.Do("RPOPLPUSH nokey s") == "(nil)");
  CHECK(n.Do("RPOPLPUSH r s") == wrongtype);
  CHECK(n.Do("RPOPLPUSH l dst") == "\"3\"");
  CHECK(n.db().Find("l") == nullptr);
  CHECK(n.Do("LRANGE dst 0 -1") == "[\"3\"]");
}

TEST_CASE("LMPOP") {
  TestNode n;
  CHECK(n.Do("LMPOP 0 k left") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("LMPOP abc k left") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("LMPOP -1 a left") == "(error) ERR numkeys should be greater than 0");
  CHECK(n.Do("LMPOP 1 k") == "(error) ERR wrong number of arguments for 'lmpop' command");
  CHECK(n.Do("LMPOP 2 k left") == "(error) ERR syntax error");
  CHECK(n.Do("LMPOP 1 k up") == "(error) ERR syntax error");
  CHECK(n.Do("LMPOP 1 k left count 0") == "(error) ERR count should be greater than 0");
  CHECK(n.Do("LMPOP 1 k left count abc") == "(error) ERR count should be greater than 0");
  CHECK(n.Do("LMPOP 1 k left count 1 count 2") == "(error) ERR syntax error");
  CHECK(n.Do("LMPOP 1 k left foo") == "(error) ERR syntax error");
  CHECK(n.Raw({"LMPOP", "1", "k", "left"}) == "*-1\r\n");
  n.Do("RPUSH l a b c");
  n.db().SetString("s", "v");
  CHECK(n.Do("LMPOP 2 k l right count 2") == "[\"l\", [\"c\", \"b\"]]");
  CHECK(n.Do("LMPOP 2 k s right count 2") ==
        "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("LMPOP 2 s l right") == "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(n.Do("LMPOP 2 k l LEFT COUNT 9223372036854775807") == "[\"l\", [\"a\"]]");
  CHECK(n.db().Find("l") == nullptr);
  std::vector<int> keys;
  const rcs::CommandSpec* spec = n.server().commands().Find("lmpop");
  std::vector<std::string_view> argv = {"LMPOP", "2", "a", "b", "LEFT"};
  REQUIRE(spec->KeyIndices(argv, &keys));
  CHECK(keys == std::vector<int>{2, 3});
  const rcs::CommandSpec* bspec = n.server().commands().Find("blmpop");
  std::vector<std::string_view> bargv = {"BLMPOP", "0", "1", "a", "LEFT"};
  REQUIRE(bspec->KeyIndices(bargv, &keys));
  CHECK(keys == std::vector<int>{3});
  std::vector<std::string_view> bad = {"BLMPOP", "0", "5", "a", "LEFT"};
  CHECK(!bspec->KeyIndices(bad, &keys));
}

TEST_CASE("Blocking pops answer at once when an element is there; propagate as non-blocking") {
  TestNode n;
  PropagationLog log(n);
  n.Do("RPUSH l a b c");
  log.Take();
  CHECK(n.Do("BLPOP k l 0") == "[\"l\", \"a\"]");
  CHECK(log.Take() == "LPOP l");
  CHECK(n.Do("BRPOP l 1") == "[\"l\", \"c\"]");
  CHECK(log.Take() == "RPOP l");
  n.Do("RPUSH l x");
  log.Take();
  CHECK(n.Do("BLMOVE l d left right 0") == "\"b\"");
  CHECK(log.Take() == "LMOVE l d left right");
  CHECK(n.Do("BRPOPLPUSH l d 0") == "\"x\"");
  CHECK(log.Take() == "RPOPLPUSH l d");
  CHECK(n.Do("LRANGE d 0 -1") == "[\"x\", \"b\"]");
  CHECK(n.Do("BLMPOP 0 2 k d RIGHT COUNT 5") == "[\"d\", [\"b\", \"x\"]]");
  CHECK(log.Take() == "RPOP d 2");
  n.Do("RPUSH l 1 2");
  log.Take();
  CHECK(n.Do("LMPOP 1 l LEFT") == "[\"l\", [\"1\"]]");
  CHECK(log.Take() == "LPOP l 1");
  n.db().SetString("s", "v");
  const std::string wrongtype = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  CHECK(n.Do("BLPOP k s 0.01") == wrongtype);
  CHECK(n.Do("BLPOP s l 0.01") == wrongtype);
  CHECK(n.Do("BLPOP k l s 0.01") == "[\"l\", \"2\"]");  // served before reaching the wrong-type key
  CHECK(n.Do("BLMOVE s d left right 0") == wrongtype);
  n.Do("RPUSH l z");
  CHECK(n.Do("BLMOVE l s left right 0") == wrongtype);
  CHECK(n.Do("BLMOVE l d up right 0") == "(error) ERR syntax error");
}

TEST_CASE("Blocking timeouts: parsing as Redis 7.0") {
  TestNode n;
  const std::string not_float = "(error) ERR timeout is not a float or out of range";
  const std::string negative = "(error) ERR timeout is negative";
  CHECK(n.Do("BLPOP k abc") == not_float);
  CHECK(n.Do("BLPOP k nan") == not_float);
  CHECK(n.Do({"BLPOP", "k", " 1"}) == not_float);
  CHECK(n.Do({"BLPOP", "k", "1 "}) == not_float);
  CHECK(n.Do({"BLPOP", "k", ""}) == not_float);
  CHECK(n.Do("BLPOP k 1e99999") == not_float);   // overflow
  CHECK(n.Do("BLPOP k 1e-99999") == not_float);  // underflow to zero
  CHECK(n.Do("BLPOP k -1") == negative);
  CHECK(n.Do("BLPOP k inf") == negative);
  CHECK(n.Do("BLPOP k 1e300") == negative);
  CHECK(n.Do("BLPOP k 9223372036854775807") == negative);
  CHECK(n.Do("BRPOP k abc") == not_float);
  CHECK(n.Do("BLMOVE k d left right abc") == not_float);
  CHECK(n.Do("BRPOPLPUSH k d -5") == negative);
  CHECK(n.Do("BLMPOP abc 1 k left") == not_float);
  CHECK(n.Do("BLMPOP 0 0 k left") == "(error) ERR numkeys should be greater than 0");

  // Accepted forms block; milliseconds are rounded up (0.0009 s is 1 ms), tiny negatives round to 0 (forever).
  auto* c = n.NewClient();
  n.Send(c, {"BLPOP", "k", "0.0009"});
  CHECK(n.Take(c).empty());
  n.Advance(2);
  CHECK(n.Take(c) == "(nil)");
  n.Send(c, {"BLPOP", "k", "0x1p-20"});  // hex float, ~1 microsecond
  n.Advance(2);
  CHECK(n.Take(c) == "(nil)");
  n.Send(c, {"BLPOP", "k", "-0.0009"});
  n.Advance(100000);
  CHECK(n.Take(c).empty());  // still blocked: 0 is forever
  n.Do("RPUSH k v");
  CHECK(n.Take(c) == "[\"k\", \"v\"]");
}

TEST_CASE("BLPOP with two clients: served on push, timeout, propagation as LPOP") {
  TestNode n;
  PropagationLog log(n);
  auto* c = n.NewClient();
  n.Send(c, {"BLPOP", "a", "b", "5"});
  CHECK(n.Take(c).empty());
  CHECK(n.server().blocked_clients() == 1);
  CHECK(n.Do("RPUSH b x y") == "(integer) 2");
  CHECK(n.Take(c) == "[\"b\", \"x\"]");
  CHECK(n.server().blocked_clients() == 0);
  CHECK(log.Take() == "RPUSH b x y | LPOP b");
  CHECK(n.Do("LRANGE b 0 -1") == "[\"y\"]");

  n.Send(c, {"BRPOP", "q", "1.5"});
  n.Advance(1000);
  CHECK(n.Take(c).empty());
  n.Advance(600);
  CHECK(c->out == "*-1\r\n");  // a null array on timeout
  CHECK(n.Take(c) == "(nil)");
  CHECK(n.server().blocked_clients() == 0);
  CHECK(log.Take().empty());

  // Served from the end the command names; the list is deleted when emptied.
  n.Send(c, {"BRPOP", "q", "0"});
  n.Do("LPUSH q 1 2 3");
  CHECK(n.Take(c) == "[\"q\", \"1\"]");
  CHECK(n.Do("LRANGE q 0 -1") == "[\"3\", \"2\"]");
  n.Send(c, {"BLPOP", "single", "0"});
  n.Do("RPUSH single only");
  CHECK(n.Take(c) == "[\"single\", \"only\"]");
  CHECK(n.db().Find("single") == nullptr);
}

TEST_CASE("Two blocked clients are served in the order they blocked") {
  TestNode n;
  auto* c1 = n.NewClient();
  auto* c2 = n.NewClient();
  n.Send(c1, {"BLPOP", "k", "0"});
  n.Send(c2, {"BLPOP", "k", "0"});
  CHECK(n.server().blocked_clients() == 2);
  n.Do("RPUSH k first");
  CHECK(n.Take(c1) == "[\"k\", \"first\"]");
  CHECK(n.Take(c2).empty());  // found the list empty again: still blocked
  CHECK(n.server().blocked_clients() == 1);
  n.Do("RPUSH k second");
  CHECK(n.Take(c2) == "[\"k\", \"second\"]");

  // Both served by one push of two elements, in order.
  n.Send(c1, {"BRPOP", "k", "0"});
  n.Send(c2, {"BRPOP", "k", "0"});
  n.Do("RPUSH k a b");
  CHECK(n.Take(c1) == "[\"k\", \"b\"]");
  CHECK(n.Take(c2) == "[\"k\", \"a\"]");

  // The re-blocked client keeps its original deadline.
  n.Send(c1, {"BLPOP", "t", "2"});
  n.Send(c2, {"BLPOP", "t", "2"});
  n.Advance(1500);
  n.Do("RPUSH t x");
  CHECK(n.Take(c1) == "[\"t\", \"x\"]");
  CHECK(n.Take(c2).empty());
  n.Advance(600);
  CHECK(n.Take(c2) == "(nil)");
}

TEST_CASE("Blocking commands inside MULTI answer at once") {
  TestNode n;
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("BLPOP k 0") == "QUEUED");
  CHECK(n.Do("BLMOVE k d left right 0") == "QUEUED");
  CHECK(n.Do("BRPOPLPUSH k d 0") == "QUEUED");
  CHECK(n.Do("BLMPOP 0 1 k left") == "QUEUED");
  CHECK(n.Do("BRPOP k 0") == "QUEUED");
  // Redis 7.0: null arrays for the pops, null bulks for the moves.
  CHECK(n.Raw({"EXEC"}) == "*5\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n");
  CHECK(n.server().blocked_clients() == 0);
  n.Do("RPUSH k v");
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("BLPOP k 0") == "QUEUED");
  CHECK(n.Do("EXEC") == "[[\"k\", \"v\"]]");
}

TEST_CASE("BLMOVE BRPOPLPUSH BLMPOP block and are served") {
  TestNode n;
  PropagationLog log(n);
  auto* c = n.NewClient();
  n.Send(c, {"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  CHECK(n.Take(c).empty());
  n.Do("RPUSH src a b");
  CHECK(n.Take(c) == "\"b\"");
  CHECK(log.Take() == "RPUSH src a b | LMOVE src dst RIGHT LEFT");
  CHECK(n.Do("LRANGE dst 0 -1") == "[\"b\"]");

  n.Send(c, {"BRPOPLPUSH", "empty", "dst", "1"});
  n.Advance(1001);
  CHECK(c->out == "*-1\r\n");  // timeout: a null array, as Redis 7.0 for every list blocking command
  n.Take(c);
  n.Send(c, {"BRPOPLPUSH", "empty", "dst", "0"});
  n.Do("LPUSH empty x");
  CHECK(n.Take(c) == "\"x\"");
  CHECK(log.Take() == "LPUSH empty x | RPOPLPUSH empty dst");
  CHECK(n.Do("LRANGE dst 0 -1") == "[\"x\", \"b\"]");
  CHECK(n.db().Find("empty") == nullptr);

  // A client waiting on dst is woken by the move into dst.
  auto* c2 = n.NewClient();
  n.db().Delete("dst");
  n.Send(c2, {"BLPOP", "dst", "0"});
  n.Send(c, {"BLMOVE", "src2", "dst", "LEFT", "LEFT", "0"});
  n.Do("RPUSH src2 m");
  CHECK(n.Take(c) == "\"m\"");
  CHECK(n.Take(c2) == "[\"dst\", \"m\"]");
  CHECK(n.db().Find("dst") == nullptr);

  n.Send(c, {"BLMPOP", "0", "2", "x", "y", "LEFT", "COUNT", "2"});
  log.Take();
  n.Do("RPUSH y 1 2 3");
  CHECK(n.Take(c) == "[\"y\", [\"1\", \"2\"]]");
  CHECK(log.Take() == "RPUSH y 1 2 3 | LPOP y 2");
  n.Send(c, {"BLMPOP", "0.5", "1", "x", "LEFT"});
  n.Advance(501);
  CHECK(n.Take(c) == "(nil)");
}

TEST_CASE("Large lists: positional commands across many nodes") {
  TestNode n;
  std::vector<std::string> push = {"RPUSH", "big"};
  for (int i = 0; i < 20000; i++) push.push_back("element-" + std::to_string(i));
  CHECK(n.Do(push) == "(integer) 20000");
  CHECK(static_cast<ListValue*>(n.db().Find("big")->obj())->node_count() > 10);
  CHECK(n.Do("LINDEX big 12345") == "\"element-12345\"");
  CHECK(n.Do("LINDEX big -1") == "\"element-19999\"");
  CHECK(n.Do("LRANGE big 9998 10001") ==
        "[\"element-9998\", \"element-9999\", \"element-10000\", \"element-10001\"]");
  CHECK(n.Do("LSET big 10000 " + std::string(5000, 'z')) == "OK");
  CHECK(n.Do("LINDEX big 10000") == "\"" + std::string(5000, 'z') + "\"");
  CHECK(n.Do("LINSERT big BEFORE element-15000 new") == "(integer) 20001");
  CHECK(n.Do("LINDEX big 15000") == "\"new\"");
  CHECK(n.Do("LPOS big element-19999") == "(integer) 20000");
  CHECK(n.Do("LPOS big element-5 RANK -1") == "(integer) 5");
  CHECK(n.Do("LREM big 0 new") == "(integer) 1");
  CHECK(n.Do("LTRIM big 100 -101") == "OK");
  CHECK(n.Do("LLEN big") == "(integer) 19800");
  CHECK(n.Do("LINDEX big 0") == "\"element-100\"");
  CHECK(static_cast<ListValue*>(n.db().Find("big")->obj())->CheckInvariants());
}
