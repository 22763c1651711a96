#include "cluster/bus_message.h"

#include <endian.h>

#include <cstring>

namespace rcs::cluster {

const char* MsgTypeName(MsgType t) {
  switch (t) {
    case MsgType::kPing: return "ping";
    case MsgType::kPong: return "pong";
    case MsgType::kMeet: return "meet";
    case MsgType::kFail: return "fail";
    case MsgType::kPublish: return "publish";
    case MsgType::kFailoverAuthRequest: return "auth-req";
    case MsgType::kFailoverAuthAck: return "auth-ack";
    case MsgType::kUpdate: return "update";
    case MsgType::kMfStart: return "mfstart";
    case MsgType::kModule: return "module";
    case MsgType::kPublishShard: return "publishshard";
    default: return "unknown";
  }
}

namespace {

template <size_t N>
void PutStr(char (&dst)[N], std::string_view s) {
  memset(dst, 0, N);
  memcpy(dst, s.data(), std::min(N, s.size()));
}

// A NUL-padded field: the text before the first NUL; false if non-NUL bytes follow a NUL.
template <size_t N>
bool GetStr(const char (&src)[N], std::string* out) {
  size_t len = strnlen(src, N);
  for (size_t i = len; i < N; i++) {
    if (src[i] != 0) return false;
  }
  out->assign(src, len);
  return true;
}

bool ValidId(std::string_view id) {
  if (id.size() != 40) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsPublish(MsgType t) { return t == MsgType::kPublish || t == MsgType::kPublishShard; }

// The body size the type and count imply (for PUBLISH types, without the variable data).
size_t BodySize(MsgType t, size_t count) {
  switch (t) {
    case MsgType::kPublish:
    case MsgType::kPublishShard: return sizeof(PublishBody);
    case MsgType::kPing:
    case MsgType::kPong:
    case MsgType::kMeet: return count * sizeof(GossipEntry);
    case MsgType::kFail: return sizeof(FailBody);
    case MsgType::kUpdate: return sizeof(UpdateBody);
    default: return 0;
  }
}

constexpr size_t kMaxFrame = sizeof(MsgHeader) + kMaxGossip * sizeof(GossipEntry);

}  // namespace

void EncodeMessage(const BusMessage& m, std::string* out) {
  MsgHeader h;
  memset(&h, 0, sizeof(h));
  memcpy(h.sig, kBusSignature, 4);
  bool gossip = m.type == MsgType::kPing || m.type == MsgType::kPong || m.type == MsgType::kMeet;
  size_t count = gossip ? std::min(m.gossip.size(), kMaxGossip) : 0;
  bool publish = IsPublish(m.type);
  size_t data_len = publish ? m.channel.size() + m.message.size() : 0;
  size_t total = sizeof(MsgHeader) + BodySize(m.type, count) + data_len;
  h.totlen = htobe32(static_cast<uint32_t>(total));
  h.version = htobe16(kBusVersion);
  h.type = htobe16(static_cast<uint16_t>(m.type));
  h.count = htobe16(static_cast<uint16_t>(count));
  h.sender_flags = htobe16(m.sender_flags);
  h.current_epoch = htobe64(m.current_epoch);
  h.config_epoch = htobe64(m.config_epoch);
  h.repl_offset = htobe64(m.repl_offset);
  PutStr(h.sender, m.sender);
  if (m.slots.size() == sizeof(h.slots)) memcpy(h.slots, m.slots.data(), sizeof(h.slots));
  PutStr(h.master_id, m.master_id);
  PutStr(h.ip, m.ip);
  h.port = htobe16(m.port);
  h.cport = htobe16(m.cport);
  h.cluster_state = m.cluster_state;
  h.mflags = m.mflags;
  PutStr(h.hostname, m.hostname);
  size_t start = out->size();
  out->resize(start + total);
  char* p = out->data() + start;
  memcpy(p, &h, sizeof(h));
  p += sizeof(h);
  if (gossip) {
    for (size_t i = 0; i < count; i++) {
      const auto& g = m.gossip[i];
      GossipEntry e;
      memset(&e, 0, sizeof(e));
      PutStr(e.id, g.id);
      e.ping_sent_s = htobe32(g.ping_sent_s);
      e.pong_received_s = htobe32(g.pong_received_s);
      PutStr(e.ip, g.ip);
      e.port = htobe16(g.port);
      e.cport = htobe16(g.cport);
      e.flags = htobe16(g.flags);
      memcpy(p, &e, sizeof(e));
      p += sizeof(e);
    }
  } else if (m.type == MsgType::kFail) {
    FailBody b;
    PutStr(b.id, m.fail_id);
    memcpy(p, &b, sizeof(b));
  } else if (m.type == MsgType::kUpdate) {
    UpdateBody b;
    memset(&b, 0, sizeof(b));
    b.config_epoch = htobe64(m.update_epoch);
    PutStr(b.id, m.update_id);
    if (m.update_slots.size() == sizeof(b.slots)) memcpy(b.slots, m.update_slots.data(), sizeof(b.slots));
    memcpy(p, &b, sizeof(b));
  } else if (publish) {
    PublishBody b;
    b.channel_len = htobe32(static_cast<uint32_t>(m.channel.size()));
    b.message_len = htobe32(static_cast<uint32_t>(m.message.size()));
    memcpy(p, &b, sizeof(b));
    p += sizeof(b);
    memcpy(p, m.channel.data(), m.channel.size());
    memcpy(p + m.channel.size(), m.message.data(), m.message.size());
  }
}

DecodeResult DecodeMessage(std::string_view data, BusMessage* out) {
  auto bad = [](std::string why) { return DecodeResult{DecodeStatus::kMalformed, 0, std::move(why)}; };
  if (data.size() >= 4 && memcmp(data.data(), kBusSignature, 4) != 0) return bad("bad signature");
  if (data.size() < 8) {
    // A partial signature must still match what arrived so far.
    if (memcmp(data.data(), kBusSignature, std::min<size_t>(data.size(), 4)) != 0) return bad("bad signature");
    return {DecodeStatus::kNeedMore, 0, {}};
  }
  uint32_t totlen;
  memcpy(&totlen, data.data() + 4, 4);
  totlen = be32toh(totlen);
  if (totlen < sizeof(MsgHeader)) return bad("bad length " + std::to_string(totlen));
  if (totlen > kMaxFrame) {
    // Only a published message may be longer than the largest PING: its type decides (bytes 10-11).
    if (data.size() < 12) return {DecodeStatus::kNeedMore, 0, {}};
    uint16_t ty;
    memcpy(&ty, data.data() + 10, 2);
    MsgType t = static_cast<MsgType>(be16toh(ty));
    if (!IsPublish(t) || totlen > sizeof(MsgHeader) + sizeof(PublishBody) + kMaxPublishData) {
      return bad("bad length " + std::to_string(totlen));
    }
  }
  if (data.size() < totlen) return {DecodeStatus::kNeedMore, 0, {}};
  MsgHeader h;
  memcpy(&h, data.data(), sizeof(h));
  if (be16toh(h.version) != kBusVersion) return bad("unsupported version " + std::to_string(be16toh(h.version)));
  uint16_t type = be16toh(h.type);
  if (type >= static_cast<uint16_t>(MsgType::kCount) || type == static_cast<uint16_t>(MsgType::kModule)) {
    return bad("unknown type " + std::to_string(type));
  }
  MsgType t = static_cast<MsgType>(type);
  size_t count = be16toh(h.count);
  bool gossip = t == MsgType::kPing || t == MsgType::kPong || t == MsgType::kMeet;
  if (!gossip && count != 0) return bad("count on a message without gossip");
  if (count > kMaxGossip) return bad("too many gossip entries");
  uint64_t data_len = 0;
  if (IsPublish(t)) {
    if (totlen < sizeof(MsgHeader) + sizeof(PublishBody)) return bad("length does not match type and count");
    PublishBody b;
    memcpy(&b, data.data() + sizeof(MsgHeader), sizeof(b));
    data_len = static_cast<uint64_t>(be32toh(b.channel_len)) + be32toh(b.message_len);
  }
  if (totlen != sizeof(MsgHeader) + BodySize(t, count) + data_len) return bad("length does not match type and count");
  BusMessage& m = *out;
  m = BusMessage();
  m.type = t;
  m.sender_flags = be16toh(h.sender_flags);
  m.current_epoch = be64toh(h.current_epoch);
  m.config_epoch = be64toh(h.config_epoch);
  m.repl_offset = be64toh(h.repl_offset);
  if (!GetStr(h.sender, &m.sender) || !ValidId(m.sender)) return bad("bad sender id");
  memcpy(m.slots.data(), h.slots, sizeof(h.slots));
  bool zero_master = true;
  for (char c : h.master_id) zero_master &= c == 0;
  if (!zero_master && (!GetStr(h.master_id, &m.master_id) || !ValidId(m.master_id))) return bad("bad master id");
  if (!GetStr(h.ip, &m.ip)) return bad("bad ip");
  if (!GetStr(h.hostname, &m.hostname)) return bad("bad hostname");
  m.port = be16toh(h.port);
  m.cport = be16toh(h.cport);
  m.cluster_state = h.cluster_state;
  m.mflags = h.mflags;
  const char* p = data.data() + sizeof(MsgHeader);
  if (gossip) {
    m.gossip.resize(count);
    for (size_t i = 0; i < count; i++) {
      GossipEntry e;
      memcpy(&e, p + i * sizeof(e), sizeof(e));
      auto& g = m.gossip[i];
      if (!GetStr(e.id, &g.id) || !ValidId(g.id)) return bad("bad gossip id");
      if (!GetStr(e.ip, &g.ip)) return bad("bad gossip ip");
      g.ping_sent_s = be32toh(e.ping_sent_s);
      g.pong_received_s = be32toh(e.pong_received_s);
      g.port = be16toh(e.port);
      g.cport = be16toh(e.cport);
      g.flags = be16toh(e.flags);
    }
  } else if (t == MsgType::kFail) {
    FailBody b;
    memcpy(&b, p, sizeof(b));
    if (!GetStr(b.id, &m.fail_id) || !ValidId(m.fail_id)) return bad("bad FAIL id");
  } else if (t == MsgType::kUpdate) {
    UpdateBody b;
    memcpy(&b, p, sizeof(b));
    m.update_epoch = be64toh(b.config_epoch);
    if (!GetStr(b.id, &m.update_id) || !ValidId(m.update_id)) return bad("bad UPDATE id");
    m.update_slots.assign(b.slots, b.slots + sizeof(b.slots));
  } else if (IsPublish(t)) {
    PublishBody b;
    memcpy(&b, p, sizeof(b));
    size_t clen = be32toh(b.channel_len);
    m.channel.assign(p + sizeof(b), clen);
    m.message.assign(p + sizeof(b) + clen, be32toh(b.message_len));
  }
  return {DecodeStatus::kOk, totlen, {}};
}

}  // namespace rcs::cluster
