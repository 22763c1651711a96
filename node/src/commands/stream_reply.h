// Pieces the stream families share (stream_family.cc, and the consumer-group commands of the streamgroups
// branch): id arguments with Redis's error text, and the reply shapes of entries and group lag.
#pragma once
#include <cstddef>
#include <string_view>

#include "keyspace/stream_value.h"
#include "protocol/reply.h"
#include "server/command.h"

namespace rcs {

// Redis's streamParseStrictIDOrReply (strict: "-" and "+" refused) / streamParseIDOrReply; replies
// err::kStreamInvalidId and returns false on a bad id.
bool ParseStreamIdOrReply(CommandContext& ctx, std::string_view s, uint64_t missing_seq, bool strict, StreamId* out,
                          bool* seq_given = nullptr);
// An id as a bulk string "<ms>-<seq>".
void ReplyStreamId(ReplyBuilder& r, StreamId id);
// One entry: [id, [f1, v1, ...]].
void ReplyStreamEntry(ReplyBuilder& r, StreamId id, const StreamValue::FieldValues& fv);
// Entries start..end (inclusive) as an array of entries, at most count (0 = all); returns how many.
size_t ReplyStreamRange(ReplyBuilder& r, const StreamValue& s, StreamId start, StreamId end, size_t count, bool rev);
// Redis's streamReplyWithCGLag: the group's lag as an integer, or null when it cannot be known.
void ReplyGroupLag(ReplyBuilder& r, const StreamValue& s, const StreamGroup& g);

}  // namespace rcs
