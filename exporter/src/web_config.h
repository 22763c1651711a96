// --web.config.file: TLS and basic auth for the exporter's HTTP endpoints, in the file format of Prometheus's
// exporter-toolkit (the one node_exporter and most exporters take), so one file serves them all:
//
//   tls_server_config:
//     cert_file: /etc/exporter/server.crt
//     key_file: /etc/exporter/server.key
//     client_auth_type: RequireAndVerifyClientCert   # optional: NoClientCert (default) or that
//     client_ca_file: /etc/exporter/ca.crt             # required with RequireAndVerifyClientCert
//     min_version: TLS12                               # optional: TLS10..TLS13
//   basic_auth_users:
//     prometheus: $2y$10$...                           # bcrypt hashes (htpasswd -B, python crypt)
//
// The file is YAML; the subset read here is what that format uses: nested maps of scalars by indentation,
// comments, plain, single- and double-quoted scalars. Anything else (lists, anchors, flow style) and every
// key the toolkit knows that this exporter does not honour is an error with the line, never ignored, so a
// security setting is never silently dropped. Passwords are checked with libcrypt's crypt_r (bcrypt is
// slow on purpose: a verified Authorization header is remembered, as the toolkit does).
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace rcs::exporter {

struct WebConfig {
  std::string cert_file, key_file, client_ca_file;
  bool require_client_cert = false;
  std::string min_version;  // "" = the library's default (TLS 1.2 here)
  std::map<std::string, std::string> users;  // user -> bcrypt hash

  bool tls() const { return !cert_file.empty(); }
};

// Parses the file's text; nullopt with *error ("line N: why") when it is not a valid web config.
std::optional<WebConfig> ParseWebConfig(const std::string& text, std::string* error);

// Basic auth against WebConfig::users. Thread-safe.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  bool enabled() const { return !users_.empty(); }
  // The value of an Authorization header ("Basic base64(user:password)"): true when it names a user whose
  // hash the password matches.
  bool Check(const std::string& authorization);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mu_;
  std::set<std::string> verified_;  // header values already checked (at most 64)
};

}  // namespace rcs::exporter
