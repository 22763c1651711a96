// Stream value (keyspace/stream_value.h) and stream commands. Expected command replies were taken from
// Debian's redis-server 7.0.15 (same commands, same order).
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "keyspace/stream_value.h"

using rcs::ParseStreamId;
using rcs::StreamGroup;
using rcs::StreamId;
using rcs::StreamValue;

namespace {

using Model = std::map<StreamId, std::vector<std::string>>;

Model Contents(const StreamValue& s, bool rev = false) {
  Model m;
  std::vector<StreamId> order;
  s.Range(StreamId::Min(), StreamId::Max(), rev, 0, [&](StreamId id, const StreamValue::FieldValues& fv) {
    m[id].assign(fv.begin(), fv.end());
    order.push_back(id);
    return true;
  });
  for (size_t i = 1; i < order.size(); i++) CHECK((rev ? order[i] < order[i - 1] : order[i - 1] < order[i]));
  return m;
}

}  // namespace

TEST_CASE("StreamId: parse, format, increment and decrement at the edges") {
  StreamId id;
  CHECK(ParseStreamId("5-3", 0, &id));
  CHECK(id == StreamId{5, 3});
  CHECK(ParseStreamId("5", 7, &id));
  CHECK(id == StreamId{5, 7});
  CHECK(ParseStreamId("-", 0, &id));
  CHECK(id == StreamId::Min());
  CHECK(ParseStreamId("+", 0, &id));
  CHECK(id == StreamId::Max());
  CHECK(ParseStreamId("18446744073709551615-18446744073709551615", 0, &id));
  CHECK(id == StreamId::Max());
  CHECK_FALSE(ParseStreamId("18446744073709551616-0", 0, &id));
  CHECK_FALSE(ParseStreamId("1-", 0, &id));
  CHECK_FALSE(ParseStreamId("-1", 0, &id));
  CHECK_FALSE(ParseStreamId("1-2-3", 0, &id));
  CHECK_FALSE(ParseStreamId("", 0, &id));
  CHECK_FALSE(ParseStreamId("a", 0, &id));
  CHECK_FALSE(ParseStreamId("1-*", 0, &id));
  rcs::StreamIdParse p;
  CHECK(ParseStreamId("7-*", 0, true, true, &p));
  CHECK((p.seq_auto && !p.seq_given && p.id.ms == 7));
  CHECK_FALSE(ParseStreamId("-", 0, true, false, &p));
  CHECK_FALSE(ParseStreamId("+", 0, true, false, &p));
  CHECK(StreamId{1, 2}.ToString() == "1-2");

  StreamId max = StreamId::Max();
  CHECK_FALSE(max.Incr());
  CHECK(max == StreamId::Max());
  StreamId zero;
  CHECK_FALSE(zero.Decr());
  CHECK(zero.IsZero());
  StreamId a{3, UINT64_MAX};
  CHECK(a.Incr());
  CHECK(a == StreamId{4, 0});
  CHECK(a.Decr());
  CHECK(a == StreamId{3, UINT64_MAX});
  unsigned char be[16];
  StreamId b{0x0102030405060708ull, 0x1112131415161718ull};
  b.ToBigEndian(be);
  CHECK(be[0] == 1);
  CHECK(be[15] == 0x18);
  CHECK(StreamId::FromBigEndian(be) == b);
}

