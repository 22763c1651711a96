// redis-server's RDB format, read only: see rdb_parser.h for the layout and what is refused.
#include "keyspace/rdb_parser.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "base/crc64.h"
#include "base/strutil.h"
#include "keyspace/list_value.h"
#include "keyspace/rdb_encodings.h"
#include "keyspace/rdb_format.h"
#include "keyspace/rdb_string.h"
#include "keyspace/set_value.h"
#include "keyspace/stream_value.h"

namespace rcs {

namespace {

using namespace rdb;  // NOLINT(build/namespaces): the format's opcodes and value types

// LZF expands at most 264 bytes out of a 3-byte back-reference: a larger claimed size is corrupt (and must
// not be allocated).
constexpr uint64_t kLzfMaxRatio = 88;

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 128)) {
    if (c >= 32 && c < 127 && c != '\'' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 128) out += "...";
  return out;
}

// Pairs up the elements of a packed blob (field then value, or member then score): on_pair(first, second)
// per pair. After the walk, odd() is true when the last element had no partner.
class ElementPairs {
 public:
  explicit ElementPairs(std::string* first) : first_(*first) {}
  template <typename F>
  RdbElementFn Fn(F on_pair) {
    return [this, on_pair](std::string_view e) {
      if (!have_first_) {
        first_.assign(e.data(), e.size());
        have_first_ = true;
        return true;
      }
      have_first_ = false;
      return on_pair(std::string_view(first_), e);
    };
  }
  bool odd() const { return have_first_; }
  const std::string& first() const { return first_; }

 private:
  std::string& first_;  // the parser's buffer, reused from blob to blob
  bool have_first_ = false;
};

// A value as read: a string (a view, as RdbKeyRef::str) or an object.
struct ValueOut {
  ObjType type = ObjType::kString;
  std::string_view str;
  std::unique_ptr<Object> obj;
};

class Parser {
 public:
  Parser(std::string_view data, const RdbParseOptions& opt, RdbSink& sink) : d_(data), opt_(opt), sink_(sink) {}

  StatusOr<RdbSummary> Run();
  // The data is one value's body (a DUMP payload between its type byte and its trailer).
  StatusOr<DumpedValue> OneValue(uint8_t type);
  // One RDB string, or one length (the low bits of an encoded one taken as the length, as redis-server's
  // rdbLoadLen does), at *pos; *pos moves past it.
  bool StringAt(size_t* pos, std::string* out) {
    pos_ = *pos;
    bool ok = String(out);
    *pos = pos_;
    return ok;
  }
  bool LengthAt(size_t* pos, uint64_t* len) {
    pos_ = *pos;
    bool encoded;
    bool ok = Len(len, &encoded);
    *pos = pos_;
    return ok;
  }

