// Keyspace unit tests: the Keyspace directly, with a ManualClock and a tiny Object, no server.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/alloc.h"
#include "base/crc16.h"
#include "keyspace/keyspace.h"

namespace rcs {
namespace {

int g_live_objects = 0;

// A minimal list-typed value that counts its live instances (to check that values are freed).
class TestObj final : public Object {
 public:
  explicit TestObj(std::string v) : v_(std::move(v)) { g_live_objects++; }
  ~TestObj() override { g_live_objects--; }
  ObjType type() const override { return ObjType::kList; }
  const char* encoding() const override { return "listpack"; }
  size_t size() const override { return 1; }
  size_t MemoryUsage() const override { return sizeof(*this) + v_.size(); }
  void Serialize(std::string* out) const override { out->append(v_); }
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override {
    sink({"RPUSH", key, v_});
  }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<TestObj>(v_); }
  const std::string& value() const { return v_; }

 private:
  std::string v_;
};

struct HookLog {
  std::vector<std::pair<std::string, Keyspace::DeleteReason>> calls;
  void Attach(Keyspace& ks) {
    ks.set_delete_hook([this](std::string_view k, Keyspace::DeleteReason why) { calls.emplace_back(std::string(k), why); });
  }
};

std::set<std::string> AllKeys(Keyspace& ks) {
  std::set<std::string> keys;
  ks.ForEach([&](const Entry& e) { keys.insert(std::string(e.key())); });
  return keys;
}

}  // namespace

TEST_CASE("keyspace: set, get, overwrite, delete strings") {
  ManualClock clock;
  Keyspace ks(&clock);
  CHECK(ks.size() == 0);
  CHECK(ks.Find("a") == nullptr);
  Entry* e = ks.SetString("a", "hello");
  REQUIRE(e != nullptr);
  CHECK(e->type() == ObjType::kString);
  CHECK(e->key() == "a");
  CHECK(e->str() == "hello");
  CHECK_FALSE(e->has_expire());
  CHECK(e->expire_at_ms() == -1);
  CHECK(ks.size() == 1);
  // Overwrite: shorter, longer, empty, binary, and a value that aliases the old one.
  CHECK(ks.SetString("a", "hi")->str() == "hi");
  std::string big(1000, 'x');
  CHECK(ks.SetString("a", big)->str() == big);
  CHECK(ks.SetString("a", "")->str().empty());
  std::string bin("a\0b\xff", 4);
  CHECK(ks.SetString("a", bin)->str() == bin);
  e = ks.Find("a");
  CHECK(ks.SetString("a", e->str())->str() == bin);
  e = ks.Find("a");
  CHECK(ks.SetString("a", e->str().substr(1))->str() == bin.substr(1));
  CHECK(ks.size() == 1);
  // Empty key, long key.
  CHECK(ks.SetString("", "empty-key")->key().empty());
  std::string longkey(300, 'k');
  CHECK(ks.SetString(longkey, "v")->key() == longkey);
  CHECK(ks.Find(longkey)->str() == "v");
  CHECK(ks.Find("")->str() == "empty-key");
  CHECK(ks.size() == 3);
  CHECK(ks.Delete("a"));
  CHECK_FALSE(ks.Delete("a"));
  CHECK(ks.Find("a") == nullptr);
  CHECK(ks.size() == 2);
}

TEST_CASE("keyspace: objects are owned, overwritten and freed") {
  ManualClock clock;
  int before = g_live_objects;
  {
    Keyspace ks(&clock);
    Entry* e = ks.SetObject("l", std::make_unique<TestObj>("one"));
    CHECK(e->type() == ObjType::kList);
    CHECK(e->as<TestObj>()->value() == "one");
    CHECK(g_live_objects == before + 1);
    ks.SetObject("l", std::make_unique<TestObj>("two"));
    CHECK(g_live_objects == before + 1);
    CHECK(ks.Find("l")->as<TestObj>()->value() == "two");
    // Object -> string -> object.
    ks.SetString("l", "str");
    CHECK(g_live_objects == before);
    CHECK(ks.Find("l")->type() == ObjType::kString);
    ks.SetObject("l", std::make_unique<TestObj>("three"));
    ks.SetObject("m", std::make_unique<TestObj>("four"));
    CHECK(g_live_objects == before + 2);
    CHECK(ks.Delete("m"));
    CHECK(g_live_objects == before + 1);
    ks.SetObject("n", std::make_unique<TestObj>("five"));
  }
  CHECK(g_live_objects == before);  // the destructor frees what is left
}