TEST_CASE("StreamValue: next ids, ms overflow and the last possible id") {
  StreamValue s;
  StreamId id;
  CHECK(s.NextAutoId(100, &id));
  CHECK(id == StreamId{100, 0});
  s.Append(StreamId{100, 5}, {"f", "v"});
  CHECK(s.NextAutoId(50, &id));  // clock behind: same ms, next seq
  CHECK(id == StreamId{100, 6});
  CHECK(s.NextSeqId(100, &id));
  CHECK(id == StreamId{100, 6});
  CHECK(s.NextSeqId(101, &id));
  CHECK(id == StreamId{101, 0});
  CHECK_FALSE(s.NextSeqId(99, &id));
  s.Append(StreamId{100, UINT64_MAX}, {"f", "v"});
  CHECK_FALSE(s.NextSeqId(100, &id));
  CHECK(s.NextAutoId(0, &id));
  CHECK(id == StreamId{101, 0});
  s.Append(StreamId::Max(), {"f", "v"});
  CHECK_FALSE(s.NextAutoId(0, &id));
  CHECK(s.length() == 3);
  CHECK(s.last_id() == StreamId::Max());
  Model m = Contents(s);
  CHECK(m.size() == 3);
  CHECK(m.count(StreamId::Max()) == 1);
}

TEST_CASE("StreamValue: matches a map model under appends, deletes, trims and ranges") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 3; round++) {
    StreamValue s;
    Model model;
    StreamId last;
    uint64_t added = 0;
    StreamId maxdel;
    for (int op = 0; op < 4000; op++) {
      int k = static_cast<int>(rng() % 100);
      if (k < 70) {
        StreamId id = last;
        uint64_t step = rng() % 5;
        if (step == 0) {
          id.ms += 1 + rng() % (round == 2 ? UINT32_MAX : 3);
          id.seq = rng() % 3;
        } else {
          id.seq += step;
        }
        std::vector<std::string> fv;
        if (rng() % 4 == 0) {
          fv = {"a" + std::to_string(rng() % 3), std::string(rng() % 20, 'x'), "b", std::to_string(rng() % 1000)};
        } else {
          fv = {"f", std::to_string(rng() % 1000)};
        }
        std::vector<std::string_view> views(fv.begin(), fv.end());
        s.Append(id, views);
        model[id] = fv;
        last = id;
        added++;
      } else if (k < 80 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, static_cast<long>(rng() % model.size()));
        StreamId id = it->first;
        CHECK(s.Delete(id));
        CHECK_FALSE(s.Delete(id));
        model.erase(it);
        if (id > maxdel) maxdel = id;
      } else if (k < 85) {
        uint64_t maxlen = model.size() > 10 ? model.size() - rng() % 10 : 0;
        int64_t n = s.TrimMaxLen(maxlen, false, 0);
        CHECK(static_cast<uint64_t>(n) == model.size() - std::min<uint64_t>(maxlen, model.size()));
        while (model.size() > maxlen) model.erase(model.begin());
      } else if (k < 88 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, static_cast<long>(rng() % model.size()));
        StreamId minid = it->first;
        int64_t n = s.TrimMinId(minid, false, 0);
        size_t before = model.size();
        model.erase(model.begin(), model.lower_bound(minid));
        CHECK(static_cast<size_t>(n) == before - model.size());
      } else if (k < 90) {
        // Approximate trims remove whole blocks only: never below maxlen, never a partial block.
        uint64_t maxlen = model.size() / 2;
        int64_t n = s.TrimMaxLen(maxlen, true, 0);
        CHECK(s.length() >= maxlen);
        for (int64_t i = 0; i < n; i++) model.erase(model.begin());
      } else if (!model.empty()) {
        auto a = model.begin();
        std::advance(a, static_cast<long>(rng() % model.size()));
        auto b = a;
        std::advance(b, static_cast<long>(rng() % static_cast<size_t>(std::distance(a, model.end()))));
        size_t count = rng() % 3 == 0 ? 0 : 1 + rng() % 20;
        bool rev = rng() % 2;
        std::vector<StreamId> got;
        s.Range(a->first, b->first, rev, count, [&](StreamId id, const StreamValue::FieldValues& fv) {
          got.push_back(id);
          CHECK(model.count(id) == 1);
          CHECK(std::vector<std::string>(fv.begin(), fv.end()) == model[id]);
          return true;
        });
        std::vector<StreamId> want;
        for (auto it = model.lower_bound(a->first); it != model.upper_bound(b->first); ++it) want.push_back(it->first);
        if (rev) std::reverse(want.begin(), want.end());
        if (count && want.size() > count) want.resize(count);
        CHECK(got == want);
      }
      REQUIRE(s.length() == model.size());
    }
    CHECK(Contents(s) == model);
    CHECK(Contents(s, true) == model);
    CHECK(s.entries_added() == added);
    CHECK(s.max_deleted_entry_id() == maxdel);
    if (!model.empty()) CHECK(s.first_id() == model.begin()->first);
    // Clone and the DUMP body round trip keep everything.
    auto c = s.Clone();
    CHECK(Contents(static_cast<StreamValue&>(*c)) == model);
    std::string body;
    s.Serialize(&body);
    auto d = StreamValue::Deserialize(body);
    REQUIRE(d.ok());
    auto& ds = static_cast<StreamValue&>(**d);
    CHECK(Contents(ds) == model);
    CHECK(ds.last_id() == s.last_id());
    CHECK(ds.entries_added() == s.entries_added());
    CHECK(ds.block_count() == s.block_count());
  }
}