 private:
  // Each reader returns false after recording the error (Fail).
  bool Fail(std::string msg, size_t offset) {
    if (err_.empty()) {
      err_ = std::move(msg);
      err_off_ = offset;
    }
    return false;
  }
  bool Truncated() { return Fail("unexpected end of file", d_.size()); }
  bool Byte(uint8_t* b) {
    if (pos_ >= d_.size()) return Truncated();
    *b = static_cast<uint8_t>(d_[pos_++]);
    return true;
  }
  bool Bytes(uint64_t n, std::string_view* out) {
    if (d_.size() - pos_ < n) return Truncated();
    *out = d_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool LittleEndian(int n, uint64_t* v) {
    std::string_view b;
    if (!Bytes(static_cast<uint64_t>(n), &b)) return false;
    *v = 0;
    for (int i = 0; i < n; i++) *v |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return true;
  }
  bool Len(uint64_t* len, bool* encoded);
  bool PlainLen(uint64_t* len) {
    size_t at = pos_;
    bool encoded;
    if (!Len(len, &encoded)) return false;
    if (encoded) return Fail("an encoded value where a length was expected", at);
    return true;
  }
  // One RDB string as a view: into the image when it is stored plain, else into *scratch (an integer's
  // text, a decompressed LZF string), a buffer reused from call to call. Valid until *scratch is reused.
  bool StrView(std::string_view* out, std::string* scratch);
  bool String(std::string* out);
  // key_at: where the key's record (its type byte) starts, for refusals of the whole key.
  bool Value(uint8_t type, std::string_view key, size_t key_at, ValueOut* v, bool* empty);
  // A packed blob (listpack, ziplist, intset, zipmap), as a view valid until the next blob.
  bool Blob(std::string_view* out, const char* what) {
    size_t at = pos_;
    if (!StrView(out, &blob_buf_)) return false;
    if (out->empty()) return Fail(std::string("empty ") + what, at);
    return true;
  }
  // Reads a count, then calls each() that many times (each returns false after Fail).
  template <typename F>
  bool ForEachCounted(F&& each) {
    uint64_t n;
    if (!PlainLen(&n)) return false;
    for (uint64_t i = 0; i < n; i++) {
      if (!each()) return false;
    }
    return true;
  }
  // One reader per RDB type family (the value's type byte is already read).
  bool ListValueBody(uint8_t type, ValueOut* v, bool* empty);
  bool SetValueBody(uint8_t type, ValueOut* v, bool* empty);
  bool ZsetValueBody(uint8_t type, ValueOut* v, bool* empty);
  bool HashValueBody(uint8_t type, ValueOut* v, bool* empty);
  bool StreamValueBody(uint8_t type, ValueOut* v, bool* empty);
  // A member's score in a type 3 (text) or type 5 (binary double) sorted set.
  bool ZsetScore(uint8_t type, size_t member_at, double* score);
  // Adds elements to the value being built.
  bool AddZsetMember(ZSetValue* z, std::string_view member, double score, size_t at);
  // The steps of Run: the header (gives the version), the opcodes other than EOF (*was_opcode is false when
  // `type` is a value type instead), the EOF trailer, and one key.
  Status Header(int* version);
  bool Opcode(uint8_t type, size_t at, RdbSummary* sum, bool* was_opcode);
  bool Eof(int version, RdbSummary* sum);
  bool Key(uint8_t type, size_t at, RdbSummary* sum);

  std::string_view d_;
  size_t pos_ = 0;
  const RdbParseOptions& opt_;
  RdbSink& sink_;
  std::string err_;
  size_t err_off_ = 0;
  // Set by opcodes for what follows: the database, and the next key's expiry and LRU/LFU data.
  uint64_t db_ = 0;
  int64_t expire_ = -1, idle_ = -1;
  int freq_ = -1;
  // Reused buffers for what is not a plain run of bytes in the image (StrView): the key, a string value,
  // a packed blob, the elements of the unpacked encodings (a hash needs two: field and value), and the
  // first of a pair in a packed blob.
  std::string key_buf_, val_buf_, blob_buf_, elem_buf_, elem2_buf_, pair_buf_;
  // The checksum runs along with the parse (on bytes still in the cache, and so that the sink may drop the
  // pages behind): crc_ is the CRC of d_[0, crc_done_).
  uint64_t crc_ = 0;
  size_t crc_done_ = 0;
  static constexpr size_t kCrcStep = size_t{8} << 20;
  void Consumed() {
    if (pos_ - crc_done_ < kCrcStep) return;
    crc_ = Crc64(crc_, d_.data() + crc_done_, pos_ - crc_done_);
    crc_done_ = pos_;
    sink_.OnConsumed(crc_done_);
  }
};

// Hands a built value over, saying whether it is empty (the caller skips an empty one).
template <typename T>
bool Built(std::unique_ptr<T> obj, ObjType type, ValueOut* v, bool* empty) {
  *empty = obj->size() == 0;
  v->type = type;
  v->obj = std::move(obj);
  return true;
}

bool Parser::Len(uint64_t* len, bool* encoded) {
  size_t at = pos_;
  uint8_t b;
  if (!Byte(&b)) return false;
  *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      return true;
    case 1: {
      uint8_t b2;
      if (!Byte(&b2)) return false;
      *len = (static_cast<uint64_t>(b & 0x3f) << 8) | b2;
      return true;
    }
    case 2: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0) return Fail("bad length byte", at);
      std::string_view v;
      if (!Bytes(static_cast<uint64_t>(n), &v)) return false;
      uint64_t x = 0;
      for (unsigned char c : v) x = (x << 8) | c;  // big-endian
      *len = x;
      return true;
    }
    default:
      *encoded = true;
      *len = b & 0x3f;
      return true;
  }
}

bool Parser::StrView(std::string_view* out, std::string* scratch) {
  size_t at = pos_;
  uint64_t len;
  bool encoded;
  if (!Len(&len, &encoded)) return false;
  if (!encoded) return Bytes(len, out);
  switch (len) {
    case 0:
    case 1:
    case 2: {
      int n = 1 << len;  // int8, int16, int32
      uint64_t u;
      if (!LittleEndian(n, &u)) return false;
      int64_t x = n == 1 ? static_cast<int8_t>(u) : n == 2 ? static_cast<int16_t>(u) : static_cast<int32_t>(u);
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), x);
      scratch->assign(buf, static_cast<size_t>(r.ptr - buf));
      *out = *scratch;
      return true;
    }
    case 3: {
      uint64_t clen, ulen;
      std::string_view v;
      if (!PlainLen(&clen) || !PlainLen(&ulen)) return false;
      if (!Bytes(clen, &v)) return false;
      if (ulen / kLzfMaxRatio > clen) return Fail("LZF string claims more bytes than it can hold", at);
      scratch->resize(static_cast<size_t>(ulen));
      if (!LzfDecompressTo(v, scratch->data(), static_cast<size_t>(ulen))) {
        return Fail("bad LZF-compressed string", at);
      }
      *out = *scratch;
      return true;
    }
    default:
      return Fail("unknown string encoding " + std::to_string(len), at);
  }
}

