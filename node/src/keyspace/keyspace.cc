// The keyspace implementation: lookups and writes of records (their encoding is in entry_record.h), the
// volatile array, SCAN and the per-slot index API. The per-slot tables are in slot_dict.*, the active expiry
// cycle in active_expiry.cc, eviction in eviction.cc; keyspace_impl.h lists what lives where.
#include "keyspace/keyspace.h"

#include <algorithm>
#include <cstring>

#include "base/alloc.h"
#include "base/crc16.h"
#include "keyspace/entry_record.h"
#include "keyspace/keyspace_impl.h"
#include "keyspace/slot_dict.h"

namespace rcs {

using namespace keyspace_internal;

// ---- Entry accessors ----
ObjType Entry::type() const { return static_cast<ObjType>(Meta(this) & kTypeMask); }
std::string_view Entry::key() const { return KeyOf(this); }
std::string_view Entry::str() const {
  uint64_t n;
  const uint8_t* p = GetVar(ValueField(this, Meta(this)), &n);
  return {reinterpret_cast<const char*>(p), n};
}

char* Entry::mutable_str() { return const_cast<char*>(str().data()); }

Object* Entry::obj() const { return ObjOf(this); }
bool Entry::has_expire() const { return (Meta(this) & kHasExpire) != 0; }
int64_t Entry::expire_at_ms() const { return has_expire() ? ExpireOf(this) : -1; }
uint32_t Entry::lru() const { return Meta(this) >> kLruShift; }

// ---- Impl ----

// mode: 0 Find, 1 FindRead, 2 FindWrite
Entry* Keyspace::Impl::Lookup(std::string_view key, int mode) {
  int slot = KeyHashSlot(key);
  Table* t = dict.PrepareSlot(slot);
  if (t != nullptr) {
    Pos pos = dict.Locate(t, dict.Hash(key), key);
    if (pos.e != nullptr) {
      uint32_t m = Meta(pos.e);
      int64_t now = -1;
      if (m & kHasExpire) {
        now = NowMs();
        if (Expired(now, ExpireOf(pos.e))) {
          if (!paused) DeleteExpired(pos, slot);
          if (mode == 1) stats.keyspace_misses++;
          return nullptr;
        }
      }
      if (mode != 0) {
        if (now < 0) now = NowMs();
        // Not while a forked child shares our pages (redis-server's hasActiveChildProcess check): writing the
        // access bits of every key read would copy its page.
        if (rehash_paused == 0 && !no_touch) SetMeta(pos.e, WithLru(m, Touched(m >> kLruShift, now)));
        if (mode == 1) stats.keyspace_hits++;
        else if (mode == 2) SizeTouch(pos.e, m);
      }
      return pos.e;
    }
  }
  if (mode == 1) stats.keyspace_misses++;
  return nullptr;
}

// Finds a key for modification. An expired key is deleted first and reported absent; but while expiry is
// paused (a replica) it is returned as is: writes then come from the master, which still sees the key (as
// Redis's replicas never treat keys as expired for their master's commands), and the master's DEL for an
// expired key must remove it. Inserting beside it would duplicate the key.
Keyspace::Impl::Pos Keyspace::Impl::FindLive(std::string_view key, int* slot) {
  *slot = KeyHashSlot(key);
  Table* t = dict.PrepareSlot(*slot);
  Pos pos = dict.Locate(t, dict.Hash(key), key);
  if (pos.e != nullptr && !paused && (Meta(pos.e) & kHasExpire) && Expired(NowMs(), ExpireOf(pos.e))) {
    DeleteExpired(pos, *slot);
    return Pos{};
  }
  return pos;
}

// Builds a record. For strings `sval` is the value; otherwise `obj` is stored.
Entry* Keyspace::Impl::NewEntry(std::string_view key, uint32_t type, uint32_t lru, int64_t expire,
                                std::string_view sval, Object* obj) {
  bool is_string = type == static_cast<uint32_t>(ObjType::kString);
  bool has_expire = expire >= 0;
  size_t sz = EntrySize(has_expire, key.size(), is_string, sval.size());
  uint8_t* p = static_cast<uint8_t*>(AllocChecked(sz));
  Entry* e = reinterpret_cast<Entry*>(p);
  *NextOf(e) = 0;
  SetMeta(e, type | (has_expire ? kHasExpire : 0) | (lru << kLruShift));
  uint8_t* q = p + kBaseHeader;
  if (has_expire) {
    SetExpireOf(e, expire);
    SetVolIdx(e, 0);
    q += kExpireBytes;
  }
  q = PutVar(q, key.size());
  memcpy(q, key.data(), key.size());
  q += key.size();
  if (is_string) {
    q = PutVar(q, sval.size());
    if (!sval.empty()) memcpy(q, sval.data(), sval.size());
  } else {
    memcpy(q, &obj, sizeof(obj));
  }
  return e;
}

Entry* Keyspace::Impl::Add(std::string_view key, uint32_t type, std::string_view sval, Object* obj,
                          int64_t expire_at) {
  // FindLive, keeping the hash for the insert.
  int slot = KeyHashSlot(key);
  Table* t = dict.PrepareSlot(slot);
  uint64_t h = dict.Hash(key);
  Pos pos = dict.Locate(t, h, key);
  if (pos.e != nullptr && !paused && (Meta(pos.e) & kHasExpire) && Expired(NowMs(), ExpireOf(pos.e))) {
    DeleteExpired(pos, slot);
    pos = Pos{};
  }
  if (pos.e != nullptr) {
    delete obj;
    return nullptr;
  }
  Entry* e = NewEntry(key, type, FreshAccess(NowMs()), expire_at, sval, obj);
  dict.Insert(slot, h, e);
  if (expire_at >= 0) VolAdd(e);
  SizeAdd(e);
  return e;
}

Entry* Keyspace::Impl::Set(std::string_view key, uint32_t type, std::string_view sval, Object* obj,
                          int64_t expire_at, bool keep_ttl) {
  int slot;
  Pos pos = FindLive(key, &slot);
  const int64_t now = NowMs();
  uint32_t lru = FreshAccess(now);
  const bool is_string = type == static_cast<uint32_t>(ObjType::kString);
  if (pos.e == nullptr) {
    uint64_t h = dict.Hash(key);
    Entry* e = NewEntry(key, type, lru, expire_at, sval, obj);
    dict.Insert(slot, h, e);
    if (expire_at >= 0) VolAdd(e);
    SizeAdd(e);
    return e;
  }
  Entry* old = pos.e;
  SizeRemove(old);
  const uint32_t om = Meta(old);
  // Redis's setKey looks the key up for writing (an access) and, under LFU, the new value keeps the old
  // one's counter (dbOverwrite); otherwise it gets the current clock.
  if (lfu()) lru = rehash_paused == 0 && !no_touch ? Touched(om >> kLruShift, now) : om >> kLruShift;
  const bool old_has = (om & kHasExpire) != 0;
  int64_t exp = expire_at >= 0 ? expire_at : (keep_ttl && old_has ? ExpireOf(old) : -1);
  const bool new_has = exp >= 0;
  const bool old_string = (om & kTypeMask) == static_cast<uint32_t>(ObjType::kString);
  if (is_string && old_string && old_has == new_has) {
    // Same layout up to the value: rewrite in place when the allocation fits without much waste.
    uint8_t* vf = const_cast<uint8_t*>(ValueField(old, om));
    uint64_t oldlen;
    GetVar(vf, &oldlen);
    if (VarintLen(oldlen) == VarintLen(sval.size())) {
      size_t need = (vf - Bytes(old)) + VarintLen(sval.size()) + sval.size();
      size_t have = AllocationSize(old);
      if (need <= have && have - need <= std::max<size_t>(16, need / 4)) {
        uint8_t* q = PutVar(vf, sval.size());
        if (!sval.empty()) memmove(q, sval.data(), sval.size());  // sval may alias the old value
        SetMeta(old, WithLru(om, lru));
        if (new_has) SetExpireOf(old, exp);
        SizeAdd(old);
        return old;
      }
    }
  }
  Entry* ne = NewEntry(key, type, lru, exp, sval, obj);
  if (!old_string) delete ObjOf(old);
  if (old_has && new_has) {
    uint32_t idx = VolIdx(old);
    SetVolIdx(ne, idx);
    vol[idx] = ne;
  } else if (old_has) {
    VolRemove(old);
  } else if (new_has) {
    VolAdd(ne);
  }
  Replace(pos, ne);
  SizeAdd(ne);
  return ne;
}

// Reallocates the entry at pos to `new_size` bytes (content up to min(old, new) preserved) and fixes the
// link and the volatile array. Returns the (possibly moved) entry.
Entry* Keyspace::Impl::Resize(const Pos& pos, size_t new_size) {
  Entry* old = pos.e;
  Entry* ne = static_cast<Entry*>(CountedRealloc(old, new_size));
  if ((reinterpret_cast<uint64_t>(ne) & ~kPtrMask) != 0) abort();
  if (ne != old) {
    *pos.link = MakeLink(ne, *pos.link);  // the next field moved with the content
    if (Meta(ne) & kHasExpire) vol[VolIdx(ne)] = ne;
  }
  return ne;
}

// Puts `ne` where pos.e was (same key, same chain position) and frees the old record (not its object).
void Keyspace::Impl::Replace(const Pos& pos, Entry* ne) {
  Entry* old = pos.e;
  *NextOf(ne) = *NextOf(old);
  *pos.link = MakeLink(ne, *pos.link);
  CountedFree(old);
}

void Keyspace::Impl::ClearAll() {
  dict.Clear([](Entry* e) { FreeEntry(e, true); });
  std::vector<Entry*>().swap(vol);
  std::vector<PoolItem>().swap(pool);
  sizes.Clear();
  std::vector<TouchedObject>().swap(touched);
  expire_cursor = 0;
  avg_ttl = 0;
}

// ---- Keyspace ----
Keyspace::Keyspace(const Clock* clock) : impl_(std::make_unique<Impl>(clock)) {}
Keyspace::~Keyspace() = default;

void Keyspace::set_delete_hook(DeleteHook hook) { impl_->hook = std::move(hook); }
void Keyspace::set_expiry_paused(bool paused) { impl_->paused = paused; }
void Keyspace::set_expiry_disabled(bool disabled) { impl_->expiry_disabled = disabled; }
void Keyspace::PauseRehash() { impl_->rehash_paused++; }
void Keyspace::set_no_touch(bool no_touch) { impl_->no_touch = no_touch; }
void Keyspace::ResumeRehash() {
  if (impl_->rehash_paused > 0) impl_->rehash_paused--;
}

Entry* Keyspace::Find(std::string_view key) { return impl_->Lookup(key, 0); }
Entry* Keyspace::FindRead(std::string_view key) { return impl_->Lookup(key, 1); }
Entry* Keyspace::FindWrite(std::string_view key) { return impl_->Lookup(key, 2); }
Entry* Keyspace::FindStored(std::string_view key) {
  int slot;
  return impl_->dict.LocateKey(key, &slot).e;
}

Entry* Keyspace::SetString(std::string_view key, std::string_view value, int64_t expire_at_ms, bool keep_ttl) {
  return impl_->Set(key, static_cast<uint32_t>(ObjType::kString), value, nullptr, expire_at_ms, keep_ttl);
}

Entry* Keyspace::SetObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms,
                           bool keep_ttl) {
  uint32_t type = static_cast<uint32_t>(obj->type());
  Entry* e = impl_->Set(key, type, {}, obj.release(), expire_at_ms, keep_ttl);
  impl_->SizeTouch(e, Meta(e));  // commands often fill a value after storing it
  return e;
}

