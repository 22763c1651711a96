// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// The values are strings in Redis's HLL format (keyspace/hyperloglog.h), so they DUMP/RESTORE, MIGRATE,
// replicate and persist like any string and redis-server reads them. A value that does not grow is
// changed in place; one that grows (a sparse value gaining opcodes, or its promotion to dense) is written
// back as a new string with its TTL kept.
//
// Propagation: PFADD, PFMERGE and PFDEBUG GETREG/TODENSE are propagated as themselves (deterministic). A
// single-key PFCOUNT that had to recompute the cached cardinality writes it into the value, and is
// propagated too (as Redis does), so that replicas and the AOF hold the same bytes. On a replica, a
// client's PFCOUNT computes the estimate but leaves the value alone: a replica's data only changes
// through its master.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "keyspace/hyperloglog.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {

// hll-sparse-max-bytes: the largest a sparse value may grow before it becomes dense (CONFIG GET's text of
// the kept directive; only the sparse paths look it up, the dense fast path never does).
size_t SparseMaxBytes(CommandContext& ctx) {
  const auto& kept = ctx.server.config().no_effect_values;
  auto it = kept.find("hll-sparse-max-bytes");
  int64_t v;
  if (it == kept.end() || !ParseInt64(it->second, &v) || v < 0) return hll::kDefaultSparseMaxBytes;
  return static_cast<size_t>(v);
}

// Checks that `e` is a string holding an HLL; replies and returns false if not.
bool CheckHll(CommandContext& ctx, Entry* e) {
  if (e->type() != ObjType::kString) {
    ctx.reply.Error(err::kWrongType);
    return false;
  }
  if (!hll::IsHll(e->str())) {
    ctx.reply.Error(err::kHllWrongType);
    return false;
  }
  return true;
}

// Stores `v` as the new value of `key`: in place when the length is unchanged, else as a new string
// (TTL kept).
void StoreBack(CommandContext& ctx, std::string_view key, Entry* e, const std::string& v) {
  if (e != nullptr && e->str().size() == v.size()) {
    memcpy(e->mutable_str(), v.data(), v.size());
  } else {
    ctx.db.SetString(key, v, -1, /*keep_ttl=*/true);
  }
}

void PfaddCmd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.FindWrite(key);
  if (e != nullptr && e->type() == ObjType::kString && hll::IsHll(e->str()) && hll::IsDense(e->str())) {
    // Dense: registers only rise, the size never changes, nothing can be corrupt: in place, no copy.
    char* value = e->mutable_str();
    int64_t changed = 0;
    for (size_t j = 2; j < ctx.argc(); j++) changed += hll::AddDense(value, ctx.arg(j));
    if (changed > 0) hll::InvalidateCache(value);
    ctx.dirty = changed;
    return ctx.reply.Integer(changed > 0 ? 1 : 0);
  }
  std::string v;
  int64_t updated = 0;
  if (e == nullptr) {
    v = hll::NewSparse();
    updated = 1;
  } else {
    if (!CheckHll(ctx, e)) return;
    v.assign(e->str());
  }
  bool corrupt = false;
  const size_t sparse_max = SparseMaxBytes(ctx);
  for (size_t j = 2; j < ctx.argc(); j++) {
    int r = hll::Add(&v, ctx.arg(j), sparse_max);
    if (r < 0) {
      corrupt = true;
      break;
    }
    updated += r;
  }
  if (updated > 0 || corrupt) {
    if (updated > 0) hll::InvalidateCache(&v);
    // Redis keeps what the adds before the corruption did (without propagating it); so do we.
    StoreBack(ctx, key, e, v);
  }
  if (corrupt) return ctx.reply.Error(err::kHllInvalid);
  ctx.dirty = updated;
  ctx.reply.Integer(updated > 0 ? 1 : 0);
}