bool Parser::String(std::string* out) {
  std::string_view v;
  if (!StrView(&v, out)) return false;
  if (v.data() != out->data()) out->assign(v.data(), v.size());
  return true;
}

bool Parser::AddZsetMember(ZSetValue* z, std::string_view member, double score, size_t at) {
  if (std::isnan(score)) return Fail("sorted set score is not a number", at);
  if (!z->Set(member, score, opt_.zset)) return Fail("duplicate sorted set member '" + Printable(member) + "'", at);
  return true;
}

bool Parser::Value(uint8_t type, std::string_view key, size_t key_at, ValueOut* v, bool* empty) {
  *empty = false;
  auto refuse_key = [&](const std::string& what) {
    return Fail("key '" + Printable(key) + "' " + what, key_at);
  };
  switch (type) {
    case kTypeString:
      v->type = ObjType::kString;
      return StrView(&v->str, &val_buf_);
    case kTypeList:
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return ListValueBody(type, v, empty);
    case kTypeSet:
    case kTypeSetIntset:
    case kTypeSetListpack:
      return SetValueBody(type, v, empty);
    case kTypeZset:
    case kTypeZset2:
    case kTypeZsetZiplist:
    case kTypeZsetListpack:
      return ZsetValueBody(type, v, empty);
    case kTypeHash:
    case kTypeHashZipmap:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      return HashValueBody(type, v, empty);

    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
    case kTypeStreamListpacks3:
      return StreamValueBody(type, v, empty);
    case kTypeHashMetadataPreGa:
    case kTypeHashListpackExPreGa:
    case kTypeHashMetadata:
    case kTypeHashListpackEx:
      return refuse_key("is a hash with per-field TTLs (RDB type " + std::to_string(type) +
                        "): hash with per-field TTLs is not supported yet");
    case kTypeModulePreGa:
    case kTypeModule2: {
      uint64_t id;
      if (!PlainLen(&id)) return false;
      return refuse_key("holds a value of module type '" + RdbModuleName(id) +
                        "': modules are not supported");
    }
    default:
      return Fail("unknown value type " + std::to_string(type) + " for key '" + Printable(key) + "'", key_at);
  }
}

bool Parser::ListValueBody(uint8_t type, ValueOut* v, bool* empty) {
  size_t at = pos_;
  auto list = std::make_unique<ListValue>();
  auto push = [&list](std::string_view e) {
    list->PushBack(e);
    return true;
  };
  if (type == kTypeListZiplist) {
    std::string_view blob;
    if (!Blob(&blob, "ziplist")) return false;
    if (!DecodeZiplist(blob, push)) return Fail("bad ziplist in list", at);
    return Built(std::move(list), ObjType::kList, v, empty);
  }
  bool ok = ForEachCounted([&] {
    size_t node_at = pos_;
    uint64_t container = kQuicklistPacked;
    if (type == kTypeListQuicklist2) {
      if (!PlainLen(&container)) return false;
      if (container != kQuicklistPlain && container != kQuicklistPacked) {
        return Fail("bad quicklist node container " + std::to_string(container), node_at);
      }
    }
    std::string_view s;
    if (type == kTypeList || container == kQuicklistPlain) {
      if (!StrView(&s, &elem_buf_)) return false;
      list->PushBack(s);
      return true;
    }
    if (!Blob(&s, "quicklist node")) return false;
    bool decoded = type == kTypeListQuicklist ? DecodeZiplist(s, push) : DecodeListpack(s, push);
    if (!decoded) return Fail(type == kTypeListQuicklist ? "bad ziplist in list" : "bad listpack in list", node_at);
    return true;
  });
  return ok && Built(std::move(list), ObjType::kList, v, empty);
}