TEST_CASE("keyspace: BulkAdd links every key a few keys late and stops at the first duplicate") {
  ManualClock clock(1000000);
  int before = g_live_objects;
  {
    Keyspace ks(&clock);
    ks.SizeHint(1000, 10);
    {
      Keyspace::BulkAdd bulk(ks);
      for (int i = 0; i < 1000; i++) {
        std::string k = "k" + std::to_string(i);
        bool ok = i % 3 == 0 ? bulk.AddObject(k, std::make_unique<TestObj>(k), -1, i)
                             : bulk.AddString(k, "v" + std::to_string(i), i % 100 == 1 ? 5000000 : -1, i);
        REQUIRE(ok);
      }
      CHECK(ks.size() < 1000);  // some are still held back
      CHECK(bulk.Flush());
    }
    ks.SizeHint(0, 0);
    REQUIRE(ks.size() == 1000);
    CHECK(ks.expires_size() == 7);  // i % 100 == 1 and not i % 3 == 0
    CHECK(ks.Find("k5")->str() == "v5");
    CHECK(ks.Find("k101")->expire_at_ms() == 5000000);
    CHECK(ks.Find("k999")->as<TestObj>()->value() == "k999");
    CHECK(g_live_objects == before + 334);

    // A duplicate: the keys before it stay, it and the ones after it are dropped, Add and Flush say so.
    {
      Keyspace::BulkAdd bulk(ks);
      bool ok = true;
      int i = 0;
      for (; ok && i < 100; i++) {
        std::string k = i == 20 ? "k7" : "n" + std::to_string(i);
        ok = i % 2 ? bulk.AddObject(k, std::make_unique<TestObj>(k), -1, 1000 + i) : bulk.AddString(k, "x", -1, 1000 + i);
      }
      CHECK_FALSE(ok);
      CHECK(i < 100);
      CHECK_FALSE(bulk.Flush());
      CHECK(bulk.duplicate() == "k7");
      CHECK(bulk.duplicate_tag() == 1020);
      CHECK_FALSE(bulk.AddString("z", "z", -1, 0));
    }
    CHECK(ks.size() == 1020);
    CHECK(ks.Find("n19") != nullptr);
    CHECK(ks.Find("n21") == nullptr);
    CHECK(ks.Find("k7")->str() == "v7");
    CHECK(g_live_objects == before + 334 + 10);

    // Keys not flushed are dropped by the destructor; a key of the same name that expired is replaced.
    ks.SetString("old", "1", 1000001);
    clock.SetMs(2000000);
    {
      Keyspace::BulkAdd bulk(ks);
      CHECK(bulk.AddString("old", "2", -1, 0));
      CHECK(bulk.AddObject("gone", std::make_unique<TestObj>("gone"), -1, 1));
      CHECK(bulk.Flush());
      CHECK(bulk.AddObject("dropped", std::make_unique<TestObj>("dropped"), -1, 2));
    }
    CHECK(ks.Find("old")->str() == "2");
    CHECK(ks.Find("dropped") == nullptr);
    CHECK(g_live_objects == before + 334 + 10 + 1);
  }
  CHECK(g_live_objects == before);
}

TEST_CASE("keyspace: expiry is lazy, hidden, counted and reported") {
  ManualClock clock;
  Keyspace ks(&clock);
  HookLog log;
  log.Attach(ks);
  int64_t now = clock.NowMs();
  Entry* e = ks.SetString("k", "v", now + 100);
  CHECK(e->has_expire());
  CHECK(e->expire_at_ms() == now + 100);
  CHECK(ks.expires_size() == 1);
  clock.AdvanceMs(100);  // at the expiry time the key still exists (Redis: expired when now > when)
  CHECK(ks.Find("k") != nullptr);
  clock.AdvanceMs(1);
  CHECK(ks.size() == 1);  // not removed yet
  CHECK(ks.FindRead("k") == nullptr);
  CHECK(ks.size() == 0);
  CHECK(ks.expires_size() == 0);
  CHECK(ks.stats().expired_keys == 1);
  CHECK(ks.stats().keyspace_misses == 1);
  REQUIRE(log.calls.size() == 1);
  CHECK(log.calls[0].first == "k");
  CHECK(log.calls[0].second == Keyspace::DeleteReason::kExpired);

  // Paused (replica): hidden but kept, no hook.
  ks.set_expiry_paused(true);
  ks.SetString("p", "v", clock.NowMs() + 10);
  clock.AdvanceMs(11);
  CHECK(ks.Find("p") == nullptr);
  CHECK(ks.FindWrite("p") == nullptr);
  CHECK(ks.size() == 1);
  CHECK(ks.ActiveExpireCycle(1000) == 0);
  CHECK(log.calls.size() == 1);
  // Writes (the master's commands) still see the hidden key: no duplicate, and its DEL removes it.
  ks.SetString("q", "v", clock.NowMs() - 1);
  CHECK(ks.Find("q") == nullptr);
  ks.SetString("q", "new");
  CHECK(ks.size() == 2);
  CHECK(ks.Find("q")->str() == "new");
  ks.SetString("q", "v", clock.NowMs() - 1);
  CHECK(ks.Delete("q"));
  CHECK(ks.size() == 1);
  CHECK(ks.expires_size() == 1);
  ks.set_expiry_paused(false);
  CHECK(ks.Find("p") == nullptr);
  CHECK(ks.size() == 0);
  CHECK(log.calls.size() == 2);
  CHECK(ks.stats().expired_keys == 2);
}