TEST_CASE("StreamValue: blocks split as Redis's nodes (100 entries); trimming inside a block") {
  StreamValue s;
  for (uint64_t i = 1; i <= 250; i++) s.Append(StreamId{i, 0}, {"f", "v"});
  CHECK(s.block_count() == 3);
  // Approximate trim removes whole blocks only.
  CHECK(s.TrimMaxLen(160, true, 0) == 0);
  CHECK(s.TrimMaxLen(150, true, 0) == 100);
  CHECK(s.first_id() == StreamId{101, 0});
  // Exact MINID to an id in the middle of a block.
  CHECK(s.TrimMinId(StreamId{150, 1}, false, 0) == 50);
  CHECK(s.first_id() == StreamId{151, 0});
  CHECK(s.length() == 100);
  // Deleting the first and the last entry.
  CHECK(s.Delete(StreamId{151, 0}));
  CHECK(s.Delete(StreamId{250, 0}));
  CHECK(s.first_id() == StreamId{152, 0});
  StreamId last;
  CHECK(s.Last(&last, nullptr));
  CHECK(last == StreamId{249, 0});
  CHECK(s.last_id() == StreamId{250, 0});
  CHECK(s.max_deleted_entry_id() == StreamId{250, 0});
  // The last block has had 50 entries (2 deleted since): 50 more fill it, and a deleted slot still counts
  // for the node-full rule, so the next append starts a new block.
  CHECK(s.block_count() == 2);
  for (uint64_t i = 300; i < 350; i++) s.Append(StreamId{i, 0}, {"f", "v"});
  CHECK(s.block_count() == 2);
  CHECK(s.Delete(StreamId{349, 0}));
  s.Append(StreamId{400, 0}, {"f", "v"});
  CHECK(s.block_count() == 3);
  // LIMIT stops before a block that would pass it.
  CHECK(s.TrimMaxLen(0, true, 10) == 0);
  CHECK(s.TrimMaxLen(0, false, 0) == 148);
  CHECK(s.length() == 0);
  CHECK(s.block_count() == 0);
}

