#include "keyspace/stream_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {

// ---------------------------------------------------------------------------------------------------------
// Ids.

bool StreamId::Incr() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) return false;
    ms++;
    seq = 0;
  } else {
    seq++;
  }
  return true;
}

bool StreamId::Decr() {
  if (seq == 0) {
    if (ms == 0) return false;
    ms--;
    seq = UINT64_MAX;
  } else {
    seq--;
  }
  return true;
}

void StreamId::AppendTo(std::string* out) const {
  char buf[48];
  auto r = std::to_chars(buf, buf + sizeof(buf), ms);
  *r.ptr++ = '-';
  r = std::to_chars(r.ptr, buf + sizeof(buf), seq);
  out->append(buf, r.ptr - buf);
}

std::string StreamId::ToString() const {
  std::string s;
  AppendTo(&s);
  return s;
}

void StreamId::ToBigEndian(unsigned char out[16]) const {
  for (int i = 0; i < 8; i++) {
    out[i] = static_cast<unsigned char>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<unsigned char>(seq >> (56 - 8 * i));
  }
}

StreamId StreamId::FromBigEndian(const unsigned char in[16]) {
  StreamId id;
  for (int i = 0; i < 8; i++) {
    id.ms = (id.ms << 8) | in[i];
    id.seq = (id.seq << 8) | in[8 + i];
  }
  return id;
}

namespace {

// Redis's string2ull (util.c), which streamGenericParseIDOrReply uses: a strict decimal int64 (string2ll)
// that is not negative, or else whatever strtoull(s, 10) reads completely without ERANGE: leading
// whitespace, a '+' or '-' sign (a '-' negates modulo 2^64, as strtoull does) and leading zeros.
bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    i++;
  }
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;  // ERANGE
    v = v * 10 + d;
  }
  // string2ll accepted it first when it is a canonical negative int64: string2ull then refuses it.
  if (neg && v != 0) {
    size_t j = 0;
    bool canonical = s[0] == '-' && s.size() > 1 && s[1] >= '1' && s[1] <= '9';
    for (j = 1; canonical && j < s.size(); j++) canonical = s[j] >= '0' && s[j] <= '9';
    if (canonical && v <= static_cast<uint64_t>(INT64_MAX) + 1) return false;
  }
  *out = neg ? 0 - v : v;
  return true;
}

}  // namespace

bool ParseStreamId(std::string_view s, uint64_t missing_seq, bool strict, bool allow_seq_auto,
                   StreamIdParse* out) {
  // Redis copies the argument into a 128-byte buffer first: longer ones are invalid, and the C string ends
  // at the first NUL byte.
  if (s.size() > 127) return false;
  if (size_t nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
  out->seq_given = true;
  out->seq_auto = false;
  if (s.size() == 1 && (s[0] == '-' || s[0] == '+')) {  // (an empty argument is not one of them)
    if (strict) return false;
    out->id = s[0] == '-' ? StreamId::Min() : StreamId::Max();
    return true;
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseU64(s, &out->id.ms)) return false;
    out->id.seq = missing_seq;  // seq_given stays true, as in Redis ("5" in XADD is 5-0)
    return true;
  }
  if (!ParseU64(s.substr(0, dash), &out->id.ms)) return false;
  std::string_view rest = s.substr(dash + 1);
  if (allow_seq_auto && rest == "*") {
    out->id.seq = 0;
    out->seq_given = false;
    out->seq_auto = true;
    return true;
  }
  return ParseU64(rest, &out->id.seq);
}