TEST_CASE("keyspace: TTL handling of SetString/SetObject/SetExpire/Persist/Rename") {
  ManualClock clock;
  Keyspace ks(&clock);
  int64_t now = clock.NowMs();
  ks.SetString("a", "1", now + 5000);
  CHECK(ks.SetString("a", "2", -1, /*keep_ttl=*/true)->expire_at_ms() == now + 5000);
  CHECK(ks.Find("a")->str() == "2");
  CHECK(ks.SetString("a", "3")->expire_at_ms() == -1);  // plain SET drops the TTL
  CHECK(ks.expires_size() == 0);
  CHECK(ks.SetString("a", "4", now + 7000)->expire_at_ms() == now + 7000);
  CHECK(ks.SetObject("a", std::make_unique<TestObj>("x"), -1, true)->expire_at_ms() == now + 7000);
  CHECK(ks.expires_size() == 1);
  CHECK(ks.SetObject("a", std::make_unique<TestObj>("y"))->expire_at_ms() == -1);
  CHECK(ks.expires_size() == 0);

  ks.SetString("b", "value-of-b");
  CHECK_FALSE(ks.Persist("b"));
  CHECK(ks.SetExpire("b", now + 1000));
  CHECK(ks.Find("b")->expire_at_ms() == now + 1000);
  CHECK(ks.Find("b")->str() == "value-of-b");
  CHECK(ks.SetExpire("b", now + 2000));
  CHECK(ks.Find("b")->expire_at_ms() == now + 2000);
  CHECK(ks.expires_size() == 1);
  CHECK(ks.Persist("b"));
  CHECK_FALSE(ks.Find("b")->has_expire());
  CHECK(ks.Find("b")->str() == "value-of-b");
  CHECK(ks.expires_size() == 0);
  CHECK_FALSE(ks.SetExpire("missing", now));
  // A time in the past is still set (the caller decides); the key is then expired.
  CHECK(ks.SetExpire("b", now - 1));
  CHECK(ks.Find("b") == nullptr);
  CHECK_FALSE(ks.SetExpire("b", now + 1000));

  // SetExpire on an object keeps the object.
  CHECK(ks.SetExpire("a", now + 3000));
  CHECK(ks.Find("a")->as<TestObj>()->value() == "y");
  CHECK(ks.Persist("a"));
  CHECK(ks.Find("a")->as<TestObj>()->value() == "y");

  // Rename keeps value, type and TTL, overwrites the target.
  ks.SetString("src", "sv", now + 9000);
  ks.SetString("dst", "old");
  CHECK(ks.Rename("src", "dst"));
  CHECK(ks.Find("src") == nullptr);
  CHECK(ks.Find("dst")->str() == "sv");
  CHECK(ks.Find("dst")->expire_at_ms() == now + 9000);
  CHECK(ks.expires_size() == 1);
  CHECK_FALSE(ks.Rename("src", "x"));
  CHECK(ks.Rename("dst", "dst"));
  CHECK(ks.Find("dst")->str() == "sv");
  int objs = g_live_objects;
  CHECK(ks.Rename("a", "objkey"));
  CHECK(g_live_objects == objs);
  CHECK(ks.Find("objkey")->as<TestObj>()->value() == "y");
  CHECK(ks.size() == 2);
}

