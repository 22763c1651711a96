// The stream value (Redis 5+ streams): an append-only log of entries keyed by increasing ids, plus the
// consumer groups that read it.
//
// Ownership (three helpers work on streams):
// - This header and stream_value.cc (ids, entry storage, the group/consumer/PEL data structures and their
//   lookup/insert/erase methods, serialization of everything: DUMP body, RDB type 19, AOF rewrite, digest)
//   belong to the `streams` branch. The group section below is stable: changes to it are additive.
// - The consumer-group COMMANDS (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS /
//   CONSUMERS) belong to the `streamgroups` branch; their logic that is not a plain data-structure method
//   lives in keyspace/stream_groups.cc or in commands/ (theirs).
//
// Storage layout, and why it is at least as compact as Redis's:
// Redis keeps entries in listpacks of <= 4 KiB / 100 entries under a radix tree keyed by each listpack's
// master id; every entry costs a flags element, an ms-delta and a seq-delta element (each with a 1-byte
// header and a 1-byte back-length), the values, and an lp-count element, ~11-12 bytes for `f v`.
// We keep a sorted vector of blocks (each one heap object), keyed by the block's first id:
// - a block holds at most kBlockEntries entries / about kBlockBytes bytes, packed in one byte string;
// - the block starts with its "master fields" (the field names of the first entry added to it);
// - an entry is  varint(ms_delta << 1 | same_fields)  varint(seq_part)  [varint nfields, fields...]
//   values..., each string as varint length + bytes. ms_delta is against the previous entry of the block
//   (the block's base id for the first one); seq_part is seq - prev.seq - 1 when ms_delta == 0 and the
//   absolute seq otherwise. When same_fields is set the field names are the block's master fields and
//   are not stored. `XADD s * f v` costs 1 + 1 + 2 = 4 bytes per entry, plus ~1 byte of block overhead.
// - no back-lengths: reverse iteration decodes one block (<= 100 entries) forward into a small offset
//   array and walks it backwards, so it stays O(entries returned + one block).
// - deleted entries are removed from their block (the block is re-encoded, <= 4 KiB of work) instead of
//   being kept as tombstones; a block that becomes empty is freed. Full blocks are shrunk to fit.
// Lookups binary-search the block vector by first id: O(log blocks + one block). Removing blocks at the
// front (trims) moves the vector's pointers: blocks are ~100 entries, so 10^6 entries are 10^4 pointers.
//
// DUMP body (our own format, version 1; primitives from keyspace/serialize.h) is described in
// stream_value.cc next to Serialize. DUMP/RESTORE with redis-server uses the RDB type-19 encoding
// (keyspace/rdb_*), written from this value.
#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "keyspace/object.h"

namespace rcs {

// ---------------------------------------------------------------------------------------------------------
// Stream ids.

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamId Min() { return StreamId{0, 0}; }
  static constexpr StreamId Max() { return StreamId{UINT64_MAX, UINT64_MAX}; }
  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;
  friend constexpr bool operator==(const StreamId&, const StreamId&) = default;
  bool IsZero() const { return ms == 0 && seq == 0; }
  // id + 1 (seq first, carrying into ms). False (and *this unchanged) at Max().
  bool Incr();
  // id - 1. False (and *this unchanged) at 0-0.
  bool Decr();
  // "<ms>-<seq>".
  std::string ToString() const;
  void AppendTo(std::string* out) const;
  // 16 bytes big endian ms then seq (Redis's rax key and RDB encoding).
  void ToBigEndian(unsigned char out[16]) const;
  static StreamId FromBigEndian(const unsigned char in[16]);
};

// How an id argument is read (Redis's streamParseID / streamGenericParseIDOrReply variants).
struct StreamIdParse {
  StreamId id;
  bool seq_given = true;   // false only for "<ms>-*" ("<ms>" alone takes missing_seq, as given)
  bool seq_auto = false;   // "<ms>-*" (only when allow_seq_auto)
};
// Parses "<ms>-<seq>", "<ms>" (seq = missing_seq), and, unless strict, "-" (0-0) and "+" (max).
// With allow_seq_auto "<ms>-*" is accepted (XADD). Returns false on anything else (the caller answers
// err::kStreamInvalidId).
bool ParseStreamId(std::string_view s, uint64_t missing_seq, bool strict, bool allow_seq_auto,
                   StreamIdParse* out);
// Convenience: plain "<ms>[-<seq>]" / "-" / "+" with missing seq = missing_seq.
bool ParseStreamId(std::string_view s, uint64_t missing_seq, StreamId* out);

// ---------------------------------------------------------------------------------------------------------
// Consumer groups: plain data structures. All times are unix ms.