bool ParseStreamId(std::string_view s, uint64_t missing_seq, StreamId* out) {
  StreamIdParse p;
  if (!ParseStreamId(s, missing_seq, false, false, &p)) return false;
  *out = p.id;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Blocks.
//
// data = varint n_master_fields, master fields (each PutBytes), then entries from entries_off:
//   varint header = (ms_code << 1) | same_fields, where ms_code = ms_delta when ms_delta < kMsEscape, else
//   kMsEscape followed by varint ms_delta;  then (not for entry 0) varint seq_part;  then, unless
//   same_fields, varint npairs and per pair field, value; else the values only. Strings are PutBytes.
// Entry 0's id is the block's `first`; later ones are relative to the previous entry (see the header).

namespace {

constexpr uint64_t kMsEscape = (uint64_t{1} << 62) - 1;

inline uint64_t ReadVarint(const char** p) {
  const unsigned char* q = reinterpret_cast<const unsigned char*>(*p);
  uint64_t v = 0;
  int shift = 0;
  while (*q & 0x80) {
    v |= static_cast<uint64_t>(*q & 0x7f) << shift;
    shift += 7;
    q++;
  }
  v |= static_cast<uint64_t>(*q) << shift;
  *p = reinterpret_cast<const char*>(q + 1);
  return v;
}

inline std::string_view ReadStr(const char** p) {
  uint64_t n = ReadVarint(p);
  std::string_view s(*p, n);
  *p += n;
  return s;
}

// Size of one element of a Redis listpack (encoding + data + backlen), for the node-full rule.
size_t LpBacklenSize(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}
size_t LpIntSize(int64_t v) {
  size_t enc;
  if (v >= 0 && v <= 127) enc = 1;
  else if (v >= -4096 && v <= 4095) enc = 2;
  else if (v >= -32768 && v <= 32767) enc = 3;
  else if (v >= -8388608 && v <= 8388607) enc = 4;
  else if (v >= -2147483648LL && v <= 2147483647LL) enc = 5;
  else enc = 9;
  return enc + LpBacklenSize(enc);
}
// Redis's lpStringToInt64: canonical decimal int64 text of 1..20 bytes.
bool LpStringToInt64(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    *v = 0;
    return true;
  }
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t u = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (u > (UINT64_MAX - d) / 10) return false;
    u = u * 10 + d;
  }
  if (neg) {
    if (u > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *v = static_cast<int64_t>(0 - u);
  } else {
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    *v = static_cast<int64_t>(u);
  }
  return true;
}
size_t LpStrSize(std::string_view s) {
  int64_t v;
  if (LpStringToInt64(s, &v)) return LpIntSize(v);
  size_t enc = s.size() < 64 ? 1 + s.size() : s.size() < 4096 ? 2 + s.size() : 5 + s.size();
  return enc + LpBacklenSize(enc);
}

}  // namespace

struct StreamValue::Block {
  StreamId master;      // id of the first entry ever added (Redis's node key / master id)
  StreamId first;       // first live entry
  StreamId last;        // last live entry
  StreamId tail;        // last entry ever added (Redis's last id of the node, tombstones included)
  uint32_t count = 0;   // live entries
  uint32_t slots = 0;   // entries ever added (Redis's count + deleted)
  uint32_t lp_bytes = 0;      // bytes Redis's listpack of this node has, without its count/deleted elements
  uint32_t entries_off = 0;   // where the entries start in data
  std::string data;

  // Parsed master fields (views into data).
  void MasterFields(std::vector<std::string_view>* out) const {
    out->clear();
    const char* p = data.data();
    uint64_t n = ReadVarint(&p);
    for (uint64_t i = 0; i < n; i++) out->push_back(ReadStr(&p));
  }
  size_t RedisLpBytes() const {
    return lp_bytes + LpIntSize(count) + LpIntSize(static_cast<int64_t>(slots - count));
  }
};

// Sequential decoder of one block.
class StreamBlockIter {
 public:
  explicit StreamBlockIter(const StreamValue::Block& b) : b_(b) {
    b.MasterFields(&master_);
    p_ = b.data.data() + b.entries_off;
    end_ = b.data.data() + b.data.size();
  }
  bool done() const { return p_ >= end_; }
  const char* pos() const { return p_; }
  // Decodes the next entry: its id, and (when fv != nullptr) its field/value views. Returns its start.
  const char* Next(StreamId* id, StreamValue::FieldValues* fv) {
    const char* start = p_;
    uint64_t h = ReadVarint(&p_);
    bool same = h & 1;
    uint64_t ms_delta = h >> 1;
    if (ms_delta == kMsEscape) ms_delta = ReadVarint(&p_);
    if (index_ == 0) {
      cur_ = b_.first;
    } else {
      uint64_t seq_part = ReadVarint(&p_);
      if (ms_delta == 0) {
        cur_.seq = cur_.seq + seq_part + 1;
      } else {
        cur_.ms += ms_delta;
        cur_.seq = seq_part;
      }
    }
    index_++;
    *id = cur_;
    if (fv) fv->clear();
    if (same) {
      for (std::string_view f : master_) {
        std::string_view v = ReadStr(&p_);
        if (fv) {
          fv->push_back(f);
          fv->push_back(v);
        }
      }
    } else {
      uint64_t n = ReadVarint(&p_);
      for (uint64_t i = 0; i < 2 * n; i++) {
        std::string_view s = ReadStr(&p_);
        if (fv) fv->push_back(s);
      }
    }
    return start;
  }
  // Re-positions at an entry start previously returned by Next, whose id was `id` and index `index`.
  void Seek(const char* pos, StreamId prev_id, size_t index) {
    p_ = pos;
    cur_ = prev_id;
    index_ = index;
  }

 private:
  const StreamValue::Block& b_;
  std::vector<std::string_view> master_;
  const char* p_;
  const char* end_;
  StreamId cur_;
  size_t index_ = 0;
};

