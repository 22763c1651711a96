// The authenticated cluster bus: what one link does when the nodes share a cluster secret
// (cluster-bus-secret-file, cluster-bus-auth optional|required). Pure framing, no sockets: the link feeds it
// the bytes it read and sends what it returns (bus_link.cc), the fuzzer and the unit tests do the same.
//
// Wire format, version 1 (kBusAuthVersion). Every integer is big-endian. Without the setting none of this is
// ever sent: the bus is Redis's (bus_message.h) byte for byte.
//
//   Handshake: three AuthHello messages (72 bytes each), then authenticated frames in both directions.
//     AuthHello: sig "RCba" | version u16 (1) | kind u16 | nonce [32] | mac [32]
//     1. dialler -> listener  kind 1 HELLO:  nonce = Nd (32 random bytes, RAND_bytes), mac = zeros
//     2. listener -> dialler  kind 2 REPLY:  nonce = Nl (fresh), mac = HMAC(S, "rcs-bus-auth v1 listener" Nd Nl)
//     3. dialler -> listener  kind 3 PROOF:  nonce = zeros,     mac = HMAC(S, "rcs-bus-auth v1 dialler" Nd Nl)
//     S is the secret (the first line of the secret file), HMAC is HMAC-SHA256 (OpenSSL). Each side checks
//     the other's mac (CRYPTO_memcmp) before it sends or accepts anything else, so both ends prove they hold
//     S, and neither proof can be replayed: it covers the other side's fresh nonce. The two labels differ,
//     so a proof cannot be reflected back to its sender. The dialler may send frames right after PROOF.
//   Link keys: K = HMAC(S, "rcs-bus-auth v1 link" Nd Nl); dialler->listener frames use HMAC(K, "d2l"),
//     listener->dialler frames HMAC(K, "l2d").
//   Authenticated frame: AuthFrameHeader (16 bytes) | a whole bus frame (bus_message.h) | mac [32]
//     AuthFrameHeader: sig "RCaf" | totlen u32 (16 + inner + 32) | counter u64
//     mac = HMAC(direction key, header | inner frame). The counter of a direction starts at 0 on every link
//     and goes up by one per frame.
//
// Invariants (anything else fails the link: the caller counts it in cluster_bus_auth_failures, logs it
// rate-limited with the source address, and closes the link; nothing of the frame is looked at):
//   - handshake messages arrive in order (HELLO, then PROOF on the listener; REPLY on the dialler), with the
//     signature, version 1 and the expected kind; the mac checks out;
//   - a frame's totlen is between kMinAuthFrame and kMaxAuthFrame; its mac checks out (an altered frame)
//     and then its counter is the next one expected (a replayed, reordered or dropped frame);
//   - no frame is accepted before the handshake is done.
// The inner frame is then decoded as any bus frame (DecodeMessage must take exactly all of it).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/bus_message.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace rcs::cluster {

inline constexpr uint16_t kBusAuthVersion = 1;
inline constexpr char kBusAuthHelloSig[4] = {'R', 'C', 'b', 'a'};
inline constexpr char kBusAuthFrameSig[4] = {'R', 'C', 'a', 'f'};
inline constexpr size_t kBusAuthNonceLen = 32;
inline constexpr size_t kBusAuthMacLen = 32;

enum class AuthHelloKind : uint16_t { kHello = 1, kReply = 2, kProof = 3 };

struct AuthHello {
  char sig[4];
  uint16_t version;
  uint16_t kind;
  uint8_t nonce[kBusAuthNonceLen];
  uint8_t mac[kBusAuthMacLen];
};
static_assert(sizeof(AuthHello) == 72);
static_assert(offsetof(AuthHello, version) == 4);
static_assert(offsetof(AuthHello, kind) == 6);
static_assert(offsetof(AuthHello, nonce) == 8);
static_assert(offsetof(AuthHello, mac) == 40);

struct AuthFrameHeader {
  char sig[4];
  uint32_t totlen;
  uint64_t counter;
};
static_assert(sizeof(AuthFrameHeader) == 16);
static_assert(offsetof(AuthFrameHeader, totlen) == 4);
static_assert(offsetof(AuthFrameHeader, counter) == 8);

inline constexpr size_t kMinAuthFrame = sizeof(AuthFrameHeader) + sizeof(MsgHeader) + kBusAuthMacLen;
// The largest inner frame: a PUBLISH with kMaxPublishData bytes, or a PING with kMaxGossip entries.
inline constexpr size_t kMaxAuthFrame =
    sizeof(AuthFrameHeader) + sizeof(MsgHeader) + sizeof(PublishBody) + kMaxPublishData + kBusAuthMacLen;
static_assert(kMaxAuthFrame >= sizeof(AuthFrameHeader) + sizeof(MsgHeader) + kMaxGossip * sizeof(GossipEntry) +
                                   kBusAuthMacLen);
static_assert(kMaxAuthFrame <= UINT32_MAX);

using BusAuthNonce = std::array<uint8_t, kBusAuthNonceLen>;

// True when `data` (at least 4 bytes) starts like an AuthHello: how a listener tells an authenticating
// dialler from a plain Redis bus link (whose frames start with "RCmb").
bool LooksLikeAuthHello(std::string_view data);

// One link's side of the handshake and framing.
class BusAuthLink {
 public:
  enum class Role { kDialler, kListener };
  // The nonce comes from RAND_bytes; the second form takes it (unit tests, the fuzzer).
  BusAuthLink(Role role, std::string_view secret);
  BusAuthLink(Role role, std::string_view secret, const BusAuthNonce& nonce);
  ~BusAuthLink();  // wipes the secret and the keys
  BusAuthLink(const BusAuthLink&) = delete;
  BusAuthLink& operator=(const BusAuthLink&) = delete;

  // The dialler's HELLO (the first bytes it sends).
  std::string Hello() const;

  enum class Step {
    kNeedMore,   // nothing consumed: wait for more bytes
    kHandshake,  // a handshake message was consumed; send `reply` (may be empty); ready() may now be true
    kFrame,      // an authenticated frame was consumed; `frame` is the inner bus frame (a view into the input)
    kFail,       // the link must be closed; `error` says why (never contains the secret)
  };
  struct Result {
    Step step = Step::kNeedMore;
    size_t consumed = 0;
    std::string reply;
    std::string_view frame;
    std::string error;
  };
  // Takes the first handshake message or frame of `data`. After kFail, every call fails again.
  Result Feed(std::string_view data);

  bool ready() const { return state_ == State::kReady; }
  bool failed() const { return state_ == State::kFailed; }
  Role role() const { return role_; }

  // Appends the authenticated frame carrying `frame` (a whole bus frame) to `out`; nothing unless ready().
  void Seal(std::string_view frame, std::string* out);

 private:
  enum class State { kWaitHello, kWaitReply, kWaitProof, kReady, kFailed };
  Result Fail(std::string error);
  void DeriveKeys();

  Role role_;
  std::string secret_;
  State state_;
  BusAuthNonce my_nonce_{}, dialler_nonce_{}, listener_nonce_{};
  std::array<uint8_t, kBusAuthMacLen> send_key_{}, recv_key_{};
  // HMAC contexts keyed once per direction (re-initialised per frame with the same key: no fetch, no re-key).
  evp_mac_ctx_st* send_mac_ = nullptr;
  evp_mac_ctx_st* recv_mac_ = nullptr;
  uint64_t send_counter_ = 0, recv_counter_ = 0;
};

}  // namespace rcs::cluster