void PfcountCmd(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    // The cardinality of the union: the registers' maxima, nothing written.
    std::vector<uint8_t> max(hll::kRegisters, 0);
    for (size_t j = 1; j < ctx.argc(); j++) {
      Entry* e = ctx.db.FindRead(ctx.arg(j));
      if (e == nullptr) continue;
      if (!CheckHll(ctx, e)) return;
      if (!hll::MergeInto(e->str(), max.data())) return ctx.reply.Error(err::kHllInvalid);
    }
    return ctx.reply.Integer(static_cast<int64_t>(hll::EstimateRegisters(max.data())));
  }
  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e == nullptr) return ctx.reply.Integer(0);
  if (!CheckHll(ctx, e)) return;
  uint64_t card;
  if (hll::CachedCardinality(e->str(), &card)) return ctx.reply.Integer(static_cast<int64_t>(card));
  if (!hll::Estimate(e->str(), &card)) return ctx.reply.Error(err::kHllInvalid);
  const bool replica_client =
      ctx.server.is_replica() && !(ctx.client != nullptr && ctx.client->has(kClientMaster)) && !ctx.server.loading();
  if (!replica_client) {
    hll::WriteCache(e->mutable_str(), card);  // the header is at the start: same length, in place
    ctx.dirty = 1;
  }
  ctx.reply.Integer(static_cast<int64_t>(card));
}

void PfmergeCmd(CommandContext& ctx) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool use_dense = false;
  for (size_t j = 1; j < ctx.argc(); j++) {
    Entry* e = ctx.db.FindRead(ctx.arg(j));
    if (e == nullptr) continue;
    if (!CheckHll(ctx, e)) return;
    if (hll::IsDense(e->str())) use_dense = true;
    if (!hll::MergeInto(e->str(), max.data())) return ctx.reply.Error(err::kHllInvalid);
  }
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.FindWrite(key);
  std::string v = e == nullptr ? hll::NewSparse() : std::string(e->str());  // checked above when it exists
  if (use_dense && !hll::SparseToDense(&v)) return ctx.reply.Error(err::kHllInvalid);
  const size_t sparse_max = SparseMaxBytes(ctx);
  for (int j = 0; j < hll::kRegisters; j++) {
    if (max[j] != 0) hll::SetRegister(&v, j, max[j], sparse_max);
  }
  hll::InvalidateCache(&v);
  StoreBack(ctx, key, e, v);
  ctx.dirty = 1;
  ctx.reply.Ok();
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
void PfdebugCmd(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1), key = ctx.arg(2);
  Entry* e = ctx.db.FindWrite(key);
  if (e == nullptr) return ctx.reply.Error(err::kPfdebugNoKey);
  if (!CheckHll(ctx, e)) return;
  std::string v(e->str());
  if (EqualsIgnoreCase(sub, "getreg") || EqualsIgnoreCase(sub, "todense")) {
    bool converted = false;
    if (!hll::IsDense(v)) {
      if (!hll::SparseToDense(&v)) return ctx.reply.Error(err::kHllInvalid);
      ctx.db.SetString(key, v, -1, /*keep_ttl=*/true);
      ctx.dirty = 1;  // the encoding changed: replicas convert too
      converted = true;
    }
    if (EqualsIgnoreCase(sub, "todense")) return ctx.reply.Integer(converted ? 1 : 0);
    ctx.reply.Array(hll::kRegisters);
    for (int j = 0; j < hll::kRegisters; j++) ctx.reply.Integer(hll::DenseRegister(v, j));
  } else if (EqualsIgnoreCase(sub, "decode")) {
    std::string out;
    if (!hll::DecodeSparse(v, &out)) return ctx.reply.Error(err::kHllNotSparse);
    ctx.reply.Bulk(out);
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    ctx.reply.Simple(hll::IsDense(v) ? "dense" : "sparse");
  } else {
    ctx.reply.Error(err::UnknownPfdebugSubcommand(sub));
  }
}