namespace {

bool SameAsMaster(const std::vector<std::string_view>& master, const std::string_view* fv, size_t n) {
  if (master.size() * 2 != n) return false;
  for (size_t i = 0; i < master.size(); i++) {
    if (master[i] != fv[2 * i]) return false;
  }
  return true;
}

// Appends one entry's encoding; prev is the previous entry's id (ignored when first_in_block).
void EncodeEntry(std::string* out, bool first_in_block, StreamId prev, StreamId id, bool same,
                 const std::string_view* fv, size_t n) {
  uint64_t ms_delta = first_in_block ? 0 : id.ms - prev.ms;
  uint64_t code = ms_delta < kMsEscape ? ms_delta : kMsEscape;
  PutVarint(out, (code << 1) | (same ? 1 : 0));
  if (code == kMsEscape) PutVarint(out, ms_delta);
  if (!first_in_block) PutVarint(out, ms_delta == 0 ? id.seq - prev.seq - 1 : id.seq);
  if (same) {
    for (size_t i = 1; i < n; i += 2) PutBytes(out, fv[i]);
  } else {
    PutVarint(out, n / 2);
    for (size_t i = 0; i < n; i++) PutBytes(out, fv[i]);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// StreamValue.

StreamValue::StreamValue() = default;
StreamValue::~StreamValue() = default;

ObjType StreamValue::type() const { return ObjType::kStream; }

StreamId StreamValue::first_id() const { return blocks_.empty() ? StreamId{} : blocks_.front()->first; }

bool StreamValue::NextAutoId(uint64_t now_ms, StreamId* out) const {
  if (now_ms > last_id_.ms) {
    *out = StreamId{now_ms, 0};
    return true;
  }
  StreamId id = last_id_;
  if (!id.Incr()) return false;
  *out = id;
  return true;
}

bool StreamValue::NextSeqId(uint64_t ms, StreamId* out) const {
  if (ms == last_id_.ms) {
    if (last_id_.seq == UINT64_MAX) return false;
    *out = StreamId{ms, last_id_.seq + 1};
    return true;
  }
  *out = StreamId{ms, 0};
  return ms > last_id_.ms;
}

StreamValue::Block* StreamValue::NewBlock(StreamId master, const std::string_view* fields, size_t nfields,
                                           size_t field_stride) {
  auto nb = std::make_unique<Block>();
  Block* b = nb.get();
  b->master = b->first = master;
  PutVarint(&b->data, nfields);
  // Redis's master entry: header 6 + end 1, count/deleted counted apart, numfields, fields, 0.
  size_t lp = 7 + LpIntSize(static_cast<int64_t>(nfields)) + LpIntSize(0);
  for (size_t i = 0; i < nfields; i++) {
    PutBytes(&b->data, fields[i * field_stride]);
    lp += LpStrSize(fields[i * field_stride]);
  }
  b->entries_off = static_cast<uint32_t>(b->data.size());
  b->lp_bytes = static_cast<uint32_t>(lp);
  blocks_.push_back(std::move(nb));
  return b;
}

void StreamValue::AppendToBlock(Block* b, StreamId id, const std::string_view* fv, size_t n) {
  std::vector<std::string_view> master;
  b->MasterFields(&master);
  bool same = SameAsMaster(master, fv, n);
  EncodeEntry(&b->data, b->count == 0, b->last, id, same, fv, n);
  if (b->count == 0) b->first = id;
  // Redis's entry: flags, ms-delta, seq-delta, [numfields, fields,] values, lp-count.
  int64_t numfields = static_cast<int64_t>(n / 2);
  size_t lp = LpIntSize(same ? 2 : 0) + LpIntSize(static_cast<int64_t>(id.ms - b->master.ms)) +
              LpIntSize(static_cast<int64_t>(id.seq - b->master.seq));
  if (same) {
    for (size_t i = 1; i < n; i += 2) lp += LpStrSize(fv[i]);
    lp += LpIntSize(numfields + 3);
  } else {
    lp += LpIntSize(numfields);
    for (size_t i = 0; i < n; i++) lp += LpStrSize(fv[i]);
    lp += LpIntSize(2 * numfields + 4);
  }
  b->lp_bytes += static_cast<uint32_t>(std::min<size_t>(lp, UINT32_MAX - b->lp_bytes));
  b->last = b->tail = id;
  b->count++;
  b->slots++;
  length_++;
  last_id_ = id;
}

void StreamValue::Append(StreamId id, const std::string_view* fv, size_t n) {
  size_t totelelen = 0;
  for (size_t i = 0; i < n; i++) totelelen += fv[i].size();
  Block* b = blocks_.empty() ? nullptr : blocks_.back().get();
  if (b != nullptr && (b->RedisLpBytes() + totelelen >= kBlockBytes || b->slots >= kBlockEntries)) {
    b->data.shrink_to_fit();
    b = nullptr;
  }
  if (b == nullptr) b = NewBlock(id, fv, n / 2, 2);
  AppendToBlock(b, id, fv, n);
  entries_added_++;
}

void StreamValue::LoadBeginBlock(StreamId master, const std::vector<std::string_view>& master_fields) {
  if (!blocks_.empty()) blocks_.back()->data.shrink_to_fit();
  NewBlock(master, master_fields.data(), master_fields.size(), 1);
}

bool StreamValue::LoadAppend(StreamId id, const std::string_view* fv, size_t n) {
  if (blocks_.empty() || n < 2 || n % 2 != 0) return false;
  if (length_ > 0 && id <= last_id_) return false;
  AppendToBlock(blocks_.back().get(), id, fv, n);
  return true;
}

bool StreamValue::LoadEndBlock(uint32_t slots, size_t redis_lp_bytes) {
  if (blocks_.empty()) return false;
  Block& b = *blocks_.back();
  if (b.count == 0) {
    blocks_.pop_back();  // a node whose entries were all deleted: nothing to keep
    return true;
  }
  if (slots < b.count) return false;
  b.slots = slots;
  size_t counts = LpIntSize(b.count) + LpIntSize(static_cast<int64_t>(slots - b.count));
  if (redis_lp_bytes > counts) b.lp_bytes = static_cast<uint32_t>(std::min<size_t>(redis_lp_bytes - counts, UINT32_MAX));
  b.data.shrink_to_fit();
  return true;
}

void StreamValue::ForEachRedisNode(
    const std::function<void(StreamId master, const std::vector<std::string>& elements)>& f) const {
  std::vector<std::string> el;
  std::vector<std::string_view> master;
  FieldValues fv;
  for (const auto& bp : blocks_) {
    const Block& b = *bp;
    b.MasterFields(&master);
    el.clear();
    el.push_back(std::to_string(b.count));
    el.push_back("0");
    el.push_back(std::to_string(master.size()));
    for (std::string_view m : master) el.emplace_back(m);
    el.push_back("0");
    StreamBlockIter it(b);
    StreamId id;
    while (!it.done()) {
      it.Next(&id, &fv);
      bool same = SameAsMaster(master, fv.data(), fv.size());
      int64_t numfields = static_cast<int64_t>(fv.size() / 2);
      el.push_back(same ? "2" : "0");
      el.push_back(std::to_string(static_cast<int64_t>(id.ms - b.master.ms)));
      el.push_back(std::to_string(static_cast<int64_t>(id.seq - b.master.seq)));
      if (same) {
        for (size_t i = 1; i < fv.size(); i += 2) el.emplace_back(fv[i]);
        el.push_back(std::to_string(numfields + 3));
      } else {
        el.push_back(std::to_string(numfields));
        for (std::string_view x : fv) el.emplace_back(x);
        el.push_back(std::to_string(2 * numfields + 4));
      }
    }
    f(b.master, el);
  }
}

size_t StreamValue::BlockFor(StreamId id) const {
  // Last block whose first id <= id.
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), id,
                             [](StreamId v, const std::unique_ptr<Block>& b) { return v < b->first; });
  if (it == blocks_.begin()) return 0;
  return static_cast<size_t>(it - blocks_.begin()) - 1;
}

size_t StreamValue::Range(StreamId start, StreamId end, bool rev, size_t count,
                          const std::function<bool(StreamId, const FieldValues&)>& f) const {
  if (blocks_.empty() || start > end) return 0;
  size_t visited = 0;
  FieldValues fv;
  StreamId id;
  if (!rev) {
    for (size_t bi = BlockFor(start); bi < blocks_.size(); bi++) {
      const Block& b = *blocks_[bi];
      if (b.first > end) break;
      if (b.last < start) continue;
      StreamBlockIter it(b);
      while (!it.done()) {
        it.Next(&id, &fv);
        if (id < start) continue;
        if (id > end) return visited;
        visited++;
        if (!f(id, fv)) return visited;
        if (count && visited >= count) return visited;
      }
    }
    return visited;
  }
  struct Pos {
    const char* at;
    StreamId prev;
    StreamId id;
  };
  std::vector<Pos> positions;
  for (size_t bi = BlockFor(end) + 1; bi-- > 0;) {
    const Block& b = *blocks_[bi];
    if (b.last < start) break;
    if (b.first > end) continue;
    StreamBlockIter it(b);
    positions.clear();
    StreamId prev;
    while (!it.done()) {
      const char* at = it.Next(&id, nullptr);
      positions.push_back({at, prev, id});
      prev = id;
    }
    for (size_t k = positions.size(); k-- > 0;) {
      const Pos& p = positions[k];
      if (p.id > end) continue;
      if (p.id < start) return visited;
      it.Seek(p.at, p.prev, k);
      it.Next(&id, &fv);
      visited++;
      if (!f(id, fv)) return visited;
      if (count && visited >= count) return visited;
    }
  }
  return visited;
}

bool StreamValue::Get(StreamId id, std::vector<std::string>* out) const {
  bool found = false;
  Range(id, id, false, 1, [&](StreamId, const FieldValues& fv) {
    found = true;
    if (out) out->assign(fv.begin(), fv.end());
    return false;
  });
  return found;
}

bool StreamValue::Contains(StreamId id) const { return Get(id, nullptr); }

bool StreamValue::First(StreamId* id, std::vector<std::string>* fv) const {
  if (blocks_.empty()) return false;
  *id = blocks_.front()->first;
  return Get(*id, fv);
}

bool StreamValue::Last(StreamId* id, std::vector<std::string>* fv) const {
  if (blocks_.empty()) return false;
  *id = blocks_.back()->last;
  return Get(*id, fv);
}

void StreamValue::EraseBlock(size_t i) { blocks_.erase(blocks_.begin() + static_cast<ptrdiff_t>(i)); }

namespace {

// Re-encodes block b keeping only the entries for which keep(id) is true; returns how many were dropped.
template <class Keep>
uint32_t RewriteBlock(StreamValue::Block& b, Keep&& keep) {
  std::string out(b.data.data(), b.entries_off);
  StreamBlockIter it(b);
  std::vector<std::string_view> master;
  b.MasterFields(&master);
  StreamValue::FieldValues fv;
  StreamId id, prev, first, last;
  uint32_t kept = 0, dropped = 0;
  while (!it.done()) {
    it.Next(&id, &fv);
    if (!keep(id)) {
      dropped++;
      continue;
    }
    bool same = SameAsMaster(master, fv.data(), fv.size());
    EncodeEntry(&out, kept == 0, prev, id, same, fv.data(), fv.size());
    if (kept == 0) first = id;
    last = id;
    prev = id;
    kept++;
  }
  if (dropped) {
    b.data = std::move(out);
    b.count = kept;
    if (kept) {
      b.first = first;
      b.last = last;
    }
  }
  return dropped;
}

}  // namespace

bool StreamValue::Delete(StreamId id) {
  if (blocks_.empty()) return false;
  size_t bi = BlockFor(id);
  Block& b = *blocks_[bi];
  if (id < b.first || id > b.last) return false;
  if (RewriteBlock(b, [&](StreamId x) { return x != id; }) == 0) return false;
  if (b.count == 0) EraseBlock(bi);
  length_--;
  if (id > max_deleted_entry_id_) max_deleted_entry_id_ = id;
  return true;
}

int64_t StreamValue::TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit) {
  int64_t deleted = 0;
  while (!blocks_.empty()) {
    if (length_ <= maxlen) break;
    Block& b = *blocks_.front();
    int64_t entries = b.count;
    if (limit && deleted + entries > limit) break;
    if (length_ - static_cast<uint64_t>(entries) >= maxlen) {
      length_ -= static_cast<uint64_t>(entries);
      deleted += entries;
      EraseBlock(0);
      continue;
    }
    if (approx) break;
    uint64_t to_drop = length_ - maxlen;  // < entries
    uint64_t seen = 0;
    uint32_t dropped = RewriteBlock(b, [&](StreamId) { return ++seen > to_drop; });
    length_ -= dropped;
    deleted += dropped;
    break;
  }
  return deleted;
}