TEST_CASE("keyspace: hits, misses and LRU") {
  ManualClock clock;
  Keyspace ks(&clock);
  ks.SetString("k", "v");
  uint32_t lru0 = ks.Find("k")->lru();
  CHECK(lru0 == ((clock.NowMs() / 1000) & 0xFFFFFF));
  clock.AdvanceMs(5000);
  CHECK(ks.Find("k")->lru() == lru0);  // Find does not touch
  CHECK(ks.FindRead("k")->lru() == lru0 + 5);
  clock.AdvanceMs(2000);
  CHECK(ks.FindWrite("k")->lru() == lru0 + 7);
  CHECK(ks.FindRead("nope") == nullptr);
  CHECK(ks.stats().keyspace_hits == 1);
  CHECK(ks.stats().keyspace_misses == 1);
  ks.Find("nope");
  ks.FindWrite("nope");
  CHECK(ks.stats().keyspace_misses == 1);
  ks.ResetStats();
  CHECK(ks.stats().keyspace_hits == 0);
  CHECK(ks.stats().keyspace_misses == 0);
}

TEST_CASE("keyspace: many keys, growth, shrink, model check") {
  ManualClock clock;
  Keyspace ks(&clock);
  std::map<std::string, std::string> model;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 50000; i++) {
    std::string k = "key:" + std::to_string(rng() % 20000);
    int op = rng() % 10;
    if (op < 6) {
      std::string v = "val" + std::to_string(rng() % 1000000) + std::string(rng() % 40, 'z');
      ks.SetString(k, v);
      model[k] = v;
    } else if (op < 8) {
      CHECK(ks.Delete(k) == (model.erase(k) == 1));
    } else if (op < 9) {
      Entry* e = ks.Find(k);
      auto it = model.find(k);
      REQUIRE((e != nullptr) == (it != model.end()));
      if (e) CHECK(e->str() == it->second);
    } else {
      ks.Cron();
    }
  }
  CHECK(ks.size() == model.size());
  std::set<std::string> keys = AllKeys(ks);
  CHECK(keys.size() == model.size());
  for (auto& [k, v] : model) {
    Entry* e = ks.Find(k);
    REQUIRE(e != nullptr);
    CHECK(e->str() == v);
  }
  // Per-slot counts add up and GetKeysInSlot agrees.
  size_t sum = 0;
  for (int s = 0; s < kClusterSlots; s++) sum += ks.CountKeysInSlot(s);
  CHECK(sum == model.size());
  // Delete almost everything: tables shrink and lookups still work.
  size_t n = 0;
  for (auto it = model.begin(); it != model.end();) {
    if (n++ % 50 != 0) {
      CHECK(ks.Delete(it->first));
      it = model.erase(it);
    } else {
      ++it;
    }
  }
  for (int i = 0; i < 100; i++) ks.Cron();
  CHECK(ks.size() == model.size());
  for (auto& [k, v] : model) CHECK(ks.Find(k)->str() == v);
  CHECK(AllKeys(ks).size() == model.size());
}

TEST_CASE("keyspace: slots") {
  ManualClock clock;
  Keyspace ks(&clock);
  int slot = KeyHashSlot("{user1}");
  for (int i = 0; i < 30; i++) ks.SetString("{user1}:" + std::to_string(i), "v", i % 2 ? clock.NowMs() + 100000 : -1);
  ks.SetString("other", "v");
  CHECK(ks.CountKeysInSlot(slot) == 30);
  CHECK(ks.CountKeysInSlot(-1) == 0);
  CHECK(ks.CountKeysInSlot(kClusterSlots) == 0);
  auto keys = ks.GetKeysInSlot(slot, 10);
  CHECK(keys.size() == 10);
  for (auto& k : keys) CHECK(KeyHashSlot(k) == slot);
  auto all = ks.GetKeysInSlot(slot, 100);
  CHECK(all.size() == 30);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 30);
  CHECK(ks.GetKeysInSlot(slot, 0).empty());
  CHECK(ks.expires_size() == 15);
  int objs = g_live_objects;
  ks.SetObject("{user1}obj", std::make_unique<TestObj>("o"));
  ks.DeleteKeysInSlot(slot);
  CHECK(g_live_objects == objs);
  CHECK(ks.CountKeysInSlot(slot) == 0);
  CHECK(ks.size() == 1);
  CHECK(ks.expires_size() == 0);
  CHECK(ks.Find("other") != nullptr);
  CHECK(ks.Find("{user1}:0") == nullptr);
  // The volatile index stays consistent after the bulk delete.
  ks.SetString("t", "v", clock.NowMs() + 10);
  clock.AdvanceMs(20);
  CHECK(ks.ActiveExpireCycle(100000) == 1);
  CHECK(ks.size() == 1);
}

