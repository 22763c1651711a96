// redis-server's RDB object encodings, written: see rdb_writer.h.
#include "keyspace/rdb_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <atomic>
#include <cstring>
#include <vector>

#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/rdb_format.h"
#include "keyspace/rdb_string.h"
#include "keyspace/set_value.h"
#include "keyspace/stream_value.h"
#include "keyspace/zset_value.h"

namespace rcs {

namespace {

using rdb::kTypeString, rdb::kTypeSet, rdb::kTypeHash, rdb::kTypeZset2, rdb::kTypeSetIntset, rdb::kTypeHashListpack,
    rdb::kTypeZsetListpack, rdb::kTypeListQuicklist2, rdb::kQuicklistPlain, rdb::kQuicklistPacked;
constexpr uint64_t kDefaultPlainElementBytes = uint64_t{1} << 30;  // redis-server's packed threshold (1 GiB)
// Read by the threads and forked children that write RDB data.
std::atomic<uint64_t> plain_element_bytes{kDefaultPlainElementBytes};
constexpr size_t kQuicklistSafetyBytes = 8192;
constexpr size_t kQuicklistEntryOverhead = 8;  // redis-server's estimate of an entry's header + backlen

// True when `s` is the canonical decimal text of an int64 ("-0", "+1", "01", " 1" are not).
bool CanonicalInt(std::string_view s, size_t max_len, int64_t* v) {
  if (s.empty() || s.size() > max_len) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  char buf[24];
  auto w = std::to_chars(buf, buf + sizeof(buf), *v);
  return std::string_view(buf, static_cast<size_t>(w.ptr - buf)) == s;
}

void PutLE(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; i++) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

namespace {

// Bytes past max_out that LzfCompressTo's destination must have: it checks the limit after each item.
constexpr size_t kLzfSlack = 64;

// LzfCompress into dst (max_out + kLzfSlack bytes): the compressed size, 0 when it exceeds max_out.
size_t LzfCompressTo(std::string_view in, size_t max_out, unsigned char* dst) {
  // Greedy matching through a hash of the next 3 bytes to their last position: back-references reach
  // at most 8192 bytes back and are 3..264 bytes long; everything else is literal runs of up to 32.
  const size_t n = in.size();
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  // The table grows with the input up to 2^14 entries, and is reused: a save calls this for every string
  // over 20 bytes, and clearing 64 KiB each time would cost more than compressing a short string.
  int hash_bits = 8;
  while (hash_bits < 14 && (size_t{1} << hash_bits) < n) hash_bits++;
  thread_local std::vector<uint32_t> last;
  last.assign(size_t{1} << hash_bits, 0);  // position + 1, 0 = none
  uint32_t* const table = last.data();
  unsigned char* op = dst;
  unsigned char* const limit = dst + max_out;
  auto literals = [&](size_t from, size_t to) {
    while (from < to) {
      size_t k = std::min<size_t>(32, to - from);
      if (op + 1 + k > limit) return false;
      *op++ = static_cast<unsigned char>(k - 1);
      memcpy(op, p + from, k);
      op += k;
      from += k;
    }
    return true;
  };
  size_t lit = 0, i = 0;
  while (i + 2 < n) {
    uint32_t key = (static_cast<uint32_t>(p[i]) << 16) | (static_cast<uint32_t>(p[i + 1]) << 8) | p[i + 2];
    uint32_t h = (key * 2654435761u) >> (32 - hash_bits);
    size_t cand = table[h];
    table[h] = static_cast<uint32_t>(i + 1);
    if (cand != 0) {
      cand--;
      size_t dist = i - cand;
      if (dist >= 1 && dist <= 8192 && p[cand] == p[i] && p[cand + 1] == p[i + 1] && p[cand + 2] == p[i + 2]) {
        const size_t max_len = std::min<size_t>(264, n - i);
        size_t len = 3;
        // 8 bytes at a time while both words are inside the input, then byte by byte.
        while (len + 8 <= max_len) {
          uint64_t a, b;
          memcpy(&a, p + cand + len, 8);
          memcpy(&b, p + i + len, 8);
          if (a != b) {
            len += static_cast<size_t>(__builtin_ctzll(a ^ b)) / 8;  // little-endian: the first differing byte
            goto matched;
          }
          len += 8;
        }
        while (len < max_len && p[cand + len] == p[i + len]) len++;
      matched:
        if (!literals(lit, i)) return 0;
        size_t off = dist - 1, l = len - 2;
        if (l < 7) {
          *op++ = static_cast<unsigned char>((l << 5) | (off >> 8));
        } else {
          *op++ = static_cast<unsigned char>((7 << 5) | (off >> 8));
          *op++ = static_cast<unsigned char>(l - 7);
        }
        *op++ = static_cast<unsigned char>(off & 0xff);
        i += len;
        lit = i;
        if (op > limit) return 0;
        continue;
      }
    }
    i++;
    if (i - lit > max_out) return 0;  // the literals alone no longer fit
  }
  if (!literals(lit, n)) return 0;
  return static_cast<size_t>(op - dst);
}

}  // namespace

bool LzfCompress(std::string_view in, size_t max_out, std::string* out) {
  out->resize(max_out + kLzfSlack);
  size_t n = LzfCompressTo(in, max_out, reinterpret_cast<unsigned char*>(out->data()));
  out->resize(n);
  return n != 0 || in.empty();
}

void AppendRdbString(std::string* out, std::string_view s, bool compress) {
  int64_t v;
  if (CanonicalInt(s, 11, &v) && v >= INT32_MIN && v <= INT32_MAX) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      out->push_back(static_cast<char>(0xc0));
      PutLE(out, static_cast<uint64_t>(v), 1);
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      out->push_back(static_cast<char>(0xc1));
      PutLE(out, static_cast<uint64_t>(v), 2);
    } else {
      out->push_back(static_cast<char>(0xc2));
      PutLE(out, static_cast<uint64_t>(v), 4);
    }
    return;
  }
  if (compress && s.size() > 20) {
    thread_local std::vector<unsigned char> packed;  // reused: no allocation per string
    if (packed.size() < s.size() + kLzfSlack) packed.resize(s.size() + kLzfSlack);
    size_t n = LzfCompressTo(s, s.size() - 4, packed.data());
    if (n != 0) {
      out->push_back(static_cast<char>(0xc3));
      AppendRdbLength(out, n);
      AppendRdbLength(out, s.size());
      out->append(reinterpret_cast<const char*>(packed.data()), n);
      return;
    }
  }
  AppendRdbLength(out, s.size());
  out->append(s);
}