void Keyspace::SizeHint(uint64_t keys, uint64_t expires) {
  impl_->dict.SetSizeHint(keys);
  if (expires > impl_->vol.size()) impl_->vol.reserve(impl_->vol.size() + expires);
}

Entry* Keyspace::AddString(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  return impl_->Add(key, static_cast<uint32_t>(ObjType::kString), value, nullptr, expire_at_ms);
}

Entry* Keyspace::AddObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms) {
  uint32_t type = static_cast<uint32_t>(obj->type());
  Entry* e = impl_->Add(key, type, {}, obj.release(), expire_at_ms);
  if (e != nullptr) impl_->SizeTouch(e, Meta(e));
  return e;
}

// ---- BulkAdd ----

Keyspace::BulkAdd::~BulkAdd() { Drop(); }

bool Keyspace::BulkAdd::AddString(std::string_view key, std::string_view value, int64_t expire_at_ms,
                                  uint64_t tag, int64_t lfu_freq, int64_t lru_idle_s) {
  if (failed_) return false;
  Impl& m = *db_.impl_;
  Entry* e = Impl::NewEntry(key, static_cast<uint32_t>(ObjType::kString), m.FreshAccess(m.NowMs()),
                            expire_at_ms, value, nullptr);
  if (lfu_freq >= 0 || lru_idle_s >= 0) db_.SetAccessInfo(e, lfu_freq, lru_idle_s);
  return Push(e, key, tag);
}

