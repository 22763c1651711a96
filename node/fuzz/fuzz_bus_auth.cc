// libFuzzer target for the authenticated cluster bus framing (cluster/bus_auth.h). Two modes, chosen by the
// first byte:
//  - raw: the bytes go to a listener (or, after a completed handshake, to a ready link) as a stream split at
//    fuzz-chosen points: anything must end in kNeedMore or kFail, never a frame (nobody here holds the keys
//    the fuzzer would need), without reading out of bounds (ASan) or undefined behaviour (UBSan);
//  - structured: a dialler and a listener finish the handshake; fuzz bytes make frames (lengths and contents),
//    which are sealed and then either delivered as they are (each must come out as it went in), or altered
//    (a byte flipped, replayed, dropped): the listener must never accept an altered frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cluster/bus_auth.h"

using namespace rcs::cluster;

namespace {

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t Byte() { return n ? (n--, *p++) : 0; }
  std::string Bytes(size_t k) {
    k = std::min(k, n);
    std::string s(reinterpret_cast<const char*>(p), k);
    p += k;
    n -= k;
    return s;
  }
};

BusAuthNonce Nonce(uint8_t fill) {
  BusAuthNonce b;
  b.fill(fill);
  return b;
}

void Check(bool ok) {
  if (!ok) abort();
}

void Handshake(BusAuthLink& d, BusAuthLink& l) {
  BusAuthLink::Result r1 = l.Feed(d.Hello());
  BusAuthLink::Result r2 = d.Feed(r1.reply);
  BusAuthLink::Result r3 = l.Feed(r2.reply);
  Check(r3.step == BusAuthLink::Step::kHandshake && d.ready() && l.ready());
}

// Feeds `data` in pieces; returns the number of frames accepted.
int FeedStream(BusAuthLink& l, std::string_view data, Reader& splits) {
  std::string buf;
  size_t pos = 0;
  int frames = 0;
  while (pos < data.size()) {
    size_t k = 1 + splits.Byte() * 37;
    buf.append(data.substr(pos, k));
    pos += std::min(k, data.size() - pos);
    while (!buf.empty()) {
      BusAuthLink::Result r = l.Feed(buf);
      if (r.step == BusAuthLink::Step::kNeedMore) break;
      if (r.step == BusAuthLink::Step::kFail) return frames;
      Check(r.consumed > 0 && r.consumed <= buf.size());
      if (r.step == BusAuthLink::Step::kFrame) frames++;
      buf.erase(0, r.consumed);
    }
  }
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Reader in{data + 1, size - 1};
  uint8_t mode = data[0] % 3;
  if (mode == 0) {  // raw bytes to a fresh listener
    BusAuthLink l(BusAuthLink::Role::kListener, "fuzz secret", Nonce(2));
    std::string stream = in.Bytes(in.n / 2);
    Check(FeedStream(l, stream, in) == 0);
    return 0;
  }
  BusAuthLink d(BusAuthLink::Role::kDialler, "fuzz secret", Nonce(1));
  BusAuthLink l(BusAuthLink::Role::kListener, "fuzz secret", Nonce(2));
  Handshake(d, l);
  if (mode == 1) {  // raw bytes to a ready link
    std::string stream = in.Bytes(in.n / 2);
    Check(FeedStream(l, stream, in) == 0);
    return 0;
  }
  // Structured: up to 8 frames; each delivered intact or altered.
  for (int i = 0; i < 8 && in.n > 0; i++) {
    size_t len = sizeof(MsgHeader) + in.Byte() * 4;
    std::string frame = in.Bytes(len);
    frame.resize(len, 'x');
    std::string wire;
    d.Seal(frame, &wire);
    uint8_t op = in.Byte() % 4;
    if (op == 0) {  // intact
      BusAuthLink::Result r = l.Feed(wire);
      Check(r.step == BusAuthLink::Step::kFrame && r.consumed == wire.size() && r.frame == frame);
      continue;
    }
    if (op == 1) {  // a flipped byte: never accepted (kNeedMore if the length grew, else kFail)
      size_t at = (static_cast<size_t>(in.Byte()) << 8 | in.Byte()) % wire.size();
      uint8_t x = in.Byte() | 1;
      wire[at] = static_cast<char>(wire[at] ^ x);
      BusAuthLink::Result r = l.Feed(wire);
      Check(r.step != BusAuthLink::Step::kFrame);
      return 0;
    }
    if (op == 2) {  // replayed: once intact, then again
      Check(l.Feed(wire).step == BusAuthLink::Step::kFrame);
      Check(l.Feed(wire).step == BusAuthLink::Step::kFail);
      return 0;
    }
    // dropped: the next frame comes with a counter one too far
    std::string next;
    d.Seal(frame, &next);
    Check(l.Feed(next).step == BusAuthLink::Step::kFail);
    return 0;
  }
  return 0;
}
