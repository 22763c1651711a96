#include "keyspace/digest.h"

#include <cstdio>
#include <string_view>

#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/set_value.h"
#include "keyspace/stream_value.h"
#include "keyspace/zset_value.h"

namespace rcs {
namespace {

std::string_view View(const Sha1Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

void XorDigest(Sha1Digest* d, std::string_view data) {
  Sha1Digest h = Sha1(data);
  for (size_t i = 0; i < h.size(); i++) (*d)[i] ^= h[i];
}

void MixDigest(Sha1Digest* d, std::string_view data) {
  XorDigest(d, data);
  *d = Sha1(View(*d));
}

// A 32-bit number as Redis hashes it: htonl, i.e. big-endian bytes.
std::string_view BigEndian32(uint32_t v, char* buf) {
  buf[0] = static_cast<char>(v >> 24);
  buf[1] = static_cast<char>(v >> 16);
  buf[2] = static_cast<char>(v >> 8);
  buf[3] = static_cast<char>(v);
  return std::string_view(buf, 4);
}

}  // namespace

void AddValueDigest(const Entry& e, Sha1Digest* digest) {
  char buf[128];
  // Redis's OBJ_* numbers: ours for string..hash, OBJ_STREAM is 6 (5 is OBJ_MODULE there).
  uint32_t redis_type = e.type() == ObjType::kStream ? 6 : static_cast<uint32_t>(e.type());
  MixDigest(digest, BigEndian32(redis_type, buf));
  switch (e.type()) {
    case ObjType::kString:
      MixDigest(digest, e.str());
      break;
    case ObjType::kList: {
      const auto* list = e.as<ListValue>();
      for (ListValue::Iterator it = list->Begin(); it.valid(); it.Next()) MixDigest(digest, it.value());
      break;
    }
    case ObjType::kSet:
      e.as<SetValue>()->ForEach([&](std::string_view member) { XorDigest(digest, member); });
      break;
    case ObjType::kZSet:
      e.as<ZSetValue>()->ForEach([&](std::string_view member, double score) {
        Sha1Digest element{};
        MixDigest(&element, member);
        int n = snprintf(buf, sizeof(buf), "%.17g", score);
        MixDigest(&element, std::string_view(buf, static_cast<size_t>(n)));
        XorDigest(digest, View(element));
      });
      break;
    case ObjType::kHash:
      e.as<HashValue>()->ForEach([&](std::string_view field, std::string_view value) {
        Sha1Digest element{};
        MixDigest(&element, field);
        MixDigest(&element, value);
        XorDigest(digest, View(element));
      });
      break;
    case ObjType::kStream:
      // As Redis's xorObjectDigest: "<ms>.<seq>", then each field and value, entry by entry (groups are
      // not part of the digest).
      e.as<StreamValue>()->Range(StreamId::Min(), StreamId::Max(), false, 0,
                                 [&](StreamId id, const StreamValue::FieldValues& fv) {
                                   int n = snprintf(buf, sizeof(buf), "%llu.%llu",
                                                    static_cast<unsigned long long>(id.ms),
                                                    static_cast<unsigned long long>(id.seq));
                                   MixDigest(digest, std::string_view(buf, static_cast<size_t>(n)));
                                   for (std::string_view s : fv) MixDigest(digest, s);
                                   return true;
                                 });
      break;
  }
  if (e.has_expire()) XorDigest(digest, "!!expire!!");
}

Sha1Digest ValueDigest(const Entry* e) {
  Sha1Digest d{};
  if (e != nullptr) AddValueDigest(*e, &d);
  return d;
}

Sha1Digest DatasetDigest(Keyspace& db) { return DatasetDigest(std::vector<Keyspace*>{&db}); }

Sha1Digest DatasetDigest(const std::vector<Keyspace*>& dbs) {
  Sha1Digest final_digest{};
  for (size_t i = 0; i < dbs.size(); i++) {
    if (dbs[i] == nullptr || dbs[i]->size() == 0) continue;
    char buf[4];
    MixDigest(&final_digest, BigEndian32(static_cast<uint32_t>(i), buf));  // the same data in another db differs
    dbs[i]->ForEachStored([&](const Entry& e) {
      Sha1Digest d{};
      MixDigest(&d, e.key());
      AddValueDigest(e, &d);
      XorDigest(&final_digest, View(d));
    });
  }
  return final_digest;
}

std::string DigestText(const Sha1Digest& d) { return HexLower(d.data(), d.size()); }

}  // namespace rcs