bool Keyspace::BulkAdd::AddObject(std::string_view key, std::unique_ptr<Object> obj, int64_t expire_at_ms,
                                  uint64_t tag, int64_t lfu_freq, int64_t lru_idle_s) {
  if (failed_) return false;
  Impl& m = *db_.impl_;
  uint32_t type = static_cast<uint32_t>(obj->type());
  Entry* e = Impl::NewEntry(key, type, m.FreshAccess(m.NowMs()), expire_at_ms, {}, obj.release());
  if (lfu_freq >= 0 || lru_idle_s >= 0) db_.SetAccessInfo(e, lfu_freq, lru_idle_s);
  return Push(e, key, tag);
}

bool Keyspace::BulkAdd::Push(Entry* e, std::string_view key, uint64_t tag) {
  auto& dict = db_.impl_->dict;
  // The queued keys move one step on: the oldest is linked, the ones kBucketAge and kChainAge keys old get
  // their next prefetch.
  if (count_ == kDepth) {
    Pending p = q_[head_];
    head_ = (head_ + 1) % (kDepth + 1);
    count_--;
    if (!Commit(p)) {
      Impl::FreeEntry(e, true);
      return false;
    }
  }
  if (count_ >= kBucketAge) {
    const Pending& p = q_[(head_ + count_ - kBucketAge) % (kDepth + 1)];
    dict.PrefetchBucket(p.slot, p.h);
  }
  if (count_ >= kChainAge) {
    const Pending& p = q_[(head_ + count_ - kChainAge) % (kDepth + 1)];
    dict.PrefetchChain(p.slot, p.h);
  }
  Pending& n = q_[(head_ + count_) % (kDepth + 1)];
  n.e = e;
  n.slot = KeyHashSlot(key);
  n.h = dict.Hash(key);
  n.tag = tag;
  count_++;
  dict.PrefetchTable(n.slot);
  return true;
}

