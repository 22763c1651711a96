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
  // A deleted slot still counts for the node-full rule: the next append starts a new block.
  s.Append(StreamId{300, 0}, {"f", "v"});
  CHECK(s.block_count() == 3);
  // LIMIT stops before a block that would pass it.
  CHECK(s.TrimMaxLen(0, true, 10) == 0);
  CHECK(s.TrimMaxLen(0, false, 0) == 99);
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
