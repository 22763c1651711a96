// The error texts clients parse (protocol/errors.h): every constant once, and the built texts against what
// Debian's redis-server 7.0.15 sends for the same request.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/errors.h"

namespace err = rcs::err;

namespace {

// An error reply starts with its code: one upper-case word (ERR, WRONGTYPE, CLUSTERDOWN ...), a space, text.
bool WellFormed(std::string_view e) {
  size_t sp = e.find(' ');
  if (sp == 0 || sp == std::string_view::npos || sp + 1 == e.size()) return false;
  for (size_t i = 0; i < sp; i++) {
    if (!std::isupper(static_cast<unsigned char>(e[i]))) return false;
  }
  return e.find_first_of("\r\n") == std::string_view::npos;
}

// The string literals of C++ source text, without comments; raw strings and character literals are skipped
// over correctly enough for this tree (no literal here spans lines except raw strings).
std::vector<std::string> StringLiterals(std::string_view src) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < src.size()) {
    char c = src[i];
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
      i = src.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
      i = src.find("*/", i + 2);
      if (i == std::string_view::npos) break;
      i += 2;
    } else if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"' &&
               (i == 0 || !(std::isalnum(static_cast<unsigned char>(src[i - 1])) || src[i - 1] == '_'))) {
      size_t open = src.find('(', i + 2);
      if (open == std::string_view::npos) break;
      std::string close = ")" + std::string(src.substr(i + 2, open - i - 2)) + "\"";
      size_t end = src.find(close, open + 1);
      if (end == std::string_view::npos) break;
      out.emplace_back(src.substr(open + 1, end - open - 1));
      i = end + close.size();
    } else if (c == '"' || c == '\'') {
      std::string lit;
      size_t j = i + 1;
      while (j < src.size() && src[j] != c) {
        if (src[j] == '\\' && j + 1 < src.size()) lit += src[j++];
        lit += src[j++];
      }
      if (c == '"') out.push_back(lit);
      i = j + 1;
    } else {
      i++;
    }
  }
  return out;
}

// The literals that look like a client-visible error reply: "<CODE> ..." or "-<CODE> ..." for a code that some
// error in errors.h (or a redirect) starts with.
std::vector<std::string> ErrorLikeLiterals(std::string_view src) {
  std::set<std::string, std::less<>> codes = {"MOVED", "ASK"};
  for (std::string_view e : err::kAll) codes.emplace(e.substr(0, e.find(' ')));
  std::vector<std::string> found;
  for (const std::string& lit : StringLiterals(src)) {
    std::string_view v = lit;
    if (!v.empty() && v[0] == '-') v.remove_prefix(1);
    size_t sp = v.find(' ');
    if (sp != std::string_view::npos && codes.count(v.substr(0, sp))) found.push_back(lit);
  }
  return found;
}

}  // namespace

TEST_CASE("ErrorTexts: every constant is one upper-case code word, a space and a line of text, once") {
  std::set<std::string_view> seen;
  for (std::string_view e : err::kAll) {
    CAPTURE(e);
    CHECK(WellFormed(e));
    CHECK(seen.insert(e).second);
  }
  for (std::string_view r : err::kAllConfigReasons) {
    CAPTURE(r);
    CHECK(!r.empty());
    CHECK(r.find_first_of("\r\n") == std::string_view::npos);
    CHECK(seen.insert(r).second);
  }
  std::set<std::string_view> lua_seen;  // its own set: "wrong number of arguments" is also a config reason
  for (std::string_view r : err::kAllLuaReasons) {
    CAPTURE(r);
    CHECK(!r.empty());
    CHECK(r.find_first_of("\r\n") == std::string_view::npos);
    CHECK(lua_seen.insert(r).second);
    CHECK(err::WithErrCode(r).substr(0, 4) == "ERR ");
  }
}

TEST_CASE("ErrorTexts: kAll lists every constant that errors.h declares") {
  std::ifstream in(RCS_SOURCE_DIR "/node/src/protocol/errors.h");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  static const std::regex decl(R"(inline constexpr std::string_view (k\w+) =)");
  size_t declared = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), decl); it != std::sregex_iterator(); ++it) {
    declared++;
  }
  CHECK(declared == std::size(err::kAll) + std::size(err::kAllConfigReasons) + std::size(err::kAllLuaReasons));
}