// Impl::Add for a record built already.
bool Keyspace::BulkAdd::Commit(const Pending& p) {
  Impl& m = *db_.impl_;
  Table* t = m.dict.PrepareSlot(p.slot);
  Impl::Pos pos = m.dict.Locate(t, p.h, KeyOf(p.e));
  if (pos.e != nullptr && !m.paused && (Meta(pos.e) & kHasExpire) && m.Expired(m.NowMs(), ExpireOf(pos.e))) {
    m.DeleteExpired(pos, p.slot);
    pos = Impl::Pos{};
  }
  if (pos.e != nullptr) {
    failed_ = true;
    dup_key_ = std::string(KeyOf(p.e));
    dup_tag_ = p.tag;
    Impl::FreeEntry(p.e, true);
    Drop();
    return false;
  }
  m.dict.Insert(p.slot, p.h, p.e);
  if (Meta(p.e) & kHasExpire) m.VolAdd(p.e);
  m.SizeAdd(p.e);
  return true;
}

bool Keyspace::BulkAdd::Flush() {
  while (!failed_ && count_ > 0) {
    Pending p = q_[head_];
    head_ = (head_ + 1) % (kDepth + 1);
    count_--;
    Commit(p);
  }
  return !failed_;
}

void Keyspace::BulkAdd::Drop() {
  for (; count_ > 0; count_--) {
    Impl::FreeEntry(q_[head_].e, true);
    head_ = (head_ + 1) % (kDepth + 1);
  }
}

Entry* Keyspace::GrowString(std::string_view key, size_t new_len) {
  Impl& m = *impl_;
  int slot;
  Impl::Pos pos = m.FindLive(key, &slot);
  if (pos.e == nullptr || (Meta(pos.e) & kTypeMask) != static_cast<uint32_t>(ObjType::kString)) return nullptr;
  const uint8_t* vf = ValueField(pos.e, Meta(pos.e));
  const size_t head = static_cast<size_t>(vf - Bytes(pos.e));
  uint64_t old_len;
  const size_t old_varlen = static_cast<size_t>(GetVar(vf, &old_len) - vf);
  if (new_len <= old_len) return pos.e;
  const size_t new_varlen = VarintLen(new_len);
  m.sizes.Remove(0, KeySizes::Bin(old_len));
  m.sizes.Add(0, KeySizes::Bin(new_len));
  // The value is the record's last field: growing it is a realloc, plus a shift when its length varint
  // gets longer. The allocation grows greedily as Redis's sds does (twice the need up to 1 MB, then 1 MB
  // more), so a bitmap grown a byte at a time is reallocated O(log n) times, not copied on every SETBIT.
  const size_t need = head + new_varlen + new_len;
  Entry* e = pos.e;
  if (AllocationSize(e) < need) {
    constexpr size_t kMiB = 1024 * 1024;
    e = m.Resize(pos, need < kMiB ? need * 2 : need + kMiB);
  }
  uint8_t* p = Bytes(e) + head;
  if (new_varlen != old_varlen) memmove(p + new_varlen, p + old_varlen, old_len);
  PutVar(p, new_len);
  memset(p + new_varlen + old_len, 0, new_len - old_len);
  return e;
}