TEST_CASE("keyspace: SCAN returns every key present for the whole scan, across resizes") {
  ManualClock clock;
  Keyspace ks(&clock);
  for (int i = 0; i < 5000; i++) ks.SetString("s" + std::to_string(i), "v");
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int added = 0;
  do {
    cursor = ks.Scan(cursor, 10, [&](const Entry& e) { seen.insert(std::string(e.key())); });
    calls++;
    // Grow and shrink tables while scanning: add then remove other keys.
    if (calls % 3 == 0) {
      for (int j = 0; j < 200; j++) ks.SetString("extra" + std::to_string(added++), "v");
    }
    if (calls % 7 == 0) {
      for (int j = added - 150; j < added; j++) {
        if (j >= 0) ks.Delete("extra" + std::to_string(j));
      }
    }
    if (calls % 5 == 0) ks.Cron();
  } while (cursor != 0 && calls < 100000);
  CHECK(cursor == 0);
  for (int i = 0; i < 5000; i++) CHECK(seen.count("s" + std::to_string(i)) == 1);
  // Expired keys are skipped; an empty keyspace ends at once.
  Keyspace empty(&clock);
  CHECK(empty.Scan(0, 10, [](const Entry&) { FAIL("no keys"); }) == 0);
  empty.SetString("gone", "v", clock.NowMs() + 1);
  empty.SetString("here", "v");
  clock.AdvanceMs(5);
  std::vector<std::string> got;
  uint64_t c = 0;
  do {
    c = empty.Scan(c, 100, [&](const Entry& e) { got.emplace_back(e.key()); });
  } while (c != 0);
  CHECK(got == std::vector<std::string>{"here"});
}

TEST_CASE("keyspace: RandomEntry") {
  ManualClock clock;
  Keyspace ks(&clock);
  CHECK(ks.RandomEntry() == nullptr);
  for (int i = 0; i < 100; i++) ks.SetString("r" + std::to_string(i), "v");
  std::set<std::string> seen;
  for (int i = 0; i < 3000; i++) seen.insert(std::string(ks.RandomEntry()->key()));
  CHECK(seen.size() == 100);  // every key comes up (probability of a miss ~ 100*e^-30)
  // Expired keys are never returned; they are deleted on the way.
  Keyspace ks2(&clock);
  for (int i = 0; i < 10; i++) ks2.SetString("x" + std::to_string(i), "v", clock.NowMs() + 1);
  ks2.SetString("live", "v");
  clock.AdvanceMs(2);
  for (int i = 0; i < 50; i++) CHECK(ks2.RandomEntry()->key() == "live");
  Keyspace ks3(&clock);
  ks3.SetString("x", "v", clock.NowMs() + 1);
  clock.AdvanceMs(2);
  CHECK(ks3.RandomEntry() == nullptr);
  CHECK(ks3.size() == 0);
}

TEST_CASE("keyspace: active expiry") {
  ManualClock clock;
  Keyspace ks(&clock);
  HookLog log;
  log.Attach(ks);
  int64_t now = clock.NowMs();
  for (int i = 0; i < 1000; i++) ks.SetString("e" + std::to_string(i), "v", now + 100);
  for (int i = 0; i < 1000; i++) ks.SetString("f" + std::to_string(i), "v", now + 100000);
  for (int i = 0; i < 100; i++) ks.SetString("p" + std::to_string(i), "v");
  CHECK(ks.ActiveExpireCycle(100000) == 0);
  CHECK(ks.avg_ttl_ms() > 0);
  clock.AdvanceMs(200);
  size_t removed = 0;
  for (int i = 0; i < 200 && removed < 1000; i++) removed += ks.ActiveExpireCycle(100000);
  CHECK(removed == 1000);
  CHECK(ks.size() == 1100);
  CHECK(ks.expires_size() == 1000);
  CHECK(ks.stats().expired_keys == 1000);
  CHECK(log.calls.size() == 1000);
  for (auto& c : log.calls) CHECK(c.second == Keyspace::DeleteReason::kExpired);
  CHECK(ks.Find("f5") != nullptr);
}

