// The error texts clients parse (protocol/errors.h): every constant once, and the built texts against what
// Debian's redis-server 7.0.15 sends for the same request.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

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
  CHECK(declared == std::size(err::kAll) + std::size(err::kAllConfigReasons));
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
  for (const std::string& e :
       {err::UnknownNode("abc"), err::DontKnowNode("abc"), err::InvalidBasePort("x"), err::InvalidBusPort("x"),
        err::InvalidNodeAddress("h", "1"), err::SlotRangeReversed(2, 1), err::SlotBusy(1), err::SlotUnassigned(1),
        err::SlotRepeated(1), err::NotSlotOwner(1), err::AlreadySlotOwner(1), err::SlotHasKeys(1),
        err::InvalidConfigEpoch(-1), err::SaveConfigFailed("x"), err::TargetError("ERR x"),
        err::UnrecognizedReplconf("x"), err::BadClientAttr("lib-name"), err::UnrecognizedOption("x"),
        err::UnsupportedOption("x"), err::AtLeastOneKey("zunionstore"), err::InvalidExpireTime("set")}) {
    CAPTURE(e);
    CHECK(WellFormed(e));
  }
}