bool Parser::SetValueBody(uint8_t type, ValueOut* v, bool* empty) {
  size_t at = pos_;
  auto set = std::make_unique<SetValue>();
  int64_t max_intset = opt_.set_max_intset_entries;
  std::string dup;
  auto add = [&](std::string_view m) {
    if (set->Add(m, max_intset)) return true;
    dup.assign(m.data(), m.size());
    return false;
  };
  if (type == kTypeSet) {
    uint64_t n;
    if (!PlainLen(&n)) return false;
    // A count the rest of the image cannot hold (each member takes a byte at least) is not reserved for.
    if (n <= d_.size() - pos_) set->Reserve(static_cast<size_t>(n), max_intset);
    bool ok = true;
    for (uint64_t i = 0; ok && i < n; i++) ok = [&] {
      size_t m_at = pos_;
      std::string_view m;
      if (!StrView(&m, &elem_buf_)) return false;
      if (!add(m)) return Fail("duplicate set member '" + Printable(m) + "'", m_at);
      return true;
    }();
    if (!ok) return false;
  } else {
    std::string_view blob;
    if (!Blob(&blob, type == kTypeSetIntset ? "intset" : "listpack")) return false;
    bool ok = type == kTypeSetIntset ? DecodeIntset(blob, [&](int64_t x) { return set->AddInt(x, max_intset); })
                                     : DecodeListpack(blob, add);
    if (!ok && !dup.empty()) return Fail("duplicate set member '" + Printable(dup) + "'", at);
    if (!ok) return Fail(type == kTypeSetIntset ? "bad intset" : "bad listpack in set", at);
  }
  return Built(std::move(set), ObjType::kSet, v, empty);
}

bool Parser::ZsetScore(uint8_t type, size_t member_at, double* score) {
  if (type == kTypeZset2) {
    uint64_t bits;
    if (!LittleEndian(8, &bits)) return false;
    std::memcpy(score, &bits, sizeof(*score));
    return true;
  }
  uint8_t l;
  if (!Byte(&l)) return false;
  if (l == 253) {
    *score = NAN;
  } else if (l == 254) {
    *score = INFINITY;
  } else if (l == 255) {
    *score = -INFINITY;
  } else {
    std::string_view txt;
    if (!Bytes(l, &txt)) return false;
    if (!ParseDouble(txt, score)) return Fail("bad sorted set score '" + Printable(txt) + "'", member_at);
  }
  return true;
}

bool Parser::ZsetValueBody(uint8_t type, ValueOut* v, bool* empty) {
  size_t at = pos_;
  auto z = std::make_unique<ZSetValue>();
  if (type == kTypeZset || type == kTypeZset2) {
    bool ok = ForEachCounted([&] {
      size_t m_at = pos_;
      std::string_view m;
      double score;
      return StrView(&m, &elem_buf_) && ZsetScore(type, m_at, &score) && AddZsetMember(z.get(), m, score, m_at);
    });
    if (!ok) return false;
  } else {
    std::string_view blob;
    if (!Blob(&blob, type == kTypeZsetZiplist ? "ziplist" : "listpack")) return false;
    ElementPairs pairs(&pair_buf_);
    bool bad = false;
    RdbElementFn pair = pairs.Fn([&](std::string_view member, std::string_view e) {
      double score;
      if (!ParseDouble(e, &score)) {
        Fail("bad sorted set score '" + Printable(e) + "'", at);
        bad = true;
        return false;
      }
      if (!AddZsetMember(z.get(), member, score, at)) {
        bad = true;
        return false;
      }
      return true;
    });
    bool ok = type == kTypeZsetZiplist ? DecodeZiplist(blob, pair) : DecodeListpack(blob, pair);
    if (bad) return false;
    if (!ok || pairs.odd()) {
      return Fail(type == kTypeZsetZiplist ? "bad ziplist in sorted set" : "bad listpack in sorted set", at);
    }
  }
  return Built(std::move(z), ObjType::kZSet, v, empty);
}

