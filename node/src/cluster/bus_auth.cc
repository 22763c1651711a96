#include "cluster/bus_auth.h"

#include <endian.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

namespace rcs::cluster {
namespace {

using Mac = std::array<uint8_t, kBusAuthMacLen>;

constexpr std::string_view kLabelListener = "rcs-bus-auth v1 listener";
constexpr std::string_view kLabelDialler = "rcs-bus-auth v1 dialler";
constexpr std::string_view kLabelLink = "rcs-bus-auth v1 link";

Mac Hmac(const void* key, size_t key_len, std::string_view data) {
  Mac out{};
  unsigned int len = 0;
  // HMAC fails only when libcrypto cannot allocate: nothing to go on with.
  if (HMAC(EVP_sha256(), key, static_cast<int>(key_len), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &len) == nullptr ||
      len != out.size()) {
    abort();
  }
  return out;
}

// A context for HMAC-SHA256 under `key` (the algorithm fetched once per process).
EVP_MAC_CTX* KeyedMac(const Mac& key) {
  static EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) abort();
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  if (ctx == nullptr || EVP_MAC_init(ctx, key.data(), key.size(), params) != 1) abort();
  return ctx;
}

// The MAC of `data` under the key `ctx` was made with.
Mac MacWith(EVP_MAC_CTX* ctx, std::string_view data) {
  Mac out{};
  size_t len = 0;
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    abort();
  }
  return out;
}

Mac HandshakeMac(std::string_view secret, std::string_view label, const BusAuthNonce& nd, const BusAuthNonce& nl) {
  std::string msg(label);
  msg.append(reinterpret_cast<const char*>(nd.data()), nd.size());
  msg.append(reinterpret_cast<const char*>(nl.data()), nl.size());
  Mac m = Hmac(secret.data(), secret.size(), msg);
  OPENSSL_cleanse(msg.data(), msg.size());
  return m;
}

std::string HelloBytes(AuthHelloKind kind, const uint8_t* nonce, const uint8_t* mac) {
  AuthHello h;
  memset(&h, 0, sizeof(h));
  memcpy(h.sig, kBusAuthHelloSig, 4);
  h.version = htobe16(kBusAuthVersion);
  h.kind = htobe16(static_cast<uint16_t>(kind));
  if (nonce) memcpy(h.nonce, nonce, kBusAuthNonceLen);
  if (mac) memcpy(h.mac, mac, kBusAuthMacLen);
  return std::string(reinterpret_cast<const char*>(&h), sizeof(h));
}

}  // namespace

bool LooksLikeAuthHello(std::string_view data) {
  return data.size() >= 4 && memcmp(data.data(), kBusAuthHelloSig, 4) == 0;
}

BusAuthLink::BusAuthLink(Role role, std::string_view secret) : role_(role), secret_(secret) {
  state_ = role == Role::kDialler ? State::kWaitReply : State::kWaitHello;
  if (RAND_bytes(my_nonce_.data(), static_cast<int>(my_nonce_.size())) != 1) abort();
  (role == Role::kDialler ? dialler_nonce_ : listener_nonce_) = my_nonce_;
}

BusAuthLink::BusAuthLink(Role role, std::string_view secret, const BusAuthNonce& nonce)
    : role_(role), secret_(secret), my_nonce_(nonce) {
  state_ = role == Role::kDialler ? State::kWaitReply : State::kWaitHello;
  (role == Role::kDialler ? dialler_nonce_ : listener_nonce_) = my_nonce_;
}

BusAuthLink::~BusAuthLink() {
  EVP_MAC_CTX_free(send_mac_);
  EVP_MAC_CTX_free(recv_mac_);
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(send_key_.data(), send_key_.size());
  OPENSSL_cleanse(recv_key_.data(), recv_key_.size());
}

std::string BusAuthLink::Hello() const { return HelloBytes(AuthHelloKind::kHello, my_nonce_.data(), nullptr); }

BusAuthLink::Result BusAuthLink::Fail(std::string error) {
  state_ = State::kFailed;
  OPENSSL_cleanse(send_key_.data(), send_key_.size());
  OPENSSL_cleanse(recv_key_.data(), recv_key_.size());
  EVP_MAC_CTX_free(send_mac_);
  EVP_MAC_CTX_free(recv_mac_);
  send_mac_ = recv_mac_ = nullptr;
  Result r;
  r.step = Step::kFail;
  r.error = std::move(error);
  return r;
}

void BusAuthLink::DeriveKeys() {
  Mac k = HandshakeMac(secret_, kLabelLink, dialler_nonce_, listener_nonce_);
  Mac d2l = Hmac(k.data(), k.size(), "d2l");
  Mac l2d = Hmac(k.data(), k.size(), "l2d");
  OPENSSL_cleanse(k.data(), k.size());
  send_key_ = role_ == Role::kDialler ? d2l : l2d;
  recv_key_ = role_ == Role::kDialler ? l2d : d2l;
  send_mac_ = KeyedMac(send_key_);
  recv_mac_ = KeyedMac(recv_key_);
  state_ = State::kReady;
}