TEST_CASE("StreamGroup: consumers and pending entries stay consistent") {
  StreamValue s;
  StreamGroup* g = s.CreateGroup("g", StreamId{0, 0}, 0);
  REQUIRE(g != nullptr);
  CHECK(s.CreateGroup("g", StreamId{}, 0) == nullptr);
  auto [a, created] = g->CreateConsumer("alice");
  CHECK(created);
  CHECK_FALSE(g->CreateConsumer("alice").second);
  auto b = g->CreateConsumer("bob").first;
  g->AddNack(StreamId{1, 0}, a, 10, 1);
  g->AddNack(StreamId{2, 0}, a, 11, 1);
  g->AddNack(StreamId{3, 0}, b, 12, 1);
  CHECK(a->pel.size() == 2);
  g->TransferNack(g->FindNack(StreamId{2, 0}), b);
  CHECK(a->pel.size() == 1);
  CHECK(b->pel.size() == 2);
  CHECK(g->EraseNack(StreamId{1, 0}));
  CHECK_FALSE(g->EraseNack(StreamId{1, 0}));
  auto clone = s.Clone();
  CHECK(g->DeleteConsumer("bob") == 2);
  CHECK(g->pel().empty());
  CHECK(g->DeleteConsumer("bob") == -1);
  auto& cs = static_cast<StreamValue&>(*clone);
  StreamGroup* cg = cs.FindGroup("g");
  REQUIRE(cg != nullptr);
  CHECK(cg->pel().size() == 2);
  CHECK(cg->FindConsumer("bob")->pel.size() == 2);
  CHECK(cg->FindNack(StreamId{3, 0})->consumer == cg->FindConsumer("bob"));
  CHECK(s.DestroyGroup("g"));
  CHECK(s.groups().empty());
}

// ---- commands ----

