// Cluster bus messages: the binary frames nodes exchange on the bus port (port + 10000 or cluster-port).
//
// Wire format, version 1 (kBusVersion). Every integer is big-endian; every string field is NUL-padded to
// its fixed size (a field that is full, with no NUL, is accepted as long as it is valid).
//
//   frame = MsgHeader (2480 bytes) + body
//   MsgHeader:  sig "RCmb" | totlen u32 (whole frame) | version u16 | type u16 | count u16 (gossip entries)
//               | sender_flags u16 | current_epoch u64 | config_epoch u64 (sender's, or its master's for a
//               replica) | repl_offset u64 | sender id [40] | slot bitmap [2048] (bit s%8 of byte s/8; the
//               master's slots for a replica) | master id [40] (zeros for a master) | ip [46] (announced;
//               empty = use the address the frame came from) | port u16 | cport u16 | cluster_state u8
//               (0 ok, 1 fail) | mflags u8 | hostname [256] | reserved [4]
//   body by type:
//     PING, PONG, MEET: `count` GossipEntry (104 bytes each): id [40] | ping_sent u32 (s) | pong_received
//                       u32 (s) | ip [46] | port u16 | cport u16 | flags u16 | reserved u32
//     FAIL:            FailBody: id [40] of the node now FAIL
//     UPDATE:          UpdateBody: config_epoch u64 | id [40] | slot bitmap [2048]
//     FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: no body (count 0); the header says it all (the
//                       requester's currentEpoch, its master's configEpoch and slots, mflags).
//     PUBLISH, PUBLISHSHARD: PublishBody: channel_len u32 | message_len u32 | channel bytes | message bytes
//                       (count 0; totlen = header + 8 + channel_len + message_len, up to kMaxPublishData
//                       bytes of data). PUBLISH is sent once to every known node, PUBLISHSHARD to the nodes of
//                       the sender's shard (its master and that master's replicas); a receiver delivers it to
//                       its local subscribers only and never forwards it (cluster/bus_publish.cc).
//     type 9 (Redis's MODULE) is not used: rejected as an unknown type.
//   mflags: bit 0 kMflagPaused (a master paused for a manual failover; repl_offset is final), bit 1
//           kMflagForceAck (a manual failover's vote request: grant even though the master is not FAIL).
//
// With the authenticated bus (cluster-bus-auth optional|required), these frames travel inside the MAC'd
// envelope of bus_auth.h, unchanged; without it they are all there is on the wire.
//
// Invariants checked by Decode (anything else is malformed: the frame is dropped, counted, the link
// closed): the signature; version == 1; a known type; totlen is exactly header + the body the type and
// count imply (for PUBLISH/PUBLISHSHARD: the two lengths); count <= kMaxGossip; every node id is 40 lowercase hex characters (the master id may be all
// zeros); string fields hold no bytes after their first NUL other than NULs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc16.h"

