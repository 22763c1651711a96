// --web.config.file (web_config.h): the exporter-toolkit format subset and basic auth with bcrypt.
#include <crypt.h>
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <cstring>

#include "web_config.h"

namespace rcs::exporter {
namespace {

std::string Bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt) != nullptr);
  crypt_data data;
  std::memset(&data, 0, sizeof data);
  const char* h = crypt_r(password.c_str(), salt, &data);
  REQUIRE(h != nullptr);
  return h;
}

std::string Header(const std::string& user_colon_password) {
  std::string out(4 * ((user_colon_password.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(user_colon_password.data()),
                          static_cast<int>(user_colon_password.size()));
  out.resize(static_cast<size_t>(n));
  return "Basic " + out;
}

TEST_CASE("web config: the exporter-toolkit sections, comments and quoting") {
  std::string err;
  auto c = ParseWebConfig(
      "# exporter web config\n"
      "---\n"
      "tls_server_config:\n"
      "  cert_file: /etc/x/server.crt   # the certificate\n"
      "  key_file: \"/etc/x/server key.pem\"\n"
      "  min_version: TLS13\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: '/etc/x/ca''s.crt'\n"
      "basic_auth_users:\n"
      "  prometheus: $2y$10$abcdefghijklmnopqrstuu5Ffz1PoOe4lnGkpUmEpsuX0gPU0LQSe\n"
      "  'other user': \"$2b$04$abc\"\n",
      &err);
  REQUIRE_MESSAGE(c, err);
  CHECK(c->tls());
  CHECK(c->cert_file == "/etc/x/server.crt");
  CHECK(c->key_file == "/etc/x/server key.pem");
  CHECK(c->client_ca_file == "/etc/x/ca's.crt");
  CHECK(c->require_client_cert);
  CHECK(c->min_version == "TLS13");
  CHECK(c->users.size() == 2);
  CHECK(c->users.at("other user") == "$2b$04$abc");
  auto auth_only = ParseWebConfig("basic_auth_users:\n    u: $2b$04$x\n", &err);
  REQUIRE(auth_only);
  CHECK_FALSE(auth_only->tls());
  CHECK(ParseWebConfig("", &err)->users.empty());
}

TEST_CASE("web config: what it does not honour is an error with the line") {
  std::string err;
  auto bad = [&](const std::string& text) {
    err.clear();
    CHECK_FALSE(ParseWebConfig(text, &err));
    return err;
  };
  CHECK(bad("tls_server_config:\n  cert_file: a\n") == "tls_server_config needs cert_file and key_file");
  CHECK(bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: x\n").rfind("line 4: \"cipher_suites\" is not supported", 0) == 0);
  CHECK(bad("http_server_config:\n  http2: false\n") == "line 1: http_server_config is not supported by this exporter");
  CHECK(bad("basic_auth_users:\n  u: plaintext\n").rfind("line 2: the password of \"u\" is not a bcrypt hash", 0) == 0);
  CHECK(bad("basic_auth_users:\n  u: $2b$1\n  u: $2b$2\n") == "line 3: user \"u\" given twice");
  CHECK(bad("basic_auth_users:\n  - u\n") == "line 2: lists are not supported here");
  CHECK(bad("basic_auth_users:\n\tu: $2b$1\n") == "line 2: tabs are not allowed for indentation");
  CHECK(bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: SSL3\n") ==
        "line 4: min_version must be TLS10, TLS11, TLS12 or TLS13");
  CHECK(bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n") ==
        "client_auth_type RequireAndVerifyClientCert needs client_ca_file");
  CHECK(bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven\n")
            .find("is not supported") != std::string::npos);
  CHECK(bad("basic_auth_users:\n  u: \"$2b$1\n") == "line 2: \"u\": unterminated quoted value");
  CHECK(bad("  u: x\n") == "line 1: indented line outside a section");
  CHECK(bad("users: x\n") == "line 1: \"users\" must be a section");
  CHECK(bad("tls_server_config:\n  cert_file: a\n    key_file: b\n") == "line 3: unexpected indentation");
}

TEST_CASE("basic auth: bcrypt hashes, wrong passwords and malformed headers refused") {
  BasicAuth auth({{"prometheus", Bcrypt("s3cret:with:colons")}, {"other", Bcrypt("x")}});
  CHECK(auth.enabled());
  CHECK(auth.Check(Header("prometheus:s3cret:with:colons")));
  CHECK(auth.Check(Header("prometheus:s3cret:with:colons")));  // remembered
  CHECK_FALSE(auth.Check(Header("prometheus:s3cret")));
  CHECK_FALSE(auth.Check(Header("other:s3cret:with:colons")));
  CHECK_FALSE(auth.Check(Header("nobody:x")));
  CHECK(auth.Check(Header("other:x")));
  CHECK_FALSE(auth.Check(""));
  CHECK_FALSE(auth.Check("Bearer abc"));
  CHECK_FALSE(auth.Check("Basic !!!!"));
  CHECK_FALSE(auth.Check("Basic " + std::string(8000, 'A')));
  CHECK_FALSE(auth.Check(Header("prometheus")));  // no colon
  CHECK_FALSE(BasicAuth({}).enabled());
}

}  // namespace
}  // namespace rcs::exporter