bool Parser::HashValueBody(uint8_t type, ValueOut* v, bool* empty) {
  size_t at = pos_;
  auto h = std::make_unique<HashValue>();
  if (type == kTypeHash) {
    uint64_t n;
    if (!PlainLen(&n)) return false;
    if (n <= (d_.size() - pos_) / 2) h->Reserve(static_cast<size_t>(n), 0, opt_.hash);
    bool ok = true;
    for (uint64_t i = 0; ok && i < n; i++) ok = [&] {
      size_t f_at = pos_;
      std::string_view f, val;
      if (!StrView(&f, &elem_buf_) || !StrView(&val, &elem2_buf_)) return false;
      if (!h->Set(f, val, opt_.hash)) return Fail("duplicate hash field '" + Printable(f) + "'", f_at);
      return true;
    }();
    if (!ok) return false;
  } else {
    std::string_view blob;
    const char* what = type == kTypeHashZipmap ? "zipmap" : type == kTypeHashZiplist ? "ziplist" : "listpack";
    if (!Blob(&blob, what)) return false;
    h->Reserve(0, blob.size(), opt_.hash);  // our listpack is about as long as the packed blob
    ElementPairs pairs(&pair_buf_);
    bool dup = false;
    RdbElementFn pair = pairs.Fn([&](std::string_view field, std::string_view e) {
      if (h->Set(field, e, opt_.hash)) return true;
      dup = true;
      return false;
    });
    bool ok = type == kTypeHashZipmap    ? DecodeZipmap(blob, pair)
              : type == kTypeHashZiplist ? DecodeZiplist(blob, pair)
                                         : DecodeListpack(blob, pair);
    if (dup) return Fail("duplicate hash field '" + Printable(pairs.first()) + "'", at);
    if (!ok || pairs.odd()) return Fail(std::string("bad ") + what + " in hash", at);
  }
  return Built(std::move(h), ObjType::kHash, v, empty);
}

