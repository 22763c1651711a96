// The authenticated cluster bus's framing (cluster/bus_auth.h), without sockets: two BusAuthLinks talk to each
// other through strings.
#include <doctest/doctest.h>

#include <string>

#include "cluster/bus_auth.h"
#include "cluster/bus_message.h"

using namespace rcs::cluster;

namespace {

BusAuthNonce Nonce(uint8_t fill) {
  BusAuthNonce n;
  n.fill(fill);
  return n;
}

// Runs the handshake between `d` and `l`; true if both are ready at the end.
bool Handshake(BusAuthLink& d, BusAuthLink& l, std::string* fail = nullptr) {
  BusAuthLink::Result r1 = l.Feed(d.Hello());
  if (r1.step != BusAuthLink::Step::kHandshake) return false;
  BusAuthLink::Result r2 = d.Feed(r1.reply);
  if (r2.step == BusAuthLink::Step::kFail) {
    if (fail) *fail = r2.error;
    return false;
  }
  BusAuthLink::Result r3 = l.Feed(r2.reply);
  if (r3.step == BusAuthLink::Step::kFail) {
    if (fail) *fail = r3.error;
    return false;
  }
  return d.ready() && l.ready() && r3.reply.empty();
}

std::string PingFrame() {
  BusMessage m;
  m.type = MsgType::kPing;
  m.sender = std::string(40, 'a');
  std::string f;
  EncodeMessage(m, &f);
  return f;
}

}  // namespace

TEST_CASE("bus auth: the handshake with the same secret, frames both ways") {
  BusAuthLink d(BusAuthLink::Role::kDialler, "s3cret", Nonce(1));
  BusAuthLink l(BusAuthLink::Role::kListener, "s3cret", Nonce(2));
  REQUIRE(Handshake(d, l));
  std::string frame = PingFrame();
  for (int i = 0; i < 3; i++) {
    std::string wire;
    d.Seal(frame, &wire);
    CHECK(wire.size() == frame.size() + sizeof(AuthFrameHeader) + kBusAuthMacLen);
    BusAuthLink::Result r = l.Feed(wire);
    REQUIRE(r.step == BusAuthLink::Step::kFrame);
    CHECK(r.consumed == wire.size());
    CHECK(r.frame == frame);
    std::string back;
    l.Seal(frame, &back);
    CHECK(d.Feed(back).step == BusAuthLink::Step::kFrame);
  }
  // Split input: nothing is taken until the whole frame is there.
  std::string wire;
  d.Seal(frame, &wire);
  for (size_t cut : {size_t{0}, size_t{3}, size_t{15}, wire.size() - 1}) {
    BusAuthLink::Result r = l.Feed(std::string_view(wire).substr(0, cut));
    CHECK(r.step == BusAuthLink::Step::kNeedMore);
    CHECK(r.consumed == 0);
  }
  CHECK(l.Feed(wire).step == BusAuthLink::Step::kFrame);
}

TEST_CASE("bus auth: a different secret fails on both sides") {
  BusAuthLink d(BusAuthLink::Role::kDialler, "one", Nonce(1));
  BusAuthLink l(BusAuthLink::Role::kListener, "two", Nonce(2));
  std::string why;
  CHECK_FALSE(Handshake(d, l, &why));
  CHECK(why.find("different cluster secret") != std::string::npos);
  CHECK(why.find("one") == std::string::npos);  // the secret is never in an error
  CHECK(d.failed());
  // A listener with the right secret refuses a PROOF made with another one.
  BusAuthLink d2(BusAuthLink::Role::kDialler, "one", Nonce(3));
  BusAuthLink l2(BusAuthLink::Role::kListener, "one", Nonce(4));
  BusAuthLink::Result r1 = l2.Feed(d2.Hello());
  BusAuthLink::Result r2 = d2.Feed(r1.reply);
  REQUIRE(r2.step == BusAuthLink::Step::kHandshake);
  std::string proof = r2.reply;
  proof[50] ^= 1;
  CHECK(l2.Feed(proof).step == BusAuthLink::Step::kFail);
  CHECK(l2.failed());
}

TEST_CASE("bus auth: replayed, reordered and altered frames fail the link") {
  std::string frame = PingFrame();
  SUBCASE("replayed") {
    BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
    BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
    REQUIRE(Handshake(d, l));
    std::string wire;
    d.Seal(frame, &wire);
    CHECK(l.Feed(wire).step == BusAuthLink::Step::kFrame);
    BusAuthLink::Result r = l.Feed(wire);
    CHECK(r.step == BusAuthLink::Step::kFail);
    CHECK(r.error.find("replayed") != std::string::npos);
  }
  SUBCASE("reordered") {
    BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
    BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
    REQUIRE(Handshake(d, l));
    std::string w0, w1;
    d.Seal(frame, &w0);
    d.Seal(frame, &w1);
    CHECK(l.Feed(w1).step == BusAuthLink::Step::kFail);
  }
  SUBCASE("altered, anywhere") {
    for (size_t at : {size_t{9}, size_t{16 + 20}, size_t{16 + 100}}) {
      BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
      BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
      REQUIRE(Handshake(d, l));
      std::string wire;
      d.Seal(frame, &wire);
      wire[at] ^= 0x40;
      BusAuthLink::Result r = l.Feed(wire);
      CHECK(r.step == BusAuthLink::Step::kFail);
      CHECK(r.error.find("MAC") != std::string::npos);
    }
  }
  SUBCASE("a frame of the other direction (reflected)") {
    BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
    BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
    REQUIRE(Handshake(d, l));
    std::string wire;
    d.Seal(frame, &wire);
    CHECK(d.Feed(wire).step == BusAuthLink::Step::kFail);
  }
  SUBCASE("a frame of another link (same secret, other nonces)") {
    BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
    BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
    BusAuthLink l3(BusAuthLink::Role::kListener, "k", Nonce(3));
    BusAuthLink d3(BusAuthLink::Role::kDialler, "k", Nonce(1));
    REQUIRE(Handshake(d, l));
    REQUIRE(Handshake(d3, l3));
    std::string wire;
    d.Seal(frame, &wire);
    CHECK(l3.Feed(wire).step == BusAuthLink::Step::kFail);
  }
}

TEST_CASE("bus auth: plain frames and early frames are refused") {
  BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
  CHECK(l.Feed(PingFrame()).step == BusAuthLink::Step::kFail);
  BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
  BusAuthLink l2(BusAuthLink::Role::kListener, "k", Nonce(2));
  BusAuthLink::Result r1 = l2.Feed(d.Hello());
  REQUIRE(r1.step == BusAuthLink::Step::kHandshake);
  // A frame-looking thing in place of the PROOF.
  std::string early(200, 0);
  memcpy(early.data(), kBusAuthFrameSig, 4);
  CHECK(l2.Feed(early).step == BusAuthLink::Step::kFail);
  CHECK(LooksLikeAuthHello(d.Hello()));
  CHECK_FALSE(LooksLikeAuthHello(PingFrame()));
}

TEST_CASE("bus auth: frame lengths out of range fail before the frame arrives") {
  BusAuthLink d(BusAuthLink::Role::kDialler, "k", Nonce(1));
  BusAuthLink l(BusAuthLink::Role::kListener, "k", Nonce(2));
  REQUIRE(Handshake(d, l));
  std::string head(16, 0);
  memcpy(head.data(), kBusAuthFrameSig, 4);
  head[7] = 10;  // totlen 10
  CHECK(l.Feed(head).step == BusAuthLink::Step::kFail);
}
