#include "redis_uri.h"

#include <charconv>

namespace rcs::exporter {

std::string Endpoint::HostPort() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string Endpoint::Uri() const { return "redis://" + HostPort(); }

namespace {
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}
}  // namespace

std::optional<Endpoint> ParseRedisUri(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Endpoint> {
    if (error) *error = why + " in redis address \"" + std::string(text) + "\"";
    return std::nullopt;
  };
  Endpoint ep;
  std::string_view rest = text;
  if (rest.starts_with("rediss://")) return fail("TLS (rediss://) is not supported by this build");
  if (rest.starts_with("redis://")) {
    rest.remove_prefix(8);
  } else if (rest.find("://") != std::string_view::npos) {
    return fail("unsupported scheme");
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = cred.find(':');
    if (colon == std::string_view::npos) {
      if (!cred.empty()) ep.user = PercentDecode(cred);
    } else {
      if (colon > 0) ep.user = PercentDecode(cred.substr(0, colon));
      ep.password = PercentDecode(cred.substr(colon + 1));
    }
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return fail("unclosed '['");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("garbage after ']'");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return fail("missing host");
  ep.host = std::string(host);
  if (!port.empty()) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p <= 0 || p > 65535) return fail("bad port");
    ep.port = p;
  }
  return ep;
}

std::optional<Endpoint> EndpointFromNodeAddr(std::string_view ip, int port) {
  if (ip.empty() || port <= 0 || port > 65535) return std::nullopt;
  Endpoint ep;
  ep.host = std::string(ip);
  ep.port = port;
  return ep;
}

}  // namespace rcs::exporter