// Streams, types 15 (Redis 5-6), 19 (7.0) and 21 (7.2+: consumers' active time). Node by node: the master
// id (a 16-byte big-endian string) and the listpack [count][deleted][numfields][fields...][0] then entries
// [flags][ms-delta][seq-delta]([values...] when flags has SAMEFIELDS (2), else [numfields][f v ...])
// [lp-count]; entries flagged DELETED (1) are skipped. Then the metadata and groups (rdb_writer.cc).
bool Parser::StreamValueBody(uint8_t type, ValueOut* v, bool* empty) {
  size_t at = pos_;
  auto s = std::make_unique<StreamValue>();
  uint64_t nodes;
  if (!PlainLen(&nodes)) return false;
  std::vector<std::string> el;
  std::vector<std::string_view> master_fields, fv;
  for (uint64_t n = 0; n < nodes; n++) {
    size_t node_at = pos_;
    std::string_view k;
    if (!StrView(&k, &elem_buf_)) return false;
    if (k.size() != 16) return Fail("stream node key entry is not the size of a stream ID", node_at);
    StreamId master = StreamId::FromBigEndian(reinterpret_cast<const unsigned char*>(k.data()));
    std::string_view blob;
    if (!Blob(&blob, "listpack")) return false;
    el.clear();
    if (!DecodeListpack(blob, [&](std::string_view e) {
          el.emplace_back(e);
          return true;
        })) {
      return Fail("bad listpack in stream", node_at);
    }
    auto num = [&](size_t i, int64_t* out) { return i < el.size() && ParseInt64(el[i], out); };
    int64_t count, deleted, mf;
    if (el.empty()) return Fail("empty listpack inside stream", node_at);
    if (!num(0, &count) || !num(1, &deleted) || !num(2, &mf) || count < 0 || deleted < 0 || mf < 0 ||
        el.size() < 4 + static_cast<size_t>(mf) || el[3 + static_cast<size_t>(mf)] != "0") {
      return Fail("bad stream node master entry", node_at);
    }
    master_fields.clear();
    for (int64_t i = 0; i < mf; i++) master_fields.push_back(el[3 + static_cast<size_t>(i)]);
    s->LoadBeginBlock(master, master_fields);
    size_t p = 4 + static_cast<size_t>(mf);
    int64_t seen = 0, live = 0;
    while (p < el.size()) {
      int64_t flags, msd, seqd;
      if (!num(p, &flags) || !num(p + 1, &msd) || !num(p + 2, &seqd)) return Fail("bad stream entry", node_at);
      p += 3;
      fv.clear();
      if (flags & 2) {
        if (el.size() - p < static_cast<size_t>(mf)) return Fail("bad stream entry", node_at);
        for (int64_t i = 0; i < mf; i++) {
          fv.push_back(master_fields[static_cast<size_t>(i)]);
          fv.push_back(el[p++]);
        }
      } else {
        int64_t nf;
        if (!num(p, &nf) || nf <= 0 || (el.size() - p - 1) / 2 < static_cast<size_t>(nf)) {
          return Fail("bad stream entry", node_at);
        }
        p++;
        for (int64_t i = 0; i < 2 * nf; i++) fv.push_back(el[p++]);
      }
      if (p >= el.size()) return Fail("bad stream entry", node_at);
      p++;  // lp-count
      seen++;
      if (flags & 1) continue;
      if (fv.empty()) return Fail("bad stream entry", node_at);
      StreamId id{master.ms + static_cast<uint64_t>(msd), master.seq + static_cast<uint64_t>(seqd)};
      if (!s->LoadAppend(id, fv.data(), fv.size())) return Fail("stream entry ids not increasing", node_at);
      live++;
    }
    if (live != count || seen != count + deleted) return Fail("stream node counts disagree with its entries", node_at);
    if (live == 0) return Fail("empty listpack inside stream", node_at);
    if (!s->LoadEndBlock(static_cast<uint32_t>(std::min<int64_t>(seen, UINT32_MAX)), blob.size())) {
      return Fail("bad stream node", node_at);
    }
  }
  uint64_t length, lms, lseq;
  if (!PlainLen(&length) || !PlainLen(&lms) || !PlainLen(&lseq)) return false;
  if (length != s->length()) return Fail("stream length disagrees with its entries", at);
  StreamId last{lms, lseq};
  StreamId top;
  if (s->Last(&top, nullptr) && last < top) return Fail("stream last id below its last entry", at);
  s->set_last_id(last);
  s->set_entries_added(length);
  if (type >= kTypeStreamListpacks2) {
    uint64_t fms, fseq, dms, dseq, added;
    if (!PlainLen(&fms) || !PlainLen(&fseq) || !PlainLen(&dms) || !PlainLen(&dseq) || !PlainLen(&added)) return false;
    s->set_max_deleted_entry_id(StreamId{dms, dseq});
    s->set_entries_added(added);
  }
  uint64_t ngroups;
  if (!PlainLen(&ngroups)) return false;
  for (uint64_t gi = 0; gi < ngroups; gi++) {
    size_t g_at = pos_;
    std::string name;
    uint64_t gms, gseq;
    if (!String(&name) || !PlainLen(&gms) || !PlainLen(&gseq)) return false;
    StreamId gid{gms, gseq};
    int64_t entries_read;
    if (type >= kTypeStreamListpacks2) {
      uint64_t er;
      if (!PlainLen(&er)) return false;
      entries_read = static_cast<int64_t>(er);
    } else {
      entries_read = s->EstimateDistanceFromFirstEverEntry(gid);
    }
    StreamGroup* g = s->CreateGroup(name, gid, entries_read);
    if (g == nullptr) return Fail("duplicated consumer group name '" + Printable(name) + "'", g_at);
    uint64_t npel;
    if (!PlainLen(&npel)) return false;
    for (uint64_t i = 0; i < npel; i++) {
      std::string_view raw;
      uint64_t t, cnt;
      if (!Bytes(16, &raw) || !LittleEndian(8, &t) || !PlainLen(&cnt)) return false;
      StreamId id = StreamId::FromBigEndian(reinterpret_cast<const unsigned char*>(raw.data()));
      if (g->FindNack(id) != nullptr) return Fail("duplicated global PEL entry", g_at);
      // Owned by the consumer that names it below (a placeholder consumer until then).
      auto [holder, created] = g->CreateConsumer(std::string_view("\0pel-loading", 12));
      g->AddNack(id, holder, static_cast<int64_t>(t), cnt);
    }
    uint64_t ncons;
    if (!PlainLen(&ncons)) return false;
    for (uint64_t ci = 0; ci < ncons; ci++) {
      std::string cname;
      uint64_t seen_t, active_t = 0, cpel;
      if (!String(&cname) || !LittleEndian(8, &seen_t)) return false;
      if (type >= kTypeStreamListpacks3 && !LittleEndian(8, &active_t)) return false;
      auto [c, created] = g->CreateConsumer(cname);
      if (!created) return Fail("duplicated consumer name '" + Printable(cname) + "'", g_at);
      c->seen_time_ms = static_cast<int64_t>(seen_t);
      c->active_time_ms = type >= kTypeStreamListpacks3 ? static_cast<int64_t>(active_t) : -1;
      if (!PlainLen(&cpel)) return false;
      for (uint64_t i = 0; i < cpel; i++) {
        std::string_view raw;
        if (!Bytes(16, &raw)) return false;
        StreamId id = StreamId::FromBigEndian(reinterpret_cast<const unsigned char*>(raw.data()));
        StreamNack* nack = g->FindNack(id);
        if (nack == nullptr) return Fail("consumer entry not found in group global PEL", g_at);
        if (nack->consumer == c) return Fail("duplicated consumer PEL entry", g_at);
        g->TransferNack(nack, c);
      }
    }
    StreamConsumer* holder = g->FindConsumer(std::string_view("\0pel-loading", 12));
    if (holder != nullptr) {
      if (!holder->pel.empty()) return Fail("global PEL entry without a consumer", g_at);
      g->DeleteConsumer(holder->name);
    }
  }
  *empty = false;  // an empty stream is a valid value (XADD MAXLEN 0, XGROUP CREATE MKSTREAM)
  v->type = ObjType::kStream;
  v->obj = std::move(s);
  return true;
}

