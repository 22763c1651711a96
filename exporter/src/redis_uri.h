// Redis addresses as the exporter's users write them: "redis://[user[:password]@]host[:port][/db]" or bare
// "host[:port]". rediss:// (TLS) is refused: Debian's hiredis 0.14 has no TLS.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace rcs::exporter {

struct Endpoint {
  std::string host;
  int port = 6379;
  std::optional<std::string> user;      // from the URI, overrides --redis.user
  std::optional<std::string> password;  // from the URI, overrides --redis.password

  std::string HostPort() const;  // "host:port" (IPv6 hosts in brackets), the key of connections and passwords
  std::string Uri() const;       // "redis://host:port", never with credentials
};

// Returns the endpoint, or nullopt with *error set.
std::optional<Endpoint> ParseRedisUri(std::string_view text, std::string* error);

// "ip:port" as CLUSTER NODES prints it (IPv6 without brackets) -> Endpoint.
std::optional<Endpoint> EndpointFromNodeAddr(std::string_view ip, int port);

}  // namespace rcs::exporter