namespace rcs::cluster {

inline constexpr uint16_t kBusVersion = 1;
inline constexpr char kBusSignature[4] = {'R', 'C', 'm', 'b'};
inline constexpr size_t kMaxGossip = 1024;

inline constexpr uint8_t kMflagPaused = 1 << 0;
inline constexpr uint8_t kMflagForceAck = 1 << 1;

enum class MsgType : uint16_t {
  kPing = 0,
  kPong = 1,
  kMeet = 2,
  kFail = 3,
  kPublish = 4,
  kFailoverAuthRequest = 5,
  kFailoverAuthAck = 6,
  kUpdate = 7,
  kMfStart = 8,
  kModule = 9,                // Redis's module message: not used here (decoding refuses it)
  kPublishShard = 10,
  kCount = 11,
};
const char* MsgTypeName(MsgType t);  // Redis's stats names: "ping", "pong", "meet", "fail", "update", ...

struct MsgHeader {
  char sig[4];
  uint32_t totlen;
  uint16_t version;
  uint16_t type;
  uint16_t count;
  uint16_t sender_flags;
  uint64_t current_epoch;
  uint64_t config_epoch;
  uint64_t repl_offset;
  char sender[40];
  uint8_t slots[kClusterSlots / 8];
  char master_id[40];
  char ip[46];
  uint16_t port;
  uint16_t cport;
  uint8_t cluster_state;
  uint8_t mflags;
  char hostname[256];
  uint8_t reserved[4];
};
static_assert(sizeof(MsgHeader) == 2480);
static_assert(offsetof(MsgHeader, totlen) == 4);
static_assert(offsetof(MsgHeader, current_epoch) == 16);
static_assert(offsetof(MsgHeader, sender) == 40);
static_assert(offsetof(MsgHeader, slots) == 80);
static_assert(offsetof(MsgHeader, master_id) == 2128);
static_assert(offsetof(MsgHeader, ip) == 2168);
static_assert(offsetof(MsgHeader, port) == 2214);
static_assert(offsetof(MsgHeader, cluster_state) == 2218);
static_assert(offsetof(MsgHeader, hostname) == 2220);

struct GossipEntry {
  char id[40];
  uint32_t ping_sent_s;
  uint32_t pong_received_s;
  char ip[46];
  uint16_t port;
  uint16_t cport;
  uint16_t flags;
  uint32_t reserved;
};
static_assert(sizeof(GossipEntry) == 104);
static_assert(offsetof(GossipEntry, ip) == 48);
static_assert(offsetof(GossipEntry, flags) == 98);

struct FailBody {
  char id[40];
};
static_assert(sizeof(FailBody) == 40);

struct UpdateBody {
  uint64_t config_epoch;
  char id[40];
  uint8_t slots[kClusterSlots / 8];
};
static_assert(sizeof(UpdateBody) == 2096);
static_assert(offsetof(UpdateBody, slots) == 48);

struct PublishBody {  // followed by channel_len + message_len bytes
  uint32_t channel_len;
  uint32_t message_len;
};
static_assert(sizeof(PublishBody) == 8);
// A published message's channel + message bytes (as the client protocol's proto-max-bulk-len default).
inline constexpr size_t kMaxPublishData = 512u * 1024 * 1024;

using SlotBitmap = std::vector<uint8_t>;  // kClusterSlots / 8 bytes

// A decoded message, in host order.
struct BusMessage {
  MsgType type = MsgType::kPing;
  uint16_t sender_flags = 0;
  uint64_t current_epoch = 0;
  uint64_t config_epoch = 0;
  uint64_t repl_offset = 0;
  std::string sender;
  SlotBitmap slots = SlotBitmap(kClusterSlots / 8, 0);
  std::string master_id;  // "" for a master
  std::string ip;
  uint16_t port = 0, cport = 0;
  uint8_t cluster_state = 0;
  uint8_t mflags = 0;
  std::string hostname;
  struct Gossip {
    std::string id;
    uint32_t ping_sent_s = 0, pong_received_s = 0;
    std::string ip;
    uint16_t port = 0, cport = 0, flags = 0;
  };
  std::vector<Gossip> gossip;       // PING/PONG/MEET
  std::string fail_id;              // FAIL
  uint64_t update_epoch = 0;        // UPDATE
  std::string update_id;
  SlotBitmap update_slots;
  std::string channel, message;     // PUBLISH, PUBLISHSHARD

  bool HasSlot(int s) const { return (slots[s >> 3] >> (s & 7)) & 1; }
};

inline bool BitmapHas(const SlotBitmap& b, int s) { return (b[s >> 3] >> (s & 7)) & 1; }
inline void BitmapSet(SlotBitmap& b, int s) { b[s >> 3] |= static_cast<uint8_t>(1u << (s & 7)); }

// Appends the frame for `m` to `out`.
void EncodeMessage(const BusMessage& m, std::string* out);

enum class DecodeStatus { kOk, kNeedMore, kMalformed };
struct DecodeResult {
  DecodeStatus status;
  size_t consumed = 0;      // bytes of the frame (kOk)
  std::string error;        // why it is malformed
};
// Decodes the first frame in `data`. kNeedMore when the frame is incomplete (the length is checked as soon
// as the first 8 bytes arrive, so a bad signature or an impossible length is reported at once).
DecodeResult DecodeMessage(std::string_view data, BusMessage* out);

}  // namespace rcs::cluster