Status Parser::Header(int* version) {
  if (d_.size() < 9 || d_.substr(0, 5) != "REDIS") {
    return Status::Error("not an RDB file (no REDIS signature) at offset 0");
  }
  *version = 0;
  for (size_t i = 5; i < 9; i++) {
    char c = d_[i];
    if (c < '0' || c > '9') return Status::Error("bad RDB version in the header at offset 5");
    *version = *version * 10 + (c - '0');
  }
  if (*version < 1 || *version > kRdbVersionMax) {
    return Status::Error("RDB format version " + std::to_string(*version) +
                         " is not supported (this node reads 1 to " + std::to_string(kRdbVersionMax) +
                         ") at offset 5");
  }
  pos_ = 9;
  return Status::Ok();
}

bool Parser::Eof(int version, RdbSummary* sum) {
  if (version >= 5) {
    size_t crc_at = pos_;
    uint64_t stored;
    if (!LittleEndian(8, &stored)) return false;
    if (stored != 0) {
      uint64_t computed = Crc64(crc_, d_.data() + crc_done_, crc_at - crc_done_);
      if (computed != stored) {
        char buf[128];
        snprintf(buf, sizeof(buf), "RDB checksum mismatch (the file says %016llx, its content gives %016llx)",
                 static_cast<unsigned long long>(stored), static_cast<unsigned long long>(computed));
        return Fail(buf, crc_at);
      }
      sum->checksum_checked = true;
    }
  }
  sum->end_offset = pos_;
  return true;
}

bool Parser::Opcode(uint8_t type, size_t at, RdbSummary* sum, bool* was_opcode) {
  *was_opcode = true;
  switch (type) {
    case kOpSelectDb: {
      if (!PlainLen(&db_)) return false;
      if (!sink_.takes_databases()) return true;
      Status st = sink_.OnSelectDb(db_);
      if (!st.ok()) return Fail(st.message(), at);
      return true;
    }
    case kOpResizeDb: {
      uint64_t keys, expires;
      if (!PlainLen(&keys) || !PlainLen(&expires)) return false;
      // Only a hint, read before the checksum is: a count the rest of the image cannot hold (a key takes
      // three bytes at least, an expiry nine more) is cut to what it can, so a corrupt one sizes nothing huge.
      uint64_t left = d_.size() - pos_;
      keys = std::min<uint64_t>(keys, left / 3);
      expires = std::min<uint64_t>(expires, std::min<uint64_t>(keys, left / 12));
      Status st = sink_.OnResizeDb(keys, expires);
      return st.ok() || Fail(st.message(), at);
    }
    case kOpSlotInfo: {
      uint64_t a, b, c;
      return PlainLen(&a) && PlainLen(&b) && PlainLen(&c);
    }
    case kOpExpireTimeMs: {
      uint64_t ms;
      if (!LittleEndian(8, &ms)) return false;
      expire_ = static_cast<int64_t>(ms);
      return true;
    }
    case kOpExpireTime: {
      uint64_t s;
      if (!LittleEndian(4, &s)) return false;
      expire_ = static_cast<int64_t>(static_cast<int32_t>(s)) * 1000;
      return true;
    }
    case kOpIdle: {
      uint64_t s;
      if (!PlainLen(&s)) return false;
      idle_ = static_cast<int64_t>(s & 0x7fffffffffffffffULL);
      return true;
    }
    case kOpFreq: {
      uint8_t f;
      if (!Byte(&f)) return false;
      freq_ = f;
      return true;
    }
    case kOpAux: {
      std::string k, v;
      if (!String(&k) || !String(&v)) return false;
      Status st = sink_.OnAux(k, v);
      return st.ok() || Fail(st.message(), at);
    }
    case kOpModuleAux: {
      uint64_t id;
      if (!PlainLen(&id)) return false;
      return Fail("the file holds data of module '" + RdbModuleName(id) + "': modules are not supported", at);
    }
    case kOpFunctionPreGa:
      return Fail("function libraries in the pre-release format of Redis 7.0 RC are not supported", at);
    case kOpFunction2: {
      std::string code;
      if (!String(&code)) return false;
      Status st = sink_.OnFunction(std::move(code));
      if (!st.ok()) return Fail(st.message(), at);
      sum->functions++;
      return true;
    }
    default:
      *was_opcode = false;
      return true;
  }
}

