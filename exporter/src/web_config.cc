#include "web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <vector>

namespace rcs::exporter {
namespace {

struct Line {
  int number = 0;
  int indent = 0;
  std::string key, value;  // value "" for a map header ("key:")
};

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// A scalar: plain (up to a " #" comment), 'single' ('' is a quote) or "double" (\" \\ \n \t escapes).
bool Scalar(const std::string& raw, std::string* out, std::string* why) {
  std::string s = Trim(raw);
  if (s.empty()) {
    out->clear();
    return true;
  }
  if (s[0] == '\'' || s[0] == '"') {
    char q = s[0];
    std::string v;
    size_t i = 1;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (q == '\'' && c == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          v.push_back('\'');
          ++i;
          continue;
        }
        break;
      }
      if (q == '"' && c == '\\' && i + 1 < s.size()) {
        char e = s[++i];
        v.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        continue;
      }
      if (q == '"' && c == '"') break;
      v.push_back(c);
    }
    if (i >= s.size()) {
      *why = "unterminated quoted value";
      return false;
    }
    std::string rest = Trim(s.substr(i + 1));
    if (!rest.empty() && rest[0] != '#') {
      *why = "text after a quoted value";
      return false;
    }
    *out = v;
    return true;
  }
  if (s[0] == '[' || s[0] == '{' || s[0] == '&' || s[0] == '*' || s[0] == '|' || s[0] == '>' || s[0] == '!') {
    *why = "only plain and quoted values are supported";
    return false;
  }
  size_t hash = s.find(" #");
  *out = Trim(hash == std::string::npos ? s : s.substr(0, hash));
  return true;
}

bool Lines(const std::string& text, std::vector<Line>* out, std::string* error) {
  size_t pos = 0;
  int number = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    std::string t = Trim(raw);
    if (t.empty() || t[0] == '#' || t == "---") continue;
    auto fail = [&](const std::string& why) {
      *error = "line " + std::to_string(number) + ": " + why;
      return false;
    };
    if (raw.find('\t') < raw.find_first_not_of(" \t")) return fail("tabs are not allowed for indentation");
    if (t[0] == '-') return fail("lists are not supported here");
    Line l;
    l.number = number;
    l.indent = static_cast<int>(raw.find_first_not_of(' '));
    size_t colon = t.find(':');
    while (colon != std::string::npos && colon + 1 < t.size() && t[colon + 1] != ' ') colon = t.find(':', colon + 1);
    if (colon == std::string::npos) return fail("expected \"key: value\"");
    std::string why;
    if (!Scalar(t.substr(0, colon), &l.key, &why)) return fail(why);
    if (!Scalar(t.substr(colon + 1), &l.value, &why)) return fail("\"" + l.key + "\": " + why);
    if (l.key.empty()) return fail("empty key");
    out->push_back(l);
  }
  return true;
}

}  // namespace

std::optional<WebConfig> ParseWebConfig(const std::string& text, std::string* error) {
  std::vector<Line> lines;
  if (!Lines(text, &lines, error)) return std::nullopt;
  WebConfig c;
  std::string section;
  int section_indent = -1;
  std::set<std::string> seen;
  auto fail = [&](const Line& l, const std::string& why) {
    *error = "line " + std::to_string(l.number) + ": " + why;
    return std::nullopt;
  };
  std::string client_auth = "NoClientCert";
  for (const Line& l : lines) {
    if (l.indent == 0) {
      if (!l.value.empty()) return fail(l, "\"" + l.key + "\" must be a section");
      if (l.key != "tls_server_config" && l.key != "basic_auth_users") {
        if (l.key == "http_server_config") return fail(l, "http_server_config is not supported by this exporter");
        return fail(l, "unknown section \"" + l.key + "\" (tls_server_config, basic_auth_users)");
      }
      if (!seen.insert(l.key).second) return fail(l, "\"" + l.key + "\" given twice");
      section = l.key;
      section_indent = -1;
      continue;
    }
    if (section.empty()) return fail(l, "indented line outside a section");
    if (section_indent == -1) section_indent = l.indent;
    if (l.indent != section_indent) return fail(l, "unexpected indentation");
    if (section == "basic_auth_users") {
      if (l.value.empty()) return fail(l, "user \"" + l.key + "\" has no password hash");
      if (l.value.rfind("$2", 0) != 0) return fail(l, "the password of \"" + l.key + "\" is not a bcrypt hash ($2a$, $2b$, $2y$)");
      if (!c.users.emplace(l.key, l.value).second) return fail(l, "user \"" + l.key + "\" given twice");
      continue;
    }
    if (!seen.insert(section + "." + l.key).second) return fail(l, "\"" + l.key + "\" given twice");
    if (l.key == "cert_file") c.cert_file = l.value;
    else if (l.key == "key_file") c.key_file = l.value;
    else if (l.key == "client_ca_file") c.client_ca_file = l.value;
    else if (l.key == "client_auth_type") client_auth = l.value;
    else if (l.key == "min_version") {
      if (l.value != "TLS10" && l.value != "TLS11" && l.value != "TLS12" && l.value != "TLS13") {
        return fail(l, "min_version must be TLS10, TLS11, TLS12 or TLS13");
      }
      c.min_version = l.value;
    } else {
      return fail(l, "\"" + l.key + "\" is not supported by this exporter (cert_file, key_file, client_auth_type, "
                     "client_ca_file, min_version)");
    }
  }
  if (seen.count("tls_server_config")) {
    if (c.cert_file.empty() || c.key_file.empty()) {
      *error = "tls_server_config needs cert_file and key_file";
      return std::nullopt;
    }
    if (client_auth == "RequireAndVerifyClientCert") {
      if (c.client_ca_file.empty()) {
        *error = "client_auth_type RequireAndVerifyClientCert needs client_ca_file";
        return std::nullopt;
      }
      c.require_client_cert = true;
    } else if (client_auth != "NoClientCert") {
      *error = "client_auth_type \"" + client_auth + "\" is not supported (NoClientCert, RequireAndVerifyClientCert)";
      return std::nullopt;
    }
  }
  return c;
}

bool BasicAuth::Check(const std::string& authorization) {
  if (authorization.size() < 7 || authorization.compare(0, 6, "Basic ") != 0) return false;
  {
    std::lock_guard lock(mu_);
    if (verified_.count(authorization)) return true;
  }
  std::string b64 = Trim(authorization.substr(6));
  if (b64.empty() || b64.size() > 4096 || b64.size() % 4 != 0) return false;
  std::vector<unsigned char> buf(b64.size() / 4 * 3 + 1);
  int n = EVP_DecodeBlock(buf.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return false;
  if (b64.size() >= 1 && b64[b64.size() - 1] == '=') --n;
  if (b64.size() >= 2 && b64[b64.size() - 2] == '=') --n;
  std::string decoded(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  auto it = users_.find(decoded.substr(0, colon));
  if (it == users_.end()) return false;
  std::string password = decoded.substr(colon + 1);
  crypt_data data;
  std::memset(&data, 0, sizeof data);
  const char* hashed = crypt_r(password.c_str(), it->second.c_str(), &data);
  if (hashed == nullptr || hashed[0] == '*') return false;
  bool ok = std::strlen(hashed) == it->second.size() && CRYPTO_memcmp(hashed, it->second.data(), it->second.size()) == 0;
  if (ok) {
    std::lock_guard lock(mu_);
    if (verified_.size() >= 64) verified_.clear();
    verified_.insert(authorization);
  }
  return ok;
}

}  // namespace rcs::exporter
