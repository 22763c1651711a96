#include "keyspace/stream_groups.h"

namespace rcs {

std::optional<int64_t> StreamGroupLag(const StreamValue& s, const StreamGroup& g) {
  if (s.entries_added() == 0) return 0;
  if (g.entries_read != StreamGroup::kInvalidEntriesRead && !s.RangeHasTombstones(g.last_delivered_id, StreamId::Max())) {
    return static_cast<int64_t>(s.entries_added()) - g.entries_read;
  }
  int64_t read = s.EstimateDistanceFromFirstEverEntry(g.last_delivered_id);
  if (read == StreamGroup::kInvalidEntriesRead) return std::nullopt;
  return static_cast<int64_t>(s.entries_added()) - read;
}

bool StreamGroupAdvance(const StreamValue& s, StreamGroup& g, StreamId id) {
  if (id <= g.last_delivered_id) return false;
  if (g.entries_read != StreamGroup::kInvalidEntriesRead && !s.RangeHasTombstones(id, StreamId::Max())) {
    g.entries_read++;
  } else if (s.entries_added() != 0) {
    g.entries_read = s.EstimateDistanceFromFirstEverEntry(id);
  }
  g.last_delivered_id = id;
  return true;
}

StreamNack* StreamGroupDeliver(StreamGroup& g, StreamConsumer* consumer, StreamId id, int64_t now_ms) {
  return g.AddNack(id, consumer, now_ms, 1);
}

StreamConsumer* StreamGroupConsumer(StreamGroup& g, std::string_view name, int64_t now_ms, bool* created) {
  *created = false;
  StreamConsumer* c = g.FindConsumer(name);
  if (c == nullptr) {
    auto [made, was_created] = g.CreateConsumer(name);
    c = made;
    *created = was_created;
  }
  c->seen_time_ms = now_ms;
  return c;
}

StreamId StreamLastValidId(const StreamValue& s) {
  StreamId last;
  s.Range(StreamId::Min(), StreamId::Max(), /*rev=*/true, 1, [&](StreamId id, const StreamValue::FieldValues&) {
    last = id;
    return false;
  });
  return last;
}

}  // namespace rcs