struct StreamConsumer;

// One pending (delivered, not acknowledged) entry. Owned by its group's pel; the consumer's pel points at it.
struct StreamNack {
  StreamId id;
  StreamConsumer* consumer = nullptr;  // the consumer it was last delivered to
  int64_t delivery_time_ms = 0;
  uint64_t delivery_count = 0;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time_ms = 0;    // last interaction (Redis 7.0's only consumer time; RDB v10 stores it)
  int64_t active_time_ms = -1; // last successful read/claim (Redis 7.2's active-time; -1 = never)
  std::map<StreamId, StreamNack*> pel;  // this consumer's pending entries, by id (shared with the group's)
};

class StreamGroup {
 public:
  explicit StreamGroup(std::string name) : name_(std::move(name)) {}
  StreamGroup(const StreamGroup&) = delete;
  StreamGroup& operator=(const StreamGroup&) = delete;

  const std::string& name() const { return name_; }
  StreamId last_delivered_id;
  // Redis's entries_read; kInvalidEntriesRead (-1) when unknown.
  static constexpr int64_t kInvalidEntriesRead = -1;
  int64_t entries_read = kInvalidEntriesRead;

  // Consumers, by name in byte order (Redis's rax order: XINFO CONSUMERS lists them so).
  const std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>>& consumers() const {
    return consumers_;
  }
  StreamConsumer* FindConsumer(std::string_view name) const;
  // Returns the consumer and whether it was created now (seen/active times are set by the caller).
  std::pair<StreamConsumer*, bool> CreateConsumer(std::string_view name);
  // Deletes the consumer and its pending entries (from the group pel too); returns how many were pending,
  // or -1 when there is no such consumer.
  int64_t DeleteConsumer(std::string_view name);

  // The group's pending entries list, by id.
  const std::map<StreamId, StreamNack>& pel() const { return pel_; }
  StreamNack* FindNack(StreamId id);
  const StreamNack* FindNack(StreamId id) const;
  // Adds a pending entry for `consumer` (which must belong to this group). If the id is already pending,
  // it is moved to `consumer` and its time/count are overwritten. Returns the entry.
  StreamNack* AddNack(StreamId id, StreamConsumer* consumer, int64_t delivery_time_ms, uint64_t delivery_count);
  // Moves a pending entry to another consumer of this group (XCLAIM).
  void TransferNack(StreamNack* nack, StreamConsumer* to);
  // Acknowledges / forgets a pending entry; false when it was not pending.
  bool EraseNack(StreamId id);

  // Deep copy (consumers and pending entries, with the pointers remapped).
  std::unique_ptr<StreamGroup> Clone() const;
  size_t MemoryUsage() const;

 private:
  std::string name_;
  std::map<StreamId, StreamNack> pel_;
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers_;
};

// ---------------------------------------------------------------------------------------------------------
// The value.

class StreamValue final : public Object {
 public:
  // Redis's stream-node-max-entries / stream-node-max-bytes defaults.
  static constexpr uint32_t kBlockEntries = 100;
  static constexpr uint32_t kBlockBytes = 4096;
  struct Block;  // defined in stream_value.cc

  // Field/value pairs of one entry, flattened: f1 v1 f2 v2 ... (views valid until the stream changes).
  using FieldValues = std::vector<std::string_view>;

  StreamValue();
  ~StreamValue() override;
  StreamValue(const StreamValue&) = delete;
  StreamValue& operator=(const StreamValue&) = delete;

  // Object
  ObjType type() const override;
  const char* encoding() const override { return "stream"; }
  size_t size() const override { return length_; }
  size_t MemoryUsage() const override;
  void Serialize(std::string* out) const override;
  // What redis-server's rewriteStreamObject emits: XADD per entry (or XADD ... MAXLEN 0 + XSETID for an
  // empty stream), XSETID key last ENTRIESADDED n MAXDELETEDID id, then per group XGROUP CREATE key g id
  // ENTRIESREAD n, XCLAIM key g consumer 0 id TIME t RETRYCOUNT c JUSTID FORCE per pending entry (in pel
  // consumer by consumer) and XGROUP CREATECONSUMER for consumers without pending entries.
  void EmitRebuildCommands(std::string_view key, const CommandSink& sink) const override;
  std::unique_ptr<Object> Clone() const override;
  static StatusOr<std::unique_ptr<Object>> Deserialize(std::string_view body);