TEST_CASE("keyspace: eviction allkeys-lru and volatile-ttl") {
  ManualClock clock;
  Keyspace ks(&clock);
  HookLog log;
  log.Attach(ks);
  // Old keys first, then recent ones.
  for (int i = 0; i < 500; i++) ks.SetString("old" + std::to_string(i), std::string(100, 'o'));
  clock.AdvanceMs(100000);
  for (int i = 0; i < 500; i++) ks.SetString("new" + std::to_string(i), std::string(100, 'n'));
  CHECK(ks.Evict(1 << 20, 5) == 0);  // noeviction (the default)
  ks.set_eviction_policy(EvictionPolicy::kAllKeysLru);
  size_t n = ks.Evict(200 * 100, 10);
  CHECK(n > 0);
  CHECK(n <= 200);
  CHECK(ks.size() == 1000 - n);
  CHECK(ks.stats().evicted_keys == n);
  REQUIRE(log.calls.size() == n);
  size_t old_evicted = 0;
  for (auto& c : log.calls) {
    CHECK(c.second == Keyspace::DeleteReason::kEvicted);
    if (c.first.rfind("old", 0) == 0) old_evicted++;
  }
  CHECK(old_evicted * 10 >= n * 9);  // approximated LRU: overwhelmingly the old keys

  // volatile-ttl: only keys with a TTL, the soonest first.
  Keyspace v(&clock);
  HookLog vlog;
  vlog.Attach(v);
  int64_t now = clock.NowMs();
  for (int i = 0; i < 100; i++) v.SetString("soon" + std::to_string(i), std::string(50, 's'), now + 1000 + i);
  for (int i = 0; i < 100; i++) v.SetString("late" + std::to_string(i), std::string(50, 'l'), now + 1000000 + i);
  for (int i = 0; i < 100; i++) v.SetString("never" + std::to_string(i), std::string(50, 'x'));
  v.set_eviction_policy(EvictionPolicy::kVolatileTtl);
  size_t m = v.Evict(20 * 50, 10);
  CHECK(m > 0);
  size_t soon = 0;
  for (auto& c : vlog.calls) {
    CHECK(c.first.rfind("never", 0) != 0);
    if (c.first.rfind("soon", 0) == 0) soon++;
  }
  CHECK(soon * 10 >= m * 9);
  // Evicting everything volatile leaves the persistent keys.
  v.Evict(int64_t{1} << 40, 5);
  CHECK(v.expires_size() == 0);
  CHECK(v.size() == 100);
  // allkeys-lru empties the keyspace when asked for more than it holds.
  v.set_eviction_policy(EvictionPolicy::kAllKeysLru);
  v.Evict(int64_t{1} << 40, 5);
  CHECK(v.size() == 0);
}

TEST_CASE("keyspace: Clear frees everything and memory comes back") {
  ManualClock clock;
  int objs = g_live_objects;
  Keyspace ks(&clock);
  int64_t before = UsedMemory();
  for (int i = 0; i < 20000; i++) {
    std::string k = "clear:" + std::to_string(i);
    if (i % 10 == 0) {
      ks.SetObject(k, std::make_unique<TestObj>("obj"), clock.NowMs() + 100000);
    } else {
      ks.SetString(k, "value" + std::to_string(i), i % 3 ? -1 : clock.NowMs() + 5000);
    }
  }
  CHECK(UsedMemory() > before + 20000 * 40);
  ks.Clear();
  CHECK(ks.size() == 0);
  CHECK(ks.expires_size() == 0);
  CHECK(g_live_objects == objs);
  CHECK(UsedMemory() <= before + 1024);
  CHECK(ks.Find("clear:1") == nullptr);
  ks.SetString("again", "v");
  CHECK(ks.Find("again")->str() == "v");
}

}  // namespace rcs

TEST_CASE("GrowString lengthens a string with zero bytes, keeps its expiry, across a longer length varint") {
  rcs::ManualClock clock;
  rcs::Keyspace ks(&clock);
  ks.SetString("k", std::string(100, 'x'), clock.NowMs() + 100000);
  rcs::Entry* e = ks.GrowString("k", 200);  // the length varint goes from 1 to 2 bytes
  REQUIRE(e != nullptr);
  CHECK(e->str() == std::string(100, 'x') + std::string(100, '\0'));
  CHECK(e->expire_at_ms() == clock.NowMs() + 100000);
  CHECK(ks.GrowString("k", 50)->str().size() == 200);  // never shrinks
  for (size_t n = 201; n < 20000; n += 97) REQUIRE(ks.GrowString("k", n)->str().size() == n);
  CHECK(ks.Find("k")->str().substr(0, 100) == std::string(100, 'x'));
  CHECK(ks.GrowString("missing", 10) == nullptr);
  CHECK(ks.expires_size() == 1);
}