namespace {
// Replies taken from Debian's redis-server 7.0.15 for the same commands in the same order.
const rcs::test::Step kCoreSteps[] = {
    {"FLUSHALL", "OK"},
    {"XADD s 1-1 f v", "\"1-1\""},
    {"XADD s 1-1 f v", "(error) ERR The ID specified in XADD is equal or smaller than the target stream top item"},
    {"XADD s 0-0 f v", "(error) ERR The ID specified in XADD must be greater than 0-0"},
    {"XADD s 1-* a b", "\"1-2\""},
    {"XADD s 2 f v g w", "\"2-0\""},
    {"XADD s 5-3 f", "(error) ERR wrong number of arguments for 'xadd' command"},
    {"XADD s MAXLEN ~ -1 * f v", "(error) ERR The MAXLEN argument must be >= 0."},
    {"XADD s MAXLEN 1 MINID 1 * f v", "(error) ERR syntax error, MAXLEN and MINID options at the same time are not compatible"},
    {"XADD s LIMIT 10 * f v", "(error) ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"},
    {"XADD s MAXLEN 10 LIMIT 10 * f v", "(error) ERR syntax error, LIMIT cannot be used without the special ~ option"},
    {"XADD s bad f v", "(error) ERR Invalid stream ID specified as stream command argument"},
    {"XADD s + f v", "(error) ERR Invalid stream ID specified as stream command argument"},
    {"XADD s NOMKSTREAM 9-1 f v", "\"9-1\""},
    {"XADD nos NOMKSTREAM 9-1 f v", "(nil)"},
    {"EXISTS nos", "(integer) 0"},
    {"XLEN s", "(integer) 4"},
    {"XLEN nos", "(integer) 0"},
    {"XRANGE s - +", "[[\"1-1\", [\"f\", \"v\"]], [\"1-2\", [\"a\", \"b\"]], [\"2-0\", [\"f\", \"v\", \"g\", \"w\"]], [\"9-1\", [\"f\", \"v\"]]]"},
    {"XRANGE s (1-1 +", "[[\"1-2\", [\"a\", \"b\"]], [\"2-0\", [\"f\", \"v\", \"g\", \"w\"]], [\"9-1\", [\"f\", \"v\"]]]"},
    {"XRANGE s - (2-0", "[[\"1-1\", [\"f\", \"v\"]], [\"1-2\", [\"a\", \"b\"]]]"},
    {"XRANGE s 1 1", "[[\"1-1\", [\"f\", \"v\"]], [\"1-2\", [\"a\", \"b\"]]]"},
    {"XRANGE s - + COUNT 2", "[[\"1-1\", [\"f\", \"v\"]], [\"1-2\", [\"a\", \"b\"]]]"},
    {"XRANGE s - + COUNT 0", "(nil)"},
    {"XRANGE s - + COUNT -3", "(nil)"},
    {"XRANGE s - + COUNT", "(error) ERR syntax error"},
    {"XRANGE s - + LIMIT 2", "(error) ERR syntax error"},
    {"XRANGE s (18446744073709551615-18446744073709551615 +", "(error) ERR invalid start ID for the interval"},
    {"XRANGE s - (0-0", "(error) ERR invalid end ID for the interval"},
    {"XRANGE s ( +", "(error) ERR Invalid stream ID specified as stream command argument"},
    {"XRANGE nos - +", "[]"},
    {"XREVRANGE s + -", "[[\"9-1\", [\"f\", \"v\"]], [\"2-0\", [\"f\", \"v\", \"g\", \"w\"]], [\"1-2\", [\"a\", \"b\"]], [\"1-1\", [\"f\", \"v\"]]]"},
    {"XREVRANGE s + - COUNT 1", "[[\"9-1\", [\"f\", \"v\"]]]"},
    {"XREVRANGE s (9-1 (1-1", "[[\"2-0\", [\"f\", \"v\", \"g\", \"w\"]], [\"1-2\", [\"a\", \"b\"]]]"},
    {"XDEL s 1-2", "(integer) 1"},
    {"XDEL s 1-2 1-1 7-7", "(integer) 1"},
    {"XDEL s abc", "(error) ERR Invalid stream ID specified as stream command argument"},
    {"XLEN s", "(integer) 2"},
    {"XADD t 1-1 a 1", "\"1-1\""},
    {"XADD t 2-1 a 2", "\"2-1\""},
    {"XADD t 3-1 a 3", "\"3-1\""},
    {"XADD t 4-1 a 4", "\"4-1\""},
    {"XTRIM t MAXLEN 2", "(integer) 2"},
    {"XTRIM t MINID 4", "(integer) 1"},
    {"XTRIM t MAXLEN ~ 0", "(integer) 1"},
    {"XTRIM t", "(error) ERR wrong number of arguments for 'xtrim' command"},
    {"XTRIM t LIMIT 5", "(error) ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"},
    {"XTRIM t MAXLEN 0 LIMIT 5", "(error) ERR syntax error, LIMIT cannot be used without the special ~ option"},
    {"XTRIM t FOO 1", "(error) ERR syntax error"},
    {"XTRIM nos MAXLEN 0", "(integer) 0"},
    {"XLEN t", "(integer) 0"},
    {"XSETID t 3-0", "OK"},
    {"XSETID t 10-0", "OK"},
    {"XSETID t 10-0 ENTRIESADDED 0", "OK"},
    {"XSETID t 10-0 ENTRIESADDED -1", "(error) ERR entries_added must be positive"},
    {"XSETID t 10-0 MAXDELETEDID 11-0", "(error) ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"},
    {"XSETID t 11-0 ENTRIESADDED 100 MAXDELETEDID 9-0", "OK"},
    {"XSETID nos 1-1", "(error) ERR no such key"},
    {"XSETID t 12-0 FOO", "(error) ERR syntax error"},
    {"XINFO STREAM t", "[\"length\", (integer) 0, \"radix-tree-keys\", (integer) 0, \"radix-tree-nodes\", (integer) 1, \"last-generated-id\", \"11-0\", \"max-deleted-entry-id\", \"9-0\", \"entries-added\", (integer) 100, \"recorded-first-entry-id\", \"0-0\", \"groups\", (integer) 0, \"first-entry\", (nil), \"last-entry\", (nil)]"},
    {"XINFO STREAM t FULL", "[\"length\", (integer) 0, \"radix-tree-keys\", (integer) 0, \"radix-tree-nodes\", (integer) 1, \"last-generated-id\", \"11-0\", \"max-deleted-entry-id\", \"9-0\", \"entries-added\", (integer) 100, \"recorded-first-entry-id\", \"0-0\", \"entries\", [], \"groups\", []]"},
    {"XINFO STREAM t FULL COUNT 0", "[\"length\", (integer) 0, \"radix-tree-keys\", (integer) 0, \"radix-tree-nodes\", (integer) 1, \"last-generated-id\", \"11-0\", \"max-deleted-entry-id\", \"9-0\", \"entries-added\", (integer) 100, \"recorded-first-entry-id\", \"0-0\", \"entries\", [], \"groups\", []]"},
    {"XINFO STREAM t FOO", "(error) ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."},
    {"XINFO STREAM nos", "(error) ERR no such key"},
    {"XINFO HELP", "[XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, CONSUMERS <key> <groupname>,     Show consumers of <groupname>., GROUPS <key>,     Show the stream consumer groups., STREAM <key> [FULL [COUNT <count>],     Show information about the stream., HELP,     Prints this help.]"},
    {"XREAD STREAMS s t 0 0", "[[\"s\", [[\"2-0\", [\"f\", \"v\", \"g\", \"w\"]], [\"9-1\", [\"f\", \"v\"]]]]]"},
    {"XREAD COUNT 1 STREAMS s t 0-0 5", "[[\"s\", [[\"2-0\", [\"f\", \"v\", \"g\", \"w\"]]]]]"},
    {"XREAD STREAMS s t $ $", "(nil)"},
    {"XREAD STREAMS s", "(error) ERR wrong number of arguments for 'xread' command"},
    {"XREAD STREAMS s t 0", "(error) ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."},
    {"XREAD GROUP g c STREAMS s 0", "(error) ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."},
    {"XREAD NOACK STREAMS s 0", "(error) ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."},
    {"XREAD STREAMS s >", "(error) ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."},
    {"XREAD BLOCK -1 STREAMS s 0", "(error) ERR timeout is negative"},
    {"XREAD BLOCK abc STREAMS s 0", "(error) ERR timeout is not an integer or out of range"},
    {"XREAD STREAMS nos 0", "(nil)"},
    {"SET str x", "OK"},
    {"XADD str * f v", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"XRANGE str - +", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"XREAD STREAMS str 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"TYPE s", "stream"},
    {"OBJECT ENCODING s", "\"stream\""},
    {"XADD e MAXLEN 0 5-5 f v", "\"5-5\""},
    {"XLEN e", "(integer) 0"},
    {"EXISTS e", "(integer) 1"},
    {"XINFO STREAM e", "[\"length\", (integer) 0, \"radix-tree-keys\", (integer) 0, \"radix-tree-nodes\", (integer) 1, \"last-generated-id\", \"5-5\", \"max-deleted-entry-id\", \"0-0\", \"entries-added\", (integer) 1, \"recorded-first-entry-id\", \"0-0\", \"groups\", (integer) 0, \"first-entry\", (nil), \"last-entry\", (nil)]"},
    {"XADD m 18446744073709551615-18446744073709551615 f v", "\"18446744073709551615-18446744073709551615\""},
    {"XADD m * f v", "(error) ERR The stream has exhausted the last possible ID, unable to add more items"},
    {"XADD m 18446744073709551615-* f v", "(error) ERR The stream has exhausted the last possible ID, unable to add more items"},
    {"XADD o 5-18446744073709551615 f v", "\"5-18446744073709551615\""},
    {"XADD o 5-* f v", "(error) ERR Elements are too large to be stored"},
};
}  // namespace

TEST_CASE("Stream commands: replies and errors as redis-server 7.0.15") {
  rcs::test::TestNode n;
  rcs::test::RunSteps(n, kCoreSteps);
  // XADD * after a manual id in the future keeps ms and increments seq.
  CHECK(n.Do("XADD o2 99999999999999-5 f v") == "\"99999999999999-5\"");
  CHECK(n.Do("XADD o2 * f v") == "\"99999999999999-6\"");
  // The ms-overflow: the largest ms with max seq, then * carries into... nothing: exhausted.
  CHECK(n.Do("XADD o3 18446744073709551614-18446744073709551615 f v") ==
        "\"18446744073709551614-18446744073709551615\"");
  CHECK(n.Do("XADD o3 * f v") == "\"18446744073709551615-0\"");
}

TEST_CASE("XADD/XTRIM propagation: concrete ids, approximate trims as exact ones") {
  rcs::test::TestNode n;
  rcs::test::PropagationLog log(n);
  n.clock().SetMs(1000);
  CHECK(n.Do("XADD s * f v") == "\"1000-0\"");
  CHECK(log.Take() == "XADD s 1000-0 f v");
  CHECK(n.Do("XADD s 1000-* f v") == "\"1000-1\"");
  CHECK(log.Take() == "XADD s 1000-1 f v");
  CHECK(n.Do("XADD s 2000-0 f v") == "\"2000-0\"");
  CHECK(log.Take() == "XADD s 2000-0 f v");
  for (int i = 0; i < 300; i++) n.Do({"XADD", "s", std::to_string(3000 + i) + "-0", "f", "v"});
  log.Take();
  n.clock().SetMs(3300);
  CHECK(n.Do("XADD s MAXLEN ~ 150 * f v") == "\"3300-0\"");
  // 304 entries in blocks of 100, 100, 100, 4: the first whole block goes (204 >= 150), the second cannot.
  // The same commands on redis-server 7.0.15 give the same counts.
  CHECK(log.Take() == "XADD s MAXLEN = 204 3300-0 f v");
  CHECK(n.Do("XLEN s") == "(integer) 204");
  CHECK(n.Do("XTRIM s MINID ~ 3250") == "(integer) 100");
  CHECK(log.Take() == "XTRIM s MINID = 3197-0");
  CHECK(n.Do("XTRIM s MAXLEN ~ 1 LIMIT 200") == "(integer) 100");
  CHECK(log.Take() == "XTRIM s MAXLEN = 4 LIMIT 200");
  CHECK(n.Do("XTRIM s MINID 3298") == "(integer) 1");
  CHECK(log.Take() == "XTRIM s MINID 3298");
  CHECK(n.Do("XDEL s 3298-0 1-1") == "(integer) 1");
  CHECK(log.Take() == "XDEL s 3298-0 1-1");
  CHECK(n.Do("XREAD STREAMS s 0") == "[[\"s\", [[\"3299-0\", [\"f\", \"v\"]], [\"3300-0\", [\"f\", \"v\"]]]]]");
  CHECK(log.Take().empty());
}

TEST_CASE("XREAD BLOCK: served by a later XADD, $ means the last id at block time, timeout gives null") {
  rcs::test::TestNode n;
  auto* c = n.NewClient();
  n.Do("XADD s 1-1 f v");
  n.Send(c, {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"});
  CHECK(n.Take(c).empty());
  CHECK(n.server().blocked_clients() == 1);
  n.Do("XADD s 2-1 a b");
  CHECK(n.Take(c) == "[[\"s\", [[\"2-1\", [\"a\", \"b\"]]]]]");
  CHECK(n.server().blocked_clients() == 0);
  // Several streams, timeout.
  n.Send(c, {"XREAD", "COUNT", "5", "BLOCK", "100", "STREAMS", "x", "s", "0", "$"});
  n.Advance(50);
  CHECK(n.Take(c).empty());
  n.Advance(60);
  CHECK(c->out == "*-1\r\n");
  CHECK(n.Take(c) == "(nil)");
  // A write to another key type under the name keeps it blocked; XADD serves it.
  n.Send(c, {"XREAD", "BLOCK", "0", "STREAMS", "x", "0-0"});
  n.Do("SET x 1");
  CHECK(n.Take(c).empty());
  n.Do("DEL x");
  n.Do("XADD x 5-5 k v");
  CHECK(n.Take(c) == "[[\"x\", [[\"5-5\", [\"k\", \"v\"]]]]]");
  // Inside MULTI it does not block.
  n.Do("MULTI");
  n.Do("XREAD BLOCK 0 STREAMS s $");
  CHECK(n.Do("EXEC") == "[(nil)]");
}

TEST_CASE("Stream keys: TYPE, SCAN TYPE, COPY, RENAME, DUMP/RESTORE, DEBUG DIGEST-VALUE, MEMORY USAGE") {
  rcs::test::TestNode n;
  n.Do("XADD s 1-1 f v");
  n.Do("XADD s 1-2 f w");
  n.Do("XADD s 2-0 other 1 x 2");
  n.Do("XDEL s 1-2");
  CHECK(n.Do("TYPE s") == "stream");
  CHECK(n.Do("SCAN 0 TYPE stream") == "[\"0\", [\"s\"]]");
  CHECK(n.Do("COPY s c") == "(integer) 1");
  CHECK(n.Do("XRANGE c - +") == n.Do("XRANGE s - +"));
  CHECK(n.Do("XINFO STREAM c") == n.Do("XINFO STREAM s"));
  std::string dump = n.Do("DEBUG DIGEST-VALUE s");
  CHECK(dump == n.Do("DEBUG DIGEST-VALUE c"));
  CHECK(n.Do("RENAME c r") == "OK");
  CHECK(n.Do("XLEN r") == "(integer) 2");
  std::string payload = n.Raw({"DUMP", "s"});
  REQUIRE(payload.size() > 10);
  size_t nl = payload.find("\r\n");
  std::string body = payload.substr(nl + 2, payload.size() - nl - 4);
  CHECK(n.Do({"RESTORE", "s2", "0", body}) == "OK");
  CHECK(n.Do("XINFO STREAM s2") == n.Do("XINFO STREAM s"));
  CHECK(n.Do("DEBUG DIGEST-VALUE s2") == dump);
  CHECK(n.Do("MEMORY USAGE s").rfind("(integer) ", 0) == 0);
  CHECK(n.Do("OBJECT ENCODING s2") == "\"stream\"");
}

TEST_CASE("Stream keyspace events: xadd, xtrim (also from XADD's trim), xdel, xsetid, new, del") {
  rcs::test::TestNode n;
  CHECK(n.Do("CONFIG SET notify-keyspace-events Etgn") == "OK");
  auto* s = n.NewClient();
  n.Send(s, {"PSUBSCRIBE", "__keyevent@0__:*"});
  n.Take(s);
  n.Do("XADD k 1-1 f v");
  CHECK(n.Take(s) == "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:new\", \"k\"] | "
                     "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xadd\", \"k\"]");
  n.Do("XADD k MAXLEN 1 2-1 f v");
  CHECK(n.Take(s) == "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xadd\", \"k\"] | "
                     "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xtrim\", \"k\"]");
  n.Do("XADD k MAXLEN 1 3-1 f v");
  n.Take(s);
  n.Do("XTRIM k MAXLEN 5");  // nothing removed: no event
  n.Do("XDEL k 9-9");        // nothing deleted: no event
  CHECK(n.Take(s).empty());
  n.Do("XDEL k 3-1");
  CHECK(n.Take(s) == "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xdel\", \"k\"]");
  n.Do("XSETID k 5-5");
  CHECK(n.Take(s) == "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xsetid\", \"k\"]");
  n.Do("XADD k 6-6 f v");
  n.Take(s);
  n.Do("XTRIM k MAXLEN 0");
  CHECK(n.Take(s) == "[\"pmessage\", \"__keyevent@0__:*\", \"__keyevent@0__:xtrim\", \"k\"]");
  CHECK(n.Do("EXISTS k") == "(integer) 1");  // an empty stream stays
}