BusAuthLink::Result BusAuthLink::Feed(std::string_view data) {
  if (state_ == State::kFailed) return Fail("the link already failed authentication");
  Result r;
  if (state_ != State::kReady) {
    if (data.size() < 4) return r;
    if (memcmp(data.data(), kBusAuthHelloSig, 4) != 0) {
      return Fail(state_ == State::kWaitHello || state_ == State::kWaitReply
                      ? "not an authentication handshake (the peer does not use cluster-bus-auth?)"
                      : "a frame before the handshake was done");
    }
    if (data.size() < sizeof(AuthHello)) return r;
    AuthHello h;
    memcpy(&h, data.data(), sizeof(h));
    if (be16toh(h.version) != kBusAuthVersion) return Fail("handshake version " + std::to_string(be16toh(h.version)));
    uint16_t kind = be16toh(h.kind);
    r.consumed = sizeof(AuthHello);
    r.step = Step::kHandshake;
    switch (state_) {
      case State::kWaitHello: {  // listener
        if (kind != static_cast<uint16_t>(AuthHelloKind::kHello)) return Fail("handshake: expected HELLO");
        memcpy(dialler_nonce_.data(), h.nonce, kBusAuthNonceLen);
        Mac m = HandshakeMac(secret_, kLabelListener, dialler_nonce_, listener_nonce_);
        r.reply = HelloBytes(AuthHelloKind::kReply, listener_nonce_.data(), m.data());
        state_ = State::kWaitProof;
        return r;
      }
      case State::kWaitReply: {  // dialler
        if (kind != static_cast<uint16_t>(AuthHelloKind::kReply)) return Fail("handshake: expected REPLY");
        memcpy(listener_nonce_.data(), h.nonce, kBusAuthNonceLen);
        Mac want = HandshakeMac(secret_, kLabelListener, dialler_nonce_, listener_nonce_);
        if (CRYPTO_memcmp(want.data(), h.mac, kBusAuthMacLen) != 0) {
          return Fail("the peer's handshake proof does not match (a different cluster secret)");
        }
        Mac m = HandshakeMac(secret_, kLabelDialler, dialler_nonce_, listener_nonce_);
        r.reply = HelloBytes(AuthHelloKind::kProof, nullptr, m.data());
        DeriveKeys();
        return r;
      }
      case State::kWaitProof: {  // listener
        if (kind != static_cast<uint16_t>(AuthHelloKind::kProof)) return Fail("handshake: expected PROOF");
        Mac want = HandshakeMac(secret_, kLabelDialler, dialler_nonce_, listener_nonce_);
        if (CRYPTO_memcmp(want.data(), h.mac, kBusAuthMacLen) != 0) {
          return Fail("the peer's handshake proof does not match (a different cluster secret)");
        }
        DeriveKeys();
        return r;
      }
      default: return Fail("handshake state");
    }
  }
  // Ready: authenticated frames.
  if (data.size() < 4) return r;
  if (memcmp(data.data(), kBusAuthFrameSig, 4) != 0) return Fail("not an authenticated frame (bad signature)");
  if (data.size() < sizeof(AuthFrameHeader)) return r;
  AuthFrameHeader fh;
  memcpy(&fh, data.data(), sizeof(fh));
  size_t totlen = be32toh(fh.totlen);
  if (totlen < kMinAuthFrame || totlen > kMaxAuthFrame) {
    return Fail("authenticated frame length " + std::to_string(totlen) + " out of range");
  }
  if (data.size() < totlen) return r;
  size_t covered = totlen - kBusAuthMacLen;
  Mac want = MacWith(recv_mac_, data.substr(0, covered));
  if (CRYPTO_memcmp(want.data(), data.data() + covered, kBusAuthMacLen) != 0) {
    return Fail("frame MAC mismatch (altered or forged)");
  }
  uint64_t counter = be64toh(fh.counter);
  if (counter != recv_counter_) {
    return Fail("frame counter " + std::to_string(counter) + ", expected " + std::to_string(recv_counter_) +
                " (replayed or reordered)");
  }
  recv_counter_++;
  r.step = Step::kFrame;
  r.consumed = totlen;
  r.frame = data.substr(sizeof(AuthFrameHeader), covered - sizeof(AuthFrameHeader));
  return r;
}

void BusAuthLink::Seal(std::string_view frame, std::string* out) {
  if (state_ != State::kReady) return;  // frames wait for the handshake (Link::held); a failed link is closing
  size_t start = out->size();
  AuthFrameHeader fh;
  memcpy(fh.sig, kBusAuthFrameSig, 4);
  fh.totlen = htobe32(static_cast<uint32_t>(sizeof(fh) + frame.size() + kBusAuthMacLen));
  fh.counter = htobe64(send_counter_++);
  out->append(reinterpret_cast<const char*>(&fh), sizeof(fh));
  out->append(frame.data(), frame.size());
  Mac m = MacWith(send_mac_, std::string_view(*out).substr(start));
  out->append(reinterpret_cast<const char*>(m.data()), m.size());
}

}  // namespace rcs::cluster