  // Metadata (Redis's stream struct).
  uint64_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  StreamId first_id() const;  // first entry's id, 0-0 when empty
  StreamId max_deleted_entry_id() const { return max_deleted_entry_id_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  void set_max_deleted_entry_id(StreamId id) { max_deleted_entry_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  size_t block_count() const { return blocks_.size(); }

  // The id XADD * would give now (Redis's streamIncrID / streamNextID): max(now_ms, last.ms) with seq
  // last.seq+1 when ms equals last.ms. False when last_id is the max id (no id left).
  bool NextAutoId(uint64_t now_ms, StreamId* out) const;
  // The id for "<ms>-*": seq 0 when ms > last.ms, last.seq+1 when equal (false if that overflows or ms
  // is smaller than last.ms).
  bool NextSeqId(uint64_t ms, StreamId* out) const;

  // Appends an entry; `id` must be greater than last_id() (the caller checks and answers the error).
  // fv holds field/value pairs (even count >= 2). Updates length, last_id, entries_added.
  void Append(StreamId id, const std::string_view* fv, size_t n);
  void Append(StreamId id, const FieldValues& fv) { Append(id, fv.data(), fv.size()); }

  // Calls f(id, fields) for entries with start <= id <= end (inclusive; exclusive ranges are turned into
  // inclusive ones by the caller with Incr/Decr), ascending, or descending when rev. f returns false to
  // stop. At most `count` entries when count > 0. Returns how many were visited.
  size_t Range(StreamId start, StreamId end, bool rev, size_t count,
               const std::function<bool(StreamId, const FieldValues&)>& f) const;
  // The entry with this id, copied into *fv (true) or false.
  bool Get(StreamId id, std::vector<std::string>* fv) const;
  bool Contains(StreamId id) const;
  // First/last entry (false when empty).
  bool First(StreamId* id, std::vector<std::string>* fv) const;
  bool Last(StreamId* id, std::vector<std::string>* fv) const;

  // Deletes one entry; false if absent. Updates length and max_deleted_entry_id.
  bool Delete(StreamId id);

  // Trimming (Redis's streamTrim). approx: only whole blocks are removed. limit: at most this many
  // entries removed (0 = no limit; callers pass Redis's default 100 * node entries for "~" without LIMIT).
  // Returns the number of entries removed. Updates length; as in Redis, trims leave max_deleted_entry_id
  // alone (only XDEL sets it). Block boundaries follow Redis's node-full rule (kBlockEntries entries ever
  // added, or Redis's listpack bytes + the new entry's field/value bytes >= kBlockBytes), so approximate
  // trims remove the same entries as on redis-server for the same command history.
  int64_t TrimMaxLen(uint64_t maxlen, bool approx, int64_t limit);
  int64_t TrimMinId(StreamId minid, bool approx, int64_t limit);

  // Lag support (Redis's streamRangeHasTombstones / streamEstimateDistanceFromFirstEverEntry).
  // True when entries may have been deleted between start and end (inclusive).
  bool RangeHasTombstones(StreamId start, StreamId end) const;
  // The number of entries added up to `id` (the group's entries_read), or -1 when it cannot be known.
  int64_t EstimateDistanceFromFirstEverEntry(StreamId id) const;

  // Loading a stream node by node (RDB, RESTORE): each Redis listpack node becomes one block with the
  // node's master id and master fields; LoadAppend adds its live entries (false when the id does not
  // increase); LoadEndBlock records the node's entries ever added (live + deleted) and its listpack size,
  // so later appends split blocks where redis-server would. Set last_id/entries_added/... afterwards.
  void LoadBeginBlock(StreamId master, const std::vector<std::string_view>& master_fields);
  bool LoadAppend(StreamId id, const std::string_view* fv, size_t n);
  bool LoadEndBlock(uint32_t slots, size_t redis_lp_bytes);
  // Each block as the elements of the Redis listpack node redis-server would hold for it (count, deleted
  // = 0, master fields, entries with flags and deltas against the master id; integers as decimal text),
  // for the RDB writer.
  void ForEachRedisNode(const std::function<void(StreamId master, const std::vector<std::string>& elements)>& f) const;

  // Consumer groups, by name in byte order (Redis's rax order).
  const std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name) const;
  // nullptr when a group of that name exists already.
  StreamGroup* CreateGroup(std::string_view name, StreamId last_delivered_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

 private:
  friend class StreamBlockIter;
  // Index of the block that holds (or would hold) id: the last block whose first id <= id; 0 when none.
  size_t BlockFor(StreamId id) const;
  void EraseBlock(size_t i);
  Block* NewBlock(StreamId master, const std::string_view* fields, size_t nfields, size_t field_stride);
  void AppendToBlock(Block* b, StreamId id, const std::string_view* fv, size_t n);

  std::vector<std::unique_ptr<Block>> blocks_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId max_deleted_entry_id_;
  uint64_t entries_added_ = 0;
  std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>> groups_;
};

}  // namespace rcs
