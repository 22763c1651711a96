// Consumer-group operations on a stream that are more than one data-structure method (the `streamgroups`
// branch's part of keyspace/): the group's read counter and lag as Redis 7.0 keeps them, delivering an entry
// to a consumer (the pending entry it creates or takes over), the claim of a pending entry, and a group's
// view of the stream's last valid entry. The commands (commands/stream_group_family.cc) reply and propagate;
// what happens to the groups is here, so it is unit-testable without a server.
//
// Redis 7.0's rules, which the replies (XINFO GROUPS's entries-read and lag) and the propagated XGROUP SETID
// ... ENTRIESREAD depend on:
// - entries_read counts the entries the group has read, from the first entry ever added. Reading an entry
//   past last_delivered_id increments it when it is valid and no deleted entry lies ahead of the read one;
//   otherwise it is estimated again (EstimateDistanceFromFirstEverEntry), which may make it unknown (-1).
// - lag = entries_added - entries_read when both are known and nothing deleted lies after the group's last
//   id; otherwise the estimate for the last id, else unknown (null). A stream that never had an entry has
//   lag 0.
#pragma once
#include <cstdint>
#include <optional>

#include "keyspace/stream_value.h"

namespace rcs {

// The group's lag (Redis's streamReplyWithCGLag), or nullopt when it cannot be known.
std::optional<int64_t> StreamGroupLag(const StreamValue& s, const StreamGroup& g);

// The group reads `id` (an entry of `s`): when id > last_delivered_id, the group's last id becomes id and its
// entries_read advances as Redis's streamReplyWithRange does. Returns whether the last id moved.
bool StreamGroupAdvance(const StreamValue& s, StreamGroup& g, StreamId id);

// Delivers `id` to `consumer` (XREADGROUP without NOACK): a new pending entry with delivery count 1 and time
// now, or the existing one (another consumer's after XGROUP SETID) moved to `consumer` with count 1 and time
// now. Returns the pending entry.
StreamNack* StreamGroupDeliver(StreamGroup& g, StreamConsumer* consumer, StreamId id, int64_t now_ms);

// The consumer named `name`, created when missing (*created set). `refresh` sets its seen time to now, as
// Redis's lookup does except where it passes SLC_NO_REFRESH (XPENDING, XGROUP DELCONSUMER).
StreamConsumer* StreamGroupConsumer(StreamGroup& g, std::string_view name, int64_t now_ms, bool* created);

// The id of the last entry still in the stream (Redis's streamLastValidID); 0-0 when empty.
StreamId StreamLastValidId(const StreamValue& s);

}  // namespace rcs