TEST_CASE("ErrorTexts: the built texts, byte for byte as redis-server 7.0.15 sends them") {
  const std::string_view ab[] = {"a", "b"};
  CHECK(err::UnknownCommand("foo", ab, 2) == "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  CHECK(err::UnknownCommand("FOOBARBAZ", nullptr, 0) == "ERR unknown command 'FOOBARBAZ', with args beginning with: ");
  // 128 bytes of the name; the quoted arguments stop once they reach 128 bytes, the last one cut to fit.
  const std::string y120(120, 'y'), z18(18, 'z');
  const std::string_view long_args[] = {y120, z18, "ww"};
  CHECK(err::UnknownCommand("abc", long_args, 3) ==
        "ERR unknown command 'abc', with args beginning with: '" + y120 + "' 'zzzzz' ");
  const std::string x200(200, 'x'), y200(200, 'y');
  const std::string_view big[] = {y200, "z"};
  CHECK(err::UnknownCommand(x200, big, 2) == "ERR unknown command '" + std::string(128, 'x') +
                                                 "', with args beginning with: '" + std::string(128, 'y') + "' ");
  CHECK(err::UnknownSubcommand("foo", "cluster") == "ERR unknown subcommand 'foo'. Try CLUSTER HELP.");
  CHECK(err::WrongArgs("command|getkeys") == "ERR wrong number of arguments for 'command|getkeys' command");
  CHECK(err::HelloBadOption("foo") == "ERR Syntax error in HELLO option 'foo'");
  CHECK(err::TrackingPrefixOverlap("a", "ab", true) ==
        "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.");
  CHECK(err::TrackingPrefixOverlap(std::string_view("b\0x", 3), "bc", false) ==
        "ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client must not overlap.");
  CHECK(err::UnknownClientType("foo") == "ERR Unknown client type 'foo'");
  CHECK(err::NoSuchUser("nouser") == "ERR No such user 'nouser'");
  CHECK(err::UnknownConfigOption("foo") == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(err::ConfigSetFailed("MaxMemory", err::config_reason::kNotMemory) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  CHECK(err::ConfigSetFailed("maxmemory-samples", err::config_reason::OutOfBounds(1, 2147483647)) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between 1 "
        "and 2147483647 inclusive");
  CHECK(err::config_reason::NotOneOf("a, b") == "argument(s) must be one of the following: a, b");
  CHECK(err::Redirect(false, 3999, "127.0.0.1", 6381) == "MOVED 3999 127.0.0.1:6381");
  CHECK(err::Redirect(true, 0, "10.0.0.2", 7000) == "ASK 0 10.0.0.2:7000");
  CHECK(err::ProtoExpectedDollar('x') == "ERR Protocol error: expected '$', got 'x'");
  CHECK(err::LibraryExists("lib") == "ERR Library 'lib' already exists");
  CHECK(err::RestoreLibraryExists("lib") == "ERR Library lib already exists");
  CHECK(err::EngineNotFound("py") == "ERR Engine 'py' not found");
  // The Lua message is cut to 100 bytes, as Redis's luaCallFunction does.
  CHECK(err::ScriptRunFailed("f_abc", std::string(150, 'm')) ==
        "ERR Error running script f_abc, " + std::string(100, 'm'));
  for (const std::string& e :
       {err::UnknownNode("abc"), err::DontKnowNode("abc"), err::InvalidBasePort("x"), err::InvalidBusPort("x"),
        err::InvalidNodeAddress("h", "1"), err::SlotRangeReversed(2, 1), err::SlotBusy(1), err::SlotUnassigned(1),
        err::SlotRepeated(1), err::NotSlotOwner(1), err::AlreadySlotOwner(1), err::SlotHasKeys(1),
        err::InvalidConfigEpoch(-1), err::SaveConfigFailed("x"), err::TargetError("ERR x"),
        err::UnrecognizedReplconf("x"), err::BadClientAttr("lib-name"), err::UnrecognizedOption("x"),
        err::UnsupportedOption("x"), err::AtLeastOneKey("zunionstore"), err::InvalidExpireTime("set"),
        err::WithErrCode("x"), err::ShebangBadEngine("#!py"), err::ShebangBadOption("x"), err::ShebangBadFlag("x"),
        err::ScriptCompileFailed("x"), err::ScriptRunFailed("f", "x"), err::FunctionCompileFailed("x"),
        err::FunctionRegisterFailed("x"), err::EngineNotFound("py"), err::InvalidLibraryMetadata("x"),
        err::LibraryExists("lib"), err::FunctionExists("f"), err::UnknownOptionGiven("x"),
        err::RestoreLibraryExists("lib"), err::UnknownArgument("x")}) {
    CAPTURE(e);
    CHECK(WellFormed(e));
  }
}

TEST_CASE("ErrorTexts: the source scan finds error literals in code and not in comments") {
  const char* sample = R"src(
    // reply.Error("ERR not this one, a comment");
    /* "WRONGTYPE nor this" */
    reply.Error("ERR built in place: " + x);
    reply.Error(ok ? "ok" : "-NOSCRIPT No matching script");
    char q = '"'; std::string t = "ERRORS are fine", u = "BUSY";
    auto r = R"x(CLUSTERDOWN raw)x";
    if (line.rfind("-NOAUTH", 0) == 0) {}
  )src";
  std::vector<std::string> found = ErrorLikeLiterals(sample);
  REQUIRE(found.size() == 3);
  CHECK(found[0] == "ERR built in place: ");
  CHECK(found[1] == "-NOSCRIPT No matching script");
  CHECK(found[2] == "CLUSTERDOWN raw");
}

TEST_CASE("ErrorTexts: no error reply is written in place outside protocol/errors.h and errors.cc") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(RCS_SOURCE_DIR) / "node" / "src";
  REQUIRE(fs::is_directory(root));
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file() || (p.extension() != ".cc" && p.extension() != ".h")) continue;
    if (p.parent_path().filename() == "protocol" && p.stem() == "errors") continue;
    files++;
    std::ifstream in(p);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    for (const std::string& lit : ErrorLikeLiterals(ss.str())) {
      CAPTURE(p.string());
      FAIL_CHECK("error text built in place (move it to protocol/errors.h): \"" << lit << "\"");
    }
  }
  CHECK(files > 50);
}