int64_t StreamValue::TrimMinId(StreamId minid, bool approx, int64_t limit) {
  int64_t deleted = 0;
  while (!blocks_.empty()) {
    Block& b = *blocks_.front();
    int64_t entries = b.count;
    if (limit && deleted + entries > limit) break;
    if (b.tail < minid) {
      length_ -= static_cast<uint64_t>(entries);
      deleted += entries;
      EraseBlock(0);
      continue;
    }
    if (approx) break;
    uint32_t dropped = RewriteBlock(b, [&](StreamId x) { return x >= minid; });
    length_ -= dropped;
    deleted += dropped;
    if (b.count == 0) EraseBlock(0);  // cannot happen (tail >= minid is live or not...), kept for safety
    break;
  }
  return deleted;
}

bool StreamValue::RangeHasTombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_entry_id_.IsZero()) return false;
  if (first_id() > max_deleted_entry_id_) return false;
  return start <= max_deleted_entry_id_ && max_deleted_entry_id_ <= end;
}

int64_t StreamValue::EstimateDistanceFromFirstEverEntry(StreamId id) const {
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return StreamGroup::kInvalidEntriesRead;
  StreamId first = first_id();
  if (max_deleted_entry_id_.IsZero() || max_deleted_entry_id_ < first) {
    if (id < first) return static_cast<int64_t>(entries_added_ - length_);
    if (id == first) return static_cast<int64_t>(entries_added_ - length_ + 1);
  }
  return StreamGroup::kInvalidEntriesRead;
}