bool Keyspace::Delete(std::string_view key) {
  int slot;
  Impl::Pos pos = impl_->FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  impl_->Remove(pos, slot, true);
  return true;
}

bool Keyspace::Rename(std::string_view from, std::string_view to) {
  Impl& m = *impl_;
  int fslot;
  Impl::Pos fp = m.FindLive(from, &fslot);
  if (fp.e == nullptr) return false;
  if (from == to) return true;
  Entry* src = fp.e;
  uint32_t meta = Meta(src);
  uint32_t type = meta & kTypeMask;
  bool is_string = type == static_cast<uint32_t>(ObjType::kString);
  Entry* ne = Impl::NewEntry(to, type, meta >> kLruShift, (meta & kHasExpire) ? ExpireOf(src) : -1,
                             is_string ? src->str() : std::string_view{}, is_string ? nullptr : ObjOf(src));
  // Drop the old `to` (it may precede `from` in a chain: locate `from` again afterwards).
  // `to` and `from` may point into the entries removed below: hash them first, and insert with the new
  // entry's own copy of the key.
  const uint64_t from_hash = m.dict.Hash(from);
  int tslot;
  Impl::Pos tp = m.FindLive(to, &tslot);
  if (tp.e != nullptr) m.Remove(tp, tslot, true);
  fp = m.dict.Locate(m.dict.Tab(fslot), from_hash, from);
  m.Remove(fp, fslot, false);
  m.dict.Insert(tslot, m.dict.Hash(KeyOf(ne)), ne);
  if (Meta(ne) & kHasExpire) m.VolAdd(ne);
  m.SizeAdd(ne);
  return true;
}

bool Keyspace::SetExpire(std::string_view key, int64_t at_ms) {
  Impl& m = *impl_;
  int slot;
  Impl::Pos pos = m.FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  uint32_t meta = Meta(pos.e);
  if (meta & kHasExpire) {
    SetExpireOf(pos.e, at_ms);
    return true;
  }
  size_t len = EntryLength(pos.e);
  Entry* e = m.Resize(pos, len + kExpireBytes);
  uint8_t* p = Bytes(e);
  memmove(p + kBaseHeader + kExpireBytes, p + kBaseHeader, len - kBaseHeader);
  SetMeta(e, meta | kHasExpire);
  SetExpireOf(e, at_ms);
  m.VolAdd(e);
  return true;
}

bool Keyspace::Persist(std::string_view key) {
  Impl& m = *impl_;
  int slot;
  Impl::Pos pos = m.FindLive(key, &slot);
  if (pos.e == nullptr) return false;
  uint32_t meta = Meta(pos.e);
  if (!(meta & kHasExpire)) return false;
  m.VolRemove(pos.e);
  size_t len = EntryLength(pos.e);
  uint8_t* p = Bytes(pos.e);
  memmove(p + kBaseHeader, p + kBaseHeader + kExpireBytes, len - kBaseHeader - kExpireBytes);
  SetMeta(pos.e, meta & ~kHasExpire);
  m.Resize(pos, len - kExpireBytes);
  return true;
}

size_t Keyspace::size() const { return impl_->dict.total(); }
size_t Keyspace::expires_size() const { return impl_->vol.size(); }
int64_t Keyspace::avg_ttl_ms() const { return impl_->vol.empty() ? 0 : impl_->avg_ttl; }
void Keyspace::Clear() { impl_->ClearAll(); }