bool Parser::Key(uint8_t type, size_t at, RdbSummary* sum) {
  if (type > kTypeHashListpackEx || type == 8) {
    return Fail("unknown RDB opcode or value type " + std::to_string(type), at);
  }
  std::string_view key;
  if (!StrView(&key, &key_buf_)) return false;
  if (db_ != 0 && !sink_.takes_databases()) {
    return Fail("key '" + Printable(key) + "' is in database " + std::to_string(db_) +
                    ": this node has only database 0 (as a cluster node)",
                at);
  }
  bool empty = false;
  ValueOut v;
  if (!Value(type, key, at, &v, &empty)) return false;
  RdbKeyRef k;
  k.key = key;
  k.type = v.type;
  k.str = v.str;
  k.obj = std::move(v.obj);
  k.expire_at_ms = expire_;
  k.lru_idle_s = idle_;
  k.lfu_freq = freq_;
  k.offset = at;
  expire_ = idle_ = -1;
  freq_ = -1;
  if (empty) {
    sum->empty_keys++;
    return true;
  }
  Status st = sink_.OnKeyRef(k);
  if (!st.ok()) return Fail(st.message(), k.offset);
  sum->keys++;
  return true;
}

StatusOr<RdbSummary> Parser::Run() {
  RdbSummary sum;
  auto error = [this]() { return Status::Error(err_ + " at offset " + std::to_string(err_off_)); };
  Status header = Header(&sum.version);
  if (!header.ok()) return header;
  while (true) {
    size_t at = pos_;
    uint8_t type;
    if (!Byte(&type)) return error();
    if (type == kOpEof) {
      if (!Eof(sum.version, &sum)) return error();
      return sum;
    }
    bool was_opcode;
    if (!Opcode(type, at, &sum, &was_opcode)) return error();
    if (was_opcode) continue;
    // A key: type, key, value.
    if (!Key(type, at, &sum)) return error();
    Consumed();
  }
}

StatusOr<DumpedValue> Parser::OneValue(uint8_t type) {
  ValueOut v;
  bool empty = false;
  if (!Value(type, "", 0, &v, &empty)) return Status::Error(err_ + " at offset " + std::to_string(err_off_));
  if (pos_ != d_.size()) return Status::Error("bytes after the value at offset " + std::to_string(pos_));
  if (empty) return Status::Error("an empty value at offset 0");
  DumpedValue out;
  out.type = v.type;
  out.str.assign(v.str.data(), v.str.size());
  out.obj = std::move(v.obj);
  return out;
}

class NoSink final : public RdbSink {
 public:
  Status OnFunction(std::string) override { return Status::Error("not a file"); }
  Status OnKey(RdbKey&&) override { return Status::Error("not a file"); }
};

}  // namespace

Status RdbSink::OnKeyRef(RdbKeyRef& k) {
  RdbKey owned;
  owned.key.assign(k.key.data(), k.key.size());
  owned.value.type = k.type;
  owned.value.str.assign(k.str.data(), k.str.size());
  owned.value.obj = std::move(k.obj);
  owned.expire_at_ms = k.expire_at_ms;
  owned.lru_idle_s = k.lru_idle_s;
  owned.lfu_freq = k.lfu_freq;
  return OnKey(std::move(owned));
}

StatusOr<DumpedValue> ParseRdbObject(uint8_t type, std::string_view body, const RdbParseOptions& options) {
  NoSink sink;
  Parser p(body, options, sink);
  return p.OneValue(type);
}

bool ReadRdbString(std::string_view data, size_t* pos, std::string* out) {
  if (*pos > data.size()) return false;
  static const RdbParseOptions kDefaults;
  NoSink sink;
  Parser p(data, kDefaults, sink);
  return p.StringAt(pos, out);
}

bool ReadRdbLength(std::string_view data, size_t* pos, uint64_t* len) {
  if (*pos > data.size()) return false;
  static const RdbParseOptions kDefaults;
  NoSink sink;
  Parser p(data, kDefaults, sink);
  return p.LengthAt(pos, len);
}

bool LooksLikeRdb(std::string_view data) { return data.substr(0, 5) == "REDIS"; }

StatusOr<RdbSummary> ParseRdb(std::string_view data, const RdbParseOptions& options, RdbSink& sink) {
  Parser p(data, options, sink);
  return p.Run();
}

std::string RdbModuleName(uint64_t module_id) {
  static constexpr char kCharset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string name(9, ' ');
  uint64_t id = module_id >> 10;  // the low 10 bits are the module's encoding version
  for (int i = 8; i >= 0; i--) {
    name[static_cast<size_t>(i)] = kCharset[id & 63];
    id >>= 6;
  }
  return name;
}

}  // namespace rcs