ListpackBuilder::ListpackBuilder() : buf_(6, '\0') {}

void ListpackBuilder::Append(std::string_view e) {
  size_t start = buf_.size();
  int64_t v;
  if (CanonicalInt(e, 20, &v)) {
    if (v >= 0 && v <= 127) {
      buf_.push_back(static_cast<char>(v));
    } else if (v >= -4096 && v <= 4095) {
      uint64_t u = static_cast<uint64_t>(v) & 0x1fff;
      buf_.push_back(static_cast<char>(0xc0 | (u >> 8)));
      buf_.push_back(static_cast<char>(u & 0xff));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      buf_.push_back(static_cast<char>(0xf1));
      PutLE(&buf_, static_cast<uint64_t>(v), 2);
    } else if (v >= -8388608 && v <= 8388607) {
      buf_.push_back(static_cast<char>(0xf2));
      PutLE(&buf_, static_cast<uint64_t>(v), 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      buf_.push_back(static_cast<char>(0xf3));
      PutLE(&buf_, static_cast<uint64_t>(v), 4);
    } else {
      buf_.push_back(static_cast<char>(0xf4));
      PutLE(&buf_, static_cast<uint64_t>(v), 8);
    }
  } else if (e.size() < 64) {
    buf_.push_back(static_cast<char>(0x80 | e.size()));
    buf_.append(e);
  } else if (e.size() < 4096) {
    buf_.push_back(static_cast<char>(0xe0 | (e.size() >> 8)));
    buf_.push_back(static_cast<char>(e.size() & 0xff));
    buf_.append(e);
  } else {
    buf_.push_back(static_cast<char>(0xf0));
    PutLE(&buf_, e.size(), 4);
    buf_.append(e);
  }
  // backlen: the entry's size in 7-bit groups, most significant first; all but the first byte flagged.
  uint64_t l = buf_.size() - start;
  int bl = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  for (int k = 0; k < bl; k++) {
    uint8_t b = static_cast<uint8_t>((l >> (7 * (bl - 1 - k))) & 0x7f);
    if (k > 0) b |= 0x80;
    buf_.push_back(static_cast<char>(b));
  }
  count_++;
}

std::string ListpackBuilder::Finish() {
  buf_.push_back(static_cast<char>(0xff));
  uint64_t total = buf_.size();
  uint64_t count = count_ < 65535 ? count_ : 65535;
  for (int i = 0; i < 4; i++) buf_[static_cast<size_t>(i)] = static_cast<char>((total >> (8 * i)) & 0xff);
  buf_[4] = static_cast<char>(count & 0xff);
  buf_[5] = static_cast<char>(count >> 8);
  std::string out = std::move(buf_);
  buf_.assign(6, '\0');
  count_ = 0;
  return out;
}

std::string RdbScoreText(double score) {
  if (std::isnan(score)) return "nan";
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  if (score == 0) return "0";  // -0 too: redis-server 7.0 stores both zeros as the integer 0
  if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
      score == static_cast<double>(static_cast<int64_t>(score))) {
    return std::to_string(static_cast<int64_t>(score));
  }
  char buf[32];  // "%.17g", through to_chars (printf's rules, without its multi-precision arithmetic)
  auto r = std::to_chars(buf, buf + sizeof(buf), score, std::chars_format::general, 17);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

namespace {

// The type byte, then (in a file) the key: an RDB record is [type][key][value body].
void TypeAndKey(std::string* out, uint8_t type, const std::string_view* key, const RdbWriteOptions& options) {
  out->push_back(static_cast<char>(type));
  if (key != nullptr) AppendRdbString(out, *key, options.compress);
}

void AppendList(std::string* out, const ListValue& list, const RdbWriteOptions& options,
                const std::string_view* key) {
  // Nodes as redis-server fills them on tail pushes (rdb_writer.h).
  int64_t fill = options.list_max_listpack_size;
  static constexpr size_t kLevels[] = {4096, 8192, 16384, 32768, 65536};
  auto allow = [&](size_t node_bytes, size_t node_count, size_t elem) {
    size_t new_sz = node_bytes + elem + kQuicklistEntryOverhead;
    if (fill < 0) return new_sz <= kLevels[std::min<int64_t>(-fill - 1, 4)];
    return new_sz <= kQuicklistSafetyBytes && static_cast<int64_t>(node_count) < fill;
  };
  std::string nodes;
  uint64_t nnodes = 0;
  ListpackBuilder lp;
  auto flush = [&] {
    if (lp.count() == 0) return;
    AppendRdbLength(&nodes, kQuicklistPacked);
    AppendRdbString(&nodes, lp.Finish(), options.compress);
    nnodes++;
  };
  for (auto it = list.Begin(); it.valid(); it.Next()) {
    std::string_view e = it.value();
    if (e.size() >= plain_element_bytes.load(std::memory_order_relaxed)) {
      flush();
      AppendRdbLength(&nodes, kQuicklistPlain);
      AppendRdbString(&nodes, e, options.compress);
      nnodes++;
      continue;
    }
    if (lp.count() > 0 && !allow(lp.bytes(), lp.count(), e.size())) flush();
    lp.Append(e);
  }
  flush();
  TypeAndKey(out, kTypeListQuicklist2, key, options);
  AppendRdbLength(out, nnodes);
  out->append(nodes);
}

void AppendSet(std::string* out, const SetValue& set, const RdbWriteOptions& options,
                const std::string_view* key) {
  if (set.is_intset()) {
    std::string blob;
    int width = set.intset_width();
    PutLE(&blob, static_cast<uint64_t>(width), 4);
    PutLE(&blob, set.size(), 4);
    for (size_t i = 0; i < set.size(); i++) PutLE(&blob, static_cast<uint64_t>(set.IntAt(i)), width);
    TypeAndKey(out, kTypeSetIntset, key, options);
    AppendRdbString(out, blob, options.compress);
    return;
  }
  TypeAndKey(out, kTypeSet, key, options);
  AppendRdbLength(out, set.size());
  set.ForEach([&](std::string_view m) { AppendRdbString(out, m, options.compress); });
}

void AppendZset(std::string* out, const ZSetValue& z, const RdbWriteOptions& options,
                const std::string_view* key) {
  if (!z.is_skiplist()) {
    ListpackBuilder lp;
    z.ForEach([&](std::string_view m, double score) {
      lp.Append(m);
      lp.Append(RdbScoreText(score));
    });
    TypeAndKey(out, kTypeZsetListpack, key, options);
    AppendRdbString(out, lp.Finish(), options.compress);
    return;
  }
  TypeAndKey(out, kTypeZset2, key, options);
  AppendRdbLength(out, z.size());
  // Highest first, so that a reader inserting at the head of its skiplist never walks it.
  z.ForRange(z.size() - 1, z.size(), true, [&](std::string_view m, double score) {
    AppendRdbString(out, m, options.compress);
    uint64_t bits;
    memcpy(&bits, &score, 8);
    PutLE(out, bits, 8);
  });
}

void AppendHash(std::string* out, const HashValue& h, const RdbWriteOptions& options,
                const std::string_view* key) {
  if (h.is_listpack()) {
    ListpackBuilder lp;
    h.ForEach([&](std::string_view f, std::string_view v) {
      lp.Append(f);
      lp.Append(v);
    });
    TypeAndKey(out, kTypeHashListpack, key, options);
    AppendRdbString(out, lp.Finish(), options.compress);
    return;
  }
  TypeAndKey(out, kTypeHash, key, options);
  AppendRdbLength(out, h.size());
  h.ForEach([&](std::string_view f, std::string_view v) {
    AppendRdbString(out, f, options.compress);
    AppendRdbString(out, v, options.compress);
  });
}

// Stream, type 19 (STREAM_LISTPACKS_2, what redis-server 7.0 writes for RDB 10): the node count, then per
// node its master id (16 bytes big endian, an RDB string) and its listpack; length, last id, first id,
// max deleted id, entries added (lengths); the groups: count, then per group name, last id, entries read,
// the PEL (count, then 16-byte id, delivery time as 8 bytes little endian, delivery count), the consumers
// (count, then name, seen time 8 bytes LE, their PEL as count + 16-byte ids).
void AppendMillis(std::string* out, int64_t ms) {
  uint64_t v = static_cast<uint64_t>(ms);
  for (int i = 0; i < 8; i++) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AppendRawId(std::string* out, StreamId id) {
  unsigned char be[16];
  id.ToBigEndian(be);
  out->append(reinterpret_cast<const char*>(be), 16);
}

void AppendStream(std::string* out, const StreamValue& s, const RdbWriteOptions& options,
                  const std::string_view* key) {
  TypeAndKey(out, rdb::kTypeStreamListpacks2, key, options);
  AppendRdbLength(out, s.block_count());
  ListpackBuilder lp;
  s.ForEachRedisNode([&](StreamId master, const std::vector<std::string>& elements) {
    unsigned char be[16];
    master.ToBigEndian(be);
    AppendRdbString(out, std::string_view(reinterpret_cast<const char*>(be), 16), options.compress);
    for (const std::string& e : elements) lp.Append(e);
    AppendRdbString(out, lp.Finish(), options.compress);
  });
  AppendRdbLength(out, s.length());
  AppendRdbLength(out, s.last_id().ms);
  AppendRdbLength(out, s.last_id().seq);
  AppendRdbLength(out, s.first_id().ms);
  AppendRdbLength(out, s.first_id().seq);
  AppendRdbLength(out, s.max_deleted_entry_id().ms);
  AppendRdbLength(out, s.max_deleted_entry_id().seq);
  AppendRdbLength(out, s.entries_added());
  AppendRdbLength(out, s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    AppendRdbString(out, name, options.compress);
    AppendRdbLength(out, g->last_delivered_id.ms);
    AppendRdbLength(out, g->last_delivered_id.seq);
    AppendRdbLength(out, static_cast<uint64_t>(g->entries_read));  // -1 is written as 2^64-1, as Redis
    AppendRdbLength(out, g->pel().size());
    for (const auto& [id, nack] : g->pel()) {
      AppendRawId(out, id);
      AppendMillis(out, nack.delivery_time_ms);
      AppendRdbLength(out, nack.delivery_count);
    }
    AppendRdbLength(out, g->consumers().size());
    for (const auto& [cname, c] : g->consumers()) {
      AppendRdbString(out, cname, options.compress);
      AppendMillis(out, c->seen_time_ms);
      AppendRdbLength(out, c->pel.size());
      for (const auto& [id, nack] : c->pel) AppendRawId(out, id);
    }
  }
}

}  // namespace

void AppendRdbFunction(std::string* out, std::string_view code, bool compress) {
  out->push_back(static_cast<char>(rdb::kOpFunction2));
  AppendRdbString(out, code, compress);
}

void AppendRdbStringObject(std::string* out, std::string_view value, const RdbWriteOptions& options,
                           const std::string_view* key) {
  TypeAndKey(out, kTypeString, key, options);
  AppendRdbString(out, value, options.compress);
}

void AppendRdbObject(std::string* out, const Object& obj, const RdbWriteOptions& options, const std::string_view* key) {
  switch (obj.type()) {
    case ObjType::kList:
      return AppendList(out, static_cast<const ListValue&>(obj), options, key);
    case ObjType::kSet:
      return AppendSet(out, static_cast<const SetValue&>(obj), options, key);
    case ObjType::kZSet:
      return AppendZset(out, static_cast<const ZSetValue&>(obj), options, key);
    case ObjType::kHash:
      return AppendHash(out, static_cast<const HashValue&>(obj), options, key);
    case ObjType::kStream:
      return AppendStream(out, static_cast<const StreamValue&>(obj), options, key);
    case ObjType::kString:
      break;  // strings are not Objects (AppendRdbStringObject)
  }
}

bool SetQuicklistPackedThreshold(uint64_t bytes) {
  if (bytes > (uint64_t{1} << 32) - (uint64_t{1} << 20)) return false;
  plain_element_bytes.store(bytes == 0 ? kDefaultPlainElementBytes : bytes, std::memory_order_relaxed);
  return true;
}

}  // namespace rcs