// PFSELFTEST: redis-server's self test, run on this node's HLL code. 1) registers: random values set in
// every register of a dense value read back unchanged (neighbours undisturbed), 1000 times; 2) estimates:
// 10 million distinct elements added to a dense and to a sparse value, which must stay sparse while small
// (below hll-sparse-max-bytes / 2 elements), agree with each other, and stay within 6 standard errors of
// the true count at every power of ten. Blocks the server for a few seconds, as redis-server's does.
void PfselftestCmd(CommandContext& ctx) {
  for (int cycle = 0; cycle < 1000; cycle++) {
    std::string v = hll::NewSparse();
    hll::SparseToDense(&v);
    std::vector<uint8_t> want(hll::kRegisters);
    for (int i = 0; i < hll::kRegisters; i++) {
      want[i] = static_cast<uint8_t>(rand() & ((1 << hll::kBits) - 1));
      if (want[i] != 0) hll::SetRegister(&v, i, want[i], 0);
    }
    for (int i = 0; i < hll::kRegisters; i++) {
      int got = hll::DenseRegister(v, i);
      if (got != want[i]) {
        return ctx.reply.Error("TESTFAILED Register " + std::to_string(i) + " should be " + std::to_string(want[i]) +
                               " but is " + std::to_string(got));
      }
    }
  }
  std::string dense = hll::NewSparse(), sparse = hll::NewSparse();
  hll::SparseToDense(&dense);
  const size_t sparse_max = SparseMaxBytes(ctx);
  const double relerr = 1.04 / std::sqrt(static_cast<double>(hll::kRegisters));
  uint64_t checkpoint = 1;
  const uint64_t seed = static_cast<uint64_t>(rand()) | static_cast<uint64_t>(rand()) << 32;
  for (uint64_t j = 1; j <= 10000000; j++) {
    uint64_t ele = j ^ seed;
    std::string_view elem(reinterpret_cast<const char*>(&ele), sizeof(ele));
    hll::AddDense(dense.data(), elem);
    if (hll::Add(&sparse, elem, sparse_max) < 0) return ctx.reply.Error("TESTFAILED sparse value corrupt");
    if (j != checkpoint) continue;
    if (j < sparse_max / 2 && hll::IsDense(sparse)) return ctx.reply.Error("TESTFAILED sparse encoding not used");
    uint64_t card_dense = 0, card_sparse = 0;
    hll::Estimate(dense, &card_dense);
    hll::Estimate(sparse, &card_sparse);
    if (card_dense != card_sparse) return ctx.reply.Error("TESTFAILED dense/sparse disagree");
    int64_t abserr = static_cast<int64_t>(checkpoint) - static_cast<int64_t>(card_dense);
    uint64_t maxerr = static_cast<uint64_t>(std::ceil(relerr * 6 * static_cast<double>(checkpoint)));
    if (j == 10) maxerr = 1;  // collisions make a larger error at 10 statistically likely
    if (abserr < 0) abserr = -abserr;
    if (abserr > static_cast<int64_t>(maxerr)) {
      return ctx.reply.Error("TESTFAILED Too big error. card:" + std::to_string(checkpoint) +
                             " abserr:" + std::to_string(abserr));
    }
    checkpoint *= 10;
  }
  ctx.reply.Ok();
}

}  // namespace

void RegisterHllFamily(CommandRegistry& r) {
  const char* g = "hyperloglog";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, fast = kCmdFast;
  r.Add(Spec("pfadd", -2, w | oom | fast, 1, 1, 1, PfaddCmd, nullptr, g, "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist."));
  r.Add(Spec("pfcount", -2, ro, 1, -1, 1, PfcountCmd, nullptr, g,
             "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s)."));
  r.Add(Spec("pfmerge", -2, w | oom, 1, -1, 1, PfmergeCmd, nullptr, g, "Merges one or more HyperLogLog values into a single key."));
  r.Add(Spec("pfselftest", 1, kCmdAdmin, 0, 0, 0, PfselftestCmd, nullptr, g, "An internal command for testing HyperLogLog values."));
  r.Add(Spec("pfdebug", 3, w | oom | kCmdAdmin, 2, 2, 1, PfdebugCmd, nullptr, g, "Internal commands for debugging HyperLogLog values."));
}

}  // namespace rcs
