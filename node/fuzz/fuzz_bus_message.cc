// libFuzzer target for the cluster bus decoder. Two modes, chosen by the first byte:
//  - raw: the bytes are a stream of frames, decoded as a link would (frame after frame, any split);
//  - structured: the bytes fill a valid message (type, epochs, ids, gossip entries, slots), which is encoded,
//    then one to four bytes of the frame are overwritten with fuzz bytes before decoding. This reaches the
//    deep checks (lengths implied by type and count, ids, string fields) that random bytes rarely pass.
// A valid frame must decode to what was encoded; anything else must be kOk, kNeedMore or kMalformed
// without reading out of bounds (ASan) or undefined behaviour (UBSan).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "cluster/bus_message.h"

using namespace rcs::cluster;

namespace {

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t Byte() { return n ? (n--, *p++) : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | Byte();
    return v;
  }
  std::string Id() {
    static const char* hex = "0123456789abcdef";
    std::string s(40, '0');
    for (auto& c : s) c = hex[Byte() & 15];
    return s;
  }
};

void Structured(const uint8_t* data, size_t size) {
  Reader r{data, size};
  BusMessage m;
  uint8_t t = r.Byte() % 6;
  m.type = t == 0 ? MsgType::kPing : t == 1 ? MsgType::kPong : t == 2 ? MsgType::kFail
         : t == 3 ? MsgType::kUpdate : t == 4 ? MsgType::kPublish : MsgType::kPublishShard;
  m.current_epoch = r.U64();
  m.config_epoch = r.U64();
  m.sender = r.Id();
  m.port = static_cast<uint16_t>(r.U64());
  m.cport = static_cast<uint16_t>(m.port + 10000);
  m.ip = "127.0.0.1";
  for (int i = 0; i < 16; i++) m.slots[r.Byte() % m.slots.size()] = r.Byte();
  if (r.Byte() & 1) m.master_id = r.Id();
  if (m.type == MsgType::kPing || m.type == MsgType::kPong) {
    int g = r.Byte() % 4;
    for (int i = 0; i < g; i++) {
      BusMessage::Gossip e;
      e.id = r.Id();
      e.ip = "127.0.0.1";
      e.port = static_cast<uint16_t>(r.U64());
      e.flags = static_cast<uint16_t>(r.U64());
      m.gossip.push_back(e);
    }
  } else if (m.type == MsgType::kFail) {
    m.fail_id = r.Id();
  } else if (m.type == MsgType::kPublish || m.type == MsgType::kPublishShard) {
    // Channel and message lengths from the input (the length fields are what the decoder must distrust).
    m.channel.assign(r.Byte() % 64, static_cast<char>(r.Byte()));
    m.message.assign(r.Byte() * 4u, static_cast<char>(r.Byte()));
  } else {
    m.update_epoch = r.U64();
    m.update_id = r.Id();
    m.update_slots.assign(m.slots.size(), 0);
  }
  std::string frame;
  EncodeMessage(m, &frame);
  BusMessage back;
  DecodeResult ok = DecodeMessage(frame, &back);
  if (ok.status != DecodeStatus::kOk || ok.consumed != frame.size() || back.sender != m.sender ||
      back.current_epoch != m.current_epoch || back.gossip.size() != m.gossip.size() ||
      back.channel != m.channel || back.message != m.message) {
    __builtin_trap();  // a frame we encoded must decode to itself
  }
  // Corrupt a few bytes and decode again: any answer but a crash is fine.
  int edits = 1 + r.Byte() % 4;
  for (int i = 0; i < edits && r.n >= 3; i++) {
    size_t pos = ((static_cast<size_t>(r.Byte()) << 8) | r.Byte()) % frame.size();
    frame[pos] = static_cast<char>(r.Byte());
  }
  BusMessage out;
  DecodeMessage(frame, &out);
  DecodeMessage(std::string_view(frame).substr(0, frame.size() / 2), &out);
}

void Raw(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int frames = 0; frames < 64 && !in.empty(); frames++) {
    BusMessage m;
    DecodeResult r = DecodeMessage(in, &m);
    if (r.status != DecodeStatus::kOk) return;
    if (r.consumed == 0 || r.consumed > in.size()) __builtin_trap();  // must make progress, stay in bounds
    in.remove_prefix(r.consumed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) Structured(data + 1, size - 1);
  else Raw(data + 1, size - 1);
  return 0;
}
