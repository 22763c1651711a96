// Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE SPUBLISH and
// PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP. The state and the reply shapes are in
// pubsub/pubsub.h. The shard commands name their channels as keys (first 1, last -1), so in cluster mode the
// dispatcher's redirect check gives them MOVED/CROSSSLOT like keys (served by the slot's replicas too).
#include "cluster/cluster.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "pubsub/pubsub.h"
#include "server/client.h"
#include "server/server.h"

namespace rcs {
namespace {

// The server's pub/sub (installed on first use in a server the wiring did not set up).
PubSub& Ps(CommandContext& ctx) { return PubSub::Of(ctx.server); }

void SubscribeCmd(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).Subscribe(ctx.client, ctx.arg(i));
}

void UnsubscribeCmd(CommandContext& ctx) {
  if (ctx.argc() == 1) return Ps(ctx).UnsubscribeAll(ctx.client);
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).Unsubscribe(ctx.client, ctx.arg(i));
}

void PSubscribeCmd(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).PSubscribe(ctx.client, ctx.arg(i));
}

void PUnsubscribeCmd(CommandContext& ctx) {
  if (ctx.argc() == 1) return Ps(ctx).PUnsubscribeAll(ctx.client);
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).PUnsubscribe(ctx.client, ctx.arg(i));
}

void SSubscribeCmd(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).SSubscribe(ctx.client, ctx.arg(i));
}

void SUnsubscribeCmd(CommandContext& ctx) {
  if (ctx.argc() == 1) return Ps(ctx).SUnsubscribeAll(ctx.client);
  for (size_t i = 1; i < ctx.argc(); i++) Ps(ctx).SUnsubscribe(ctx.client, ctx.arg(i));
}

// Standalone, a PUBLISH goes down the replication stream (a replica's subscribers get it too, as in Redis);
// in cluster mode the bus carries it to every node instead (bus_publish.cc), so replicas get it once.
void PublishTo(CommandContext& ctx, bool shard) {
  PubSub& ps = Ps(ctx);
  int64_t n = shard ? ps.SPublish(ctx.arg(1), ctx.arg(2)) : ps.Publish(ctx.arg(1), ctx.arg(2));
  if (auto* cl = ctx.server.subsystem<cluster::Cluster>()) cl->PropagatePublish(ctx.arg(1), ctx.arg(2), shard);
  ctx.reply.Integer(n);
  ctx.replicate_only = !ctx.server.config().cluster_enabled;
}

void PublishCmd(CommandContext& ctx) { PublishTo(ctx, false); }

void SPublishCmd(CommandContext& ctx) { PublishTo(ctx, true); }

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]
void ChannelsReply(CommandContext& ctx, bool shard) {
  if (ctx.argc() > 3) {
    ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "pubsub"));
    return;
  }
  std::string_view pattern = ctx.argc() == 3 ? ctx.arg(2) : std::string_view();
  ctx.reply.BulkArray(Ps(ctx).Channels(pattern, shard));
}
void PubsubChannels(CommandContext& ctx) { ChannelsReply(ctx, false); }
void PubsubShardChannels(CommandContext& ctx) { ChannelsReply(ctx, true); }

void NumSubReply(CommandContext& ctx, bool shard) {
  // A flat array in RESP2 and RESP3 alike (Redis replies with addReplyArrayLen here, not a map).
  ctx.reply.Array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.Bulk(ctx.arg(i));
    ctx.reply.Integer(Ps(ctx).NumSub(ctx.arg(i), shard));
  }
}
void PubsubNumSub(CommandContext& ctx) { NumSubReply(ctx, false); }
void PubsubShardNumSub(CommandContext& ctx) { NumSubReply(ctx, true); }

void PubsubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(Ps(ctx).num_patterns()));
}

void PubsubHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help."});
}

}  // namespace

void RegisterPubSubFamily(CommandRegistry& r) {
  const char* g = "pubsub";
  const uint32_t sub = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t pub = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast;
  const uint32_t info = kCmdPubSub | kCmdLoading | kCmdStale;
  r.Add(Spec("subscribe", -2, sub, 0, 0, 0, SubscribeCmd, nullptr, g, "Listens for messages published to channels."));
  r.Add(Spec("unsubscribe", -1, sub, 0, 0, 0, UnsubscribeCmd, nullptr, g,
             "Stops listening to messages posted to channels."));
  r.Add(Spec("psubscribe", -2, sub, 0, 0, 0, PSubscribeCmd, nullptr, g,
             "Listens for messages published to channels that match one or more patterns."));
  r.Add(Spec("punsubscribe", -1, sub, 0, 0, 0, PUnsubscribeCmd, nullptr, g,
             "Stops listening to messages published to channels that match one or more patterns."));
  r.Add(Spec("publish", 3, pub, 0, 0, 0, PublishCmd, nullptr, g, "Posts a message to a channel."));
  r.Add(Spec("ssubscribe", -2, sub, 1, -1, 1, SSubscribeCmd, nullptr, g, "Listens for messages published to shard channels."));
  r.Add(Spec("sunsubscribe", -1, sub, 1, -1, 1, SUnsubscribeCmd, nullptr, g,
             "Stops listening to messages posted to shard channels."));
  r.Add(Spec("spublish", 3, pub, 1, 1, 1, SPublishCmd, nullptr, g, "Post a message to a shard channel"));
  r.Add(ContainerSpec("pubsub", g, "A container for Pub/Sub commands.",
                  {Spec("pubsub|channels", -2, info, 0, 0, 0, PubsubChannels, nullptr, g, "Returns the active channels."),
                   Spec("pubsub|numpat", 2, info, 0, 0, 0, PubsubNumPat, nullptr, g,
                        "Returns a count of unique pattern subscriptions."),
                   Spec("pubsub|numsub", -2, info, 0, 0, 0, PubsubNumSub, nullptr, g,
                        "Returns a count of subscribers to channels."),
                   Spec("pubsub|shardchannels", -2, info, 0, 0, 0, PubsubShardChannels, nullptr, g,
                        "Returns the active shard channels."),
                   Spec("pubsub|shardnumsub", -2, info, 0, 0, 0, PubsubShardNumSub, nullptr, g,
                        "Returns the count of subscribers of shard channels."),
                   Spec("pubsub|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, PubsubHelp, nullptr, g,
                        "Returns helpful text about the different subcommands.")}));
}

}  // namespace rcs