uint64_t Keyspace::Scan(uint64_t cursor, size_t count, const std::function<void(const Entry&)>& fn) {
  Impl& m = *impl_;
  if (count == 0) count = 1;
  int slot = static_cast<int>(cursor & (kClusterSlots - 1));
  uint64_t v = cursor >> kSlotBits;
  size_t visited = 0, iterations = 0;
  const size_t max_iterations = count * 10;
  const int64_t now = m.NowMs();
  auto emit = [&](Entry* e) {
    visited++;
    if ((Meta(e) & kHasExpire) && m.Expired(now, ExpireOf(e))) return;
    fn(*e);
  };
  while (true) {
    Table* t = m.dict.Tab(slot);
    if (t != nullptr) {
      v = m.dict.ScanStep(t, v, emit);
      iterations++;
      if (v != 0) {
        if (visited >= count || iterations >= max_iterations) return (v << kSlotBits) | static_cast<uint64_t>(slot);
        continue;
      }
    }
    v = 0;
    if (++slot == kClusterSlots) return 0;
    if (visited >= count || iterations >= max_iterations) return static_cast<uint64_t>(slot);
  }
}

void Keyspace::ForEach(const std::function<void(const Entry&)>& fn) {
  for (int s = 0; s < kClusterSlots; s++) ForEachInSlot(s, fn);
}

void Keyspace::ForEachStored(const std::function<void(const Entry&)>& fn) {
  Impl& m = *impl_;
  for (int s = 0; s < kClusterSlots; s++) {
    Table* t = m.dict.Tab(s);
    if (t == nullptr) continue;
    m.dict.ForEachInTable(t, [&](Entry* e) {
      fn(*e);
      return true;
    });
  }
}

size_t Keyspace::ForEachInSlot(int slot, const std::function<void(const Entry&)>& fn) {
  Impl& m = *impl_;
  Table* t = m.dict.Tab(slot);
  if (t == nullptr) return 0;
  const int64_t now = m.NowMs();
  size_t n = 0;
  m.dict.ForEachInTable(t, [&](Entry* e) {
    if (!(Meta(e) & kHasExpire) || !m.Expired(now, ExpireOf(e))) {
      fn(*e);
      n++;
    }
    return true;
  });
  return n;
}

Entry* Keyspace::RandomEntry() {
  Impl& m = *impl_;
  const int64_t now = m.NowMs();
  Entry* last = nullptr;
  for (int tries = 0; tries < 100 && m.dict.total() > 0; tries++) {
    Entry* e = m.dict.RandomEntry([&] { return m.Rand(); });
    if (!(Meta(e) & kHasExpire) || now <= ExpireOf(e)) return e;
    last = e;
    if (!m.paused) {
      int slot;
      Impl::Pos pos = m.dict.LocateKey(KeyOf(e), &slot);
      m.DeleteExpired(pos, slot);
      last = nullptr;
    }
  }
  // On a replica where every sampled key is logically expired, Redis returns one anyway (no endless loop).
  return last;
}

size_t Keyspace::CountKeysInSlot(int slot) const {
  if (slot < 0 || slot >= kClusterSlots) return 0;
  return impl_->dict.CountInSlot(slot);
}

std::vector<std::string> Keyspace::GetKeysInSlot(int slot, size_t count) const {
  std::vector<std::string> out;
  if (slot < 0 || slot >= kClusterSlots || count == 0) return out;
  Table* t = impl_->dict.Tab(slot);
  if (t == nullptr) return out;
  impl_->dict.ForEachInTable(t, [&](Entry* e) {
    out.emplace_back(KeyOf(e));
    return out.size() < count;
  });
  return out;
}

void Keyspace::DeleteKeysInSlot(int slot) {
  Impl& m = *impl_;
  if (slot < 0 || slot >= kClusterSlots || m.dict.Tab(slot) == nullptr) return;
  m.dict.ClearSlot(slot, [&](Entry* e) {
    m.SizeRemove(e);
    if (Meta(e) & kHasExpire) m.VolRemove(e);
    Impl::FreeEntry(e, true);
  });
}

const KeyspaceStats& Keyspace::stats() const { return impl_->stats; }

const KeySizes& Keyspace::key_sizes() const { return impl_->sizes; }

void Keyspace::SettleKeySizes() {
  if (!impl_->touched.empty()) impl_->Settle();
}
void Keyspace::ResetStats() {
  impl_->stats = KeyspaceStats{};
  impl_->stale_perc = 0;
}

void Keyspace::Cron() {
  if (impl_->rehash_paused == 0) impl_->dict.RehashCron();
}

}  // namespace rcs