// ---------------------------------------------------------------------------------------------------------
// Groups.

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : it->second.get();
}

std::pair<StreamConsumer*, bool> StreamGroup::CreateConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it != consumers_.end()) return {it->second.get(), false};
  auto c = std::make_unique<StreamConsumer>();
  c->name.assign(name);
  StreamConsumer* raw = c.get();
  consumers_.emplace(std::string(name), std::move(c));
  return {raw, true};
}

int64_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) return -1;
  StreamConsumer* c = it->second.get();
  int64_t pending = static_cast<int64_t>(c->pel.size());
  for (auto& [id, nack] : c->pel) pel_.erase(id);
  consumers_.erase(it);
  return pending;
}

StreamNack* StreamGroup::FindNack(StreamId id) {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

const StreamNack* StreamGroup::FindNack(StreamId id) const {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

StreamNack* StreamGroup::AddNack(StreamId id, StreamConsumer* consumer, int64_t delivery_time_ms,
                                 uint64_t delivery_count) {
  auto [it, inserted] = pel_.try_emplace(id);
  StreamNack& n = it->second;
  if (!inserted && n.consumer != nullptr && n.consumer != consumer) n.consumer->pel.erase(id);
  n.id = id;
  n.consumer = consumer;
  n.delivery_time_ms = delivery_time_ms;
  n.delivery_count = delivery_count;
  consumer->pel[id] = &n;
  return &n;
}

void StreamGroup::TransferNack(StreamNack* nack, StreamConsumer* to) {
  if (nack->consumer == to) return;
  if (nack->consumer) nack->consumer->pel.erase(nack->id);
  nack->consumer = to;
  to->pel[nack->id] = nack;
}

bool StreamGroup::EraseNack(StreamId id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) return false;
  if (it->second.consumer) it->second.consumer->pel.erase(id);
  pel_.erase(it);
  return true;
}

std::unique_ptr<StreamGroup> StreamGroup::Clone() const {
  auto g = std::make_unique<StreamGroup>(name_);
  g->last_delivered_id = last_delivered_id;
  g->entries_read = entries_read;
  for (const auto& [name, c] : consumers_) {
    auto [nc, created] = g->CreateConsumer(name);
    nc->seen_time_ms = c->seen_time_ms;
    nc->active_time_ms = c->active_time_ms;
  }
  for (const auto& [id, n] : pel_) {
    StreamConsumer* to = n.consumer ? g->FindConsumer(n.consumer->name) : nullptr;
    if (to == nullptr) continue;
    g->AddNack(id, to, n.delivery_time_ms, n.delivery_count);
  }
  return g;
}

size_t StreamGroup::MemoryUsage() const {
  size_t bytes = sizeof(*this) + name_.capacity();
  bytes += pel_.size() * (sizeof(StreamNack) + 48);
  for (const auto& [name, c] : consumers_) {
    bytes += sizeof(StreamConsumer) + 2 * name.capacity() + 48 + c->pel.size() * (sizeof(void*) + 64);
  }
  return bytes;
}

StreamGroup* StreamValue::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* StreamValue::CreateGroup(std::string_view name, StreamId last_delivered_id, int64_t entries_read) {
  if (groups_.find(name) != groups_.end()) return nullptr;
  auto g = std::make_unique<StreamGroup>(std::string(name));
  g->last_delivered_id = last_delivered_id;
  g->entries_read = entries_read;
  StreamGroup* raw = g.get();
  groups_.emplace(std::string(name), std::move(g));
  return raw;
}

bool StreamValue::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Object hooks.

size_t StreamValue::MemoryUsage() const {
  size_t bytes = sizeof(*this) + blocks_.capacity() * sizeof(void*);
  for (const auto& b : blocks_) bytes += sizeof(Block) + b->data.capacity();
  for (const auto& [name, g] : groups_) bytes += g->MemoryUsage();
  return bytes;
}

std::unique_ptr<Object> StreamValue::Clone() const {
  auto s = std::make_unique<StreamValue>();
  s->blocks_.reserve(blocks_.size());
  for (const auto& b : blocks_) s->blocks_.push_back(std::make_unique<Block>(*b));
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->max_deleted_entry_id_ = max_deleted_entry_id_;
  s->entries_added_ = entries_added_;
  for (const auto& [name, g] : groups_) s->groups_.emplace(name, g->Clone());
  return s;
}

// DUMP body (this project's format, version 1 of the stream body; redis-server's RDB format is what DUMP
// writes, this one is only for Object::Serialize's users):
//   varint length, last_id (2 varints), max_deleted (2), entries_added, varint nblocks, then per block:
//   master (2), tail (2), varint slots, varint lp_bytes, varint count, then count entries as
//   id (2 varints), varint npairs, strings (PutBytes); varint ngroups, per group: name, last (2),
//   varint entries_read + 1, varint nconsumers, per consumer: name, varint seen + 1, varint active + 1;
//   varint npel, per entry: id (2), consumer name, varint time + 1, varint count.
// Times are stored + 1 as unsigned so -1 survives (negative times wrap, which the decoder undoes).
void StreamValue::Serialize(std::string* out) const {
  auto put_id = [&](StreamId id) {
    PutVarint(out, id.ms);
    PutVarint(out, id.seq);
  };
  PutVarint(out, length_);
  put_id(last_id_);
  put_id(max_deleted_entry_id_);
  PutVarint(out, entries_added_);
  PutVarint(out, blocks_.size());
  FieldValues fv;
  for (const auto& b : blocks_) {
    put_id(b->master);
    put_id(b->tail);
    PutVarint(out, b->slots);
    PutVarint(out, b->lp_bytes);
    PutVarint(out, b->count);
    StreamBlockIter it(*b);
    StreamId id;
    while (!it.done()) {
      it.Next(&id, &fv);
      put_id(id);
      PutVarint(out, fv.size() / 2);
      for (std::string_view s : fv) PutBytes(out, s);
    }
  }
  PutVarint(out, groups_.size());
  for (const auto& [name, g] : groups_) {
    PutBytes(out, name);
    put_id(g->last_delivered_id);
    PutVarint(out, static_cast<uint64_t>(g->entries_read + 1));
    PutVarint(out, g->consumers().size());
    for (const auto& [cname, c] : g->consumers()) {
      PutBytes(out, cname);
      PutVarint(out, static_cast<uint64_t>(c->seen_time_ms + 1));
      PutVarint(out, static_cast<uint64_t>(c->active_time_ms + 1));
    }
    PutVarint(out, g->pel().size());
    for (const auto& [id, n] : g->pel()) {
      put_id(id);
      PutBytes(out, n.consumer ? std::string_view(n.consumer->name) : std::string_view());
      PutVarint(out, static_cast<uint64_t>(n.delivery_time_ms + 1));
      PutVarint(out, n.delivery_count);
    }
  }
}

StatusOr<std::unique_ptr<Object>> StreamValue::Deserialize(std::string_view body) {
  PayloadReader r(body);
  auto bad = [] { return Status::Error(err::kBadDataFormat); };
  auto get_id = [&](StreamId* id) { return r.GetVarint(&id->ms) && r.GetVarint(&id->seq); };
  auto s = std::make_unique<StreamValue>();
  uint64_t length, added, nblocks;
  StreamId last, maxdel;
  if (!r.GetVarint(&length) || !get_id(&last) || !get_id(&maxdel) || !r.GetVarint(&added) ||
      !r.GetVarint(&nblocks)) {
    return bad();
  }
  std::vector<std::string_view> fv;
  for (uint64_t bi = 0; bi < nblocks; bi++) {
    StreamId master, tail;
    uint64_t slots, lp_bytes, count;
    if (!get_id(&master) || !get_id(&tail) || !r.GetVarint(&slots) || !r.GetVarint(&lp_bytes) ||
        !r.GetVarint(&count) || count == 0 || count > slots || slots > UINT32_MAX || lp_bytes > UINT32_MAX) {
      return bad();
    }
    size_t before = s->blocks_.size();
    for (uint64_t k = 0; k < count; k++) {
      StreamId id;
      uint64_t np;
      if (!get_id(&id) || !r.GetVarint(&np) || np == 0 || np > r.remaining()) return bad();
      if (s->length_ > 0 && id <= s->last_id_) return bad();
      fv.resize(2 * np);
      for (auto& x : fv) {
        if (!r.GetBytes(&x)) return bad();
      }
      if (k == 0) {
        // Start a block of our own at this point, with the recorded master id.
        auto nb = std::make_unique<Block>();
        PutVarint(&nb->data, np);
        for (size_t i = 0; i < fv.size(); i += 2) PutBytes(&nb->data, fv[i]);
        nb->entries_off = static_cast<uint32_t>(nb->data.size());
        nb->master = master;
        nb->first = id;
        s->blocks_.push_back(std::move(nb));
      }
      Block& b = *s->blocks_.back();
      std::vector<std::string_view> m;
      b.MasterFields(&m);
      bool same = SameAsMaster(m, fv.data(), fv.size());
      EncodeEntry(&b.data, b.count == 0, b.last, id, same, fv.data(), fv.size());
      b.last = id;
      b.count++;
      s->length_++;
      s->last_id_ = id;
    }
    if (s->blocks_.size() != before + 1) return bad();
    Block& b = *s->blocks_.back();
    if (tail < b.last) return bad();
    b.tail = tail;
    b.slots = static_cast<uint32_t>(slots);
    b.lp_bytes = static_cast<uint32_t>(lp_bytes);
    b.data.shrink_to_fit();
  }
  if (s->length_ != length || last < s->last_id_) return bad();
  s->last_id_ = last;
  s->max_deleted_entry_id_ = maxdel;
  s->entries_added_ = added;
  uint64_t ngroups;
  if (!r.GetVarint(&ngroups)) return bad();
  for (uint64_t gi = 0; gi < ngroups; gi++) {
    std::string_view name;
    StreamId gl;
    uint64_t er, nc, np;
    if (!r.GetBytes(&name) || !get_id(&gl) || !r.GetVarint(&er) || !r.GetVarint(&nc)) return bad();
    StreamGroup* g = s->CreateGroup(name, gl, static_cast<int64_t>(er) - 1);
    if (g == nullptr) return bad();
    for (uint64_t ci = 0; ci < nc; ci++) {
      std::string_view cname;
      uint64_t seen, active;
      if (!r.GetBytes(&cname) || !r.GetVarint(&seen) || !r.GetVarint(&active)) return bad();
      auto [c, created] = g->CreateConsumer(cname);
      if (!created) return bad();
      c->seen_time_ms = static_cast<int64_t>(seen - 1);
      c->active_time_ms = static_cast<int64_t>(active - 1);
    }
    if (!r.GetVarint(&np)) return bad();
    for (uint64_t pi = 0; pi < np; pi++) {
      StreamId id;
      std::string_view cname;
      uint64_t t, cnt;
      if (!get_id(&id) || !r.GetBytes(&cname) || !r.GetVarint(&t) || !r.GetVarint(&cnt)) return bad();
      StreamConsumer* c = g->FindConsumer(cname);
      if (c == nullptr || g->FindNack(id) != nullptr) return bad();
      g->AddNack(id, c, static_cast<int64_t>(t - 1), cnt);
    }
  }
  if (!r.done()) return bad();
  return std::unique_ptr<Object>(std::move(s));
}

void StreamValue::EmitRebuildCommands(std::string_view key, const CommandSink& sink) const {
  std::vector<std::string_view> argv;
  std::string idbuf;
  if (length_ > 0) {
    Range(StreamId::Min(), StreamId::Max(), false, 0, [&](StreamId id, const FieldValues& fv) {
      idbuf = id.ToString();
      argv.assign({"XADD", key, idbuf});
      argv.insert(argv.end(), fv.begin(), fv.end());
      sink(argv);
      return true;
    });
  } else {
    // Redis: an empty stream is created with XADD key MAXLEN 0 <last_id> x y.
    idbuf = last_id_.ToString();
    sink({"XADD", key, "MAXLEN", "0", idbuf, "x", "y"});
  }
  std::string last = last_id_.ToString(), added = std::to_string(entries_added_),
              maxdel = max_deleted_entry_id_.ToString();
  sink({"XSETID", key, last, "ENTRIESADDED", added, "MAXDELETEDID", maxdel});
  for (const auto& [name, g] : groups_) {
    std::string gid = g->last_delivered_id.ToString(), er = std::to_string(g->entries_read);
    sink({"XGROUP", "CREATE", key, name, gid, "ENTRIESREAD", er});
    // Consumer by consumer (name order), as rewriteStreamObject: its pending entries as XCLAIM ... FORCE,
    // or XGROUP CREATECONSUMER when it has none.
    for (const auto& [cname, c] : g->consumers()) {
      if (c->pel.empty()) {
        sink({"XGROUP", "CREATECONSUMER", key, name, cname});
        continue;
      }
      for (const auto& [id, n] : c->pel) {
        std::string nid = id.ToString(), t = std::to_string(n->delivery_time_ms),
                    cnt = std::to_string(n->delivery_count);
        sink({"XCLAIM", key, name, cname, "0", nid, "TIME", t, "RETRYCOUNT", cnt, "JUSTID", "FORCE"});
      }
    }
  }
}

}  // namespace rcs
