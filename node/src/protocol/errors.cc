#include "protocol/errors.h"

#include <cstdio>

#include "base/strutil.h"

namespace rcs::err {

namespace {
std::string Cat(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string s;
  s.reserve(a.size() + b.size() + c.size());
  s.append(a);
  s.append(b);
  s.append(c);
  return s;
}
}  // namespace

std::string ProtoExpectedDollar(char got) { return Cat("ERR Protocol error: expected '$', got '", {&got, 1}, "'"); }

std::string GeoInvalidPair(double longitude, double latitude) {
  char buf[1024];  // %f of the largest double is 316 characters
  snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", longitude, latitude);
  return buf;
}
std::string GeoStoreNotCompatible(bool geosearchstore) {
  return Cat(geosearchstore ? "ERR GEOSEARCHSTORE" : "ERR STORE option in GEORADIUS",
             " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
}
std::string GeoExactlyOne(bool from, std::string_view command) {
  return Cat(from ? "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for "
                  : "ERR exactly one of BYRADIUS and BYBOX can be specified for ",
             command);
}
std::string HelloBadOption(std::string_view option) { return Cat("ERR Syntax error in HELLO option '", option, "'"); }
std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing) {
  auto c_text = [](std::string_view s) { return s.substr(0, s.find('\0')); };
  return Cat("ERR Prefix '", c_text(prefix),
             existing ? "' overlaps with an existing prefix '" : "' overlaps with another provided prefix '") +
         Cat(c_text(other), "'. Prefixes for a single client must not overlap.");
}
std::string BadClientAttr(std::string_view attr) {
  return Cat("ERR ", ToUpper(attr), " cannot contain spaces, newlines or special characters.");
}
std::string UnrecognizedOption(std::string_view option) { return Cat("ERR Unrecognized option '", option, "'"); }
std::string UnknownClientType(std::string_view type) { return Cat("ERR Unknown client type '", type, "'"); }
std::string NoSuchUser(std::string_view user) { return Cat("ERR No such user '", user, "'"); }
std::string UnsupportedOption(std::string_view option) { return Cat("ERR Unsupported option ", option); }
std::string AtLeastOneKey(std::string_view command) {
  return Cat("ERR at least 1 input key is needed for '", ToLower(command), "' command");
}

std::string UnknownConfigOption(std::string_view name) {
  return Cat("ERR Unknown option or number of arguments for CONFIG SET - '", name, "'");
}
std::string ConfigSetFailed(std::string_view name, std::string_view reason) {
  return Cat("ERR CONFIG SET failed (possibly related to argument '", ToLower(name), Cat("') - ", reason));
}
namespace config_reason {
std::string OutOfBounds(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) + " inclusive";
}
std::string NotOneOf(std::string_view list) { return Cat("argument(s) must be one of the following: ", list); }
}  // namespace config_reason

std::string UnrecognizedReplconf(std::string_view option) { return Cat("ERR Unrecognized REPLCONF option: ", option); }

std::string Redirect(bool ask, int slot, std::string_view host, int port) {
  std::string s = ask ? "ASK " : "MOVED ";
  s += std::to_string(slot);
  s += ' ';
  s.append(host);
  s += ':';
  s += std::to_string(port);
  return s;
}

std::string UnknownNode(std::string_view id) { return Cat("ERR Unknown node ", id); }
std::string DontKnowNode(std::string_view id) { return Cat("ERR I don't know about node ", id); }
std::string InvalidBasePort(std::string_view arg) { return Cat("ERR Invalid TCP base port specified: ", arg); }
std::string InvalidBusPort(std::string_view arg) { return Cat("ERR Invalid TCP bus port specified: ", arg); }
std::string InvalidNodeAddress(std::string_view ip, std::string_view port) {
  return Cat("ERR Invalid node address specified: ", ip, Cat(":", port));
}
std::string SlotRangeReversed(int64_t start, int64_t end) {
  return "ERR start slot number " + std::to_string(start) + " is greater than end slot number " + std::to_string(end);
}
std::string SlotBusy(int slot) { return "ERR Slot " + std::to_string(slot) + " is already busy"; }
std::string SlotStatsRangeReversed(int start, int end) {
  return "ERR Start slot number " + std::to_string(start) + " is greater than end slot number " + std::to_string(end);
}
std::string SlotUnassigned(int slot) { return "ERR Slot " + std::to_string(slot) + " is already unassigned"; }
std::string SlotRepeated(int slot) { return "ERR Slot " + std::to_string(slot) + " specified multiple times"; }
std::string NotSlotOwner(int slot) { return "ERR I'm not the owner of hash slot " + std::to_string(slot); }
std::string AlreadySlotOwner(int slot) { return "ERR I'm already the owner of hash slot " + std::to_string(slot); }
std::string SlotHasKeys(int slot) {
  return "ERR Can't assign hashslot " + std::to_string(slot) +
         " to a different node while I still hold keys for this hash slot.";
}
std::string InvalidConfigEpoch(int64_t epoch) { return "ERR Invalid config epoch specified: " + std::to_string(epoch); }
std::string SaveConfigFailed(std::string_view why) { return Cat("ERR error saving the cluster node config: ", why); }
std::string TargetError(std::string_view error) { return Cat("ERR Target instance replied with error: ", error); }

std::string WrongArgs(std::string_view command) {
  return Cat("ERR wrong number of arguments for '", ToLower(command), "' command");
}

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  // Redis (processCommand) echoes at most 128 bytes of the name, then quoted arguments while the quoted
  // list is shorter than 128 bytes, each cut to what is left of those 128: a huge request cannot make the
  // error reply huge.
  constexpr size_t kEcho = 128;
  std::string quoted;
  for (size_t i = 0; i < nargs && quoted.size() < kEcho; i++) {
    quoted += '\'';
    quoted.append(args[i].substr(0, kEcho - quoted.size() + 1));
    quoted += "' ";
  }
  return Cat("ERR unknown command '", name.substr(0, kEcho), Cat("', with args beginning with: ", quoted));
}

std::string NoPermCommand(std::string_view command) {
  return Cat("NOPERM this user has no permissions to run the '", command, "' command");
}

std::string NoPermExec(std::string_view reason) {
  return Cat("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
             "This command is no longer allowed for the following reason: ",
             reason);
}

std::string ExecAbortBecause(std::string_view error) {
  return Cat("EXECABORT Transaction discarded because of: ", error);
}

std::string AclSetUserModifier(std::string_view op, std::string_view reason) {
  return Cat("ERR Error in ACL SETUSER modifier '", op, Cat("': ", reason));
}

std::string AclUnmatchedParenthesis(std::string_view arg) {
  return Cat("ERR Unmatched parenthesis in acl selector starting at '", arg, "'.");
}

std::string AclLoadFailed(std::string_view errors) { return Cat("ERR ", errors); }

std::string AclUserNotFound(std::string_view user) { return Cat("ERR User '", user, "' not found"); }

std::string AclCommandNotFound(std::string_view command) { return Cat("ERR Command '", command, "' not found"); }

std::string AclUnknownCategory(std::string_view category) {
  return Cat("ERR Unknown category '", category, "'");
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  return Cat("ERR unknown subcommand '", sub.substr(0, 128), Cat("'. Try ", ToUpper(command), " HELP."));
}

std::string SubcommandSyntax(std::string_view sub, std::string_view command) {
  return Cat("ERR unknown subcommand or wrong number of arguments for '", sub.substr(0, 128),
             Cat("'. Try ", ToUpper(command), " HELP."));
}

std::string SubscribeContext(std::string_view command) {
  return Cat("ERR Can't execute '", command,
             "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
}

std::string InvalidExpireTime(std::string_view command) {
  return Cat("ERR invalid expire time in '", ToLower(command), "' command");
}

// C strings in redis-server's formats: a name stops at its first NUL byte there.
static std::string_view CStr(std::string_view s) { return s.substr(0, s.find('\0')); }

std::string NoGroupForKey(std::string_view group, std::string_view key) {
  return Cat("NOGROUP No such consumer group '", CStr(group), Cat("' for key name '", CStr(key), "'"));
}

std::string NoGroupXreadgroup(std::string_view key, std::string_view group) {
  return Cat("NOGROUP No such key '", CStr(key),
             Cat("' or consumer group '", CStr(group), "' in XREADGROUP with GROUP option"));
}

std::string NoKeyOrGroup(std::string_view key, std::string_view group) {
  return Cat("NOGROUP No such key '", CStr(key), Cat("' or consumer group '", CStr(group), "'"));
}

std::string XclaimUnknownOption(std::string_view option) {
  return Cat("ERR Unrecognized XCLAIM option '", CStr(option), "'");
}

std::string UnknownPfdebugSubcommand(std::string_view sub) {
  return Cat("ERR Unknown PFDEBUG subcommand '", sub, "'");
}

std::string BlockFromScript(std::string_view command) {
  return Cat("ERR ", command, " command is not allowed with BLOCK option from scripts");
}

std::string LatencyNoSamples(std::string_view event) {
  return Cat("ERR No samples available for event '", event, "'");
}

std::string WithErrCode(std::string_view text) { return Cat(kErrCode, text); }
std::string ShebangBadEngine(std::string_view engine) {
  return Cat("ERR Unexpected engine in script shebang: ", engine);
}
std::string ShebangBadOption(std::string_view option) { return Cat("ERR Unknown lua shebang option: ", option); }
std::string ShebangBadFlag(std::string_view flag) { return Cat("ERR Unexpected flag in script shebang: ", flag); }
std::string ScriptCompileFailed(std::string_view message) {
  return Cat("ERR Error compiling script (new function): ", message);
}
std::string ScriptRunFailed(std::string_view script, std::string_view message) {
  return Cat("ERR Error running script ", script, Cat(", ", message.substr(0, 100)));
}
std::string FunctionCompileFailed(std::string_view message) { return Cat("ERR Error compiling function: ", message); }
std::string FunctionRegisterFailed(std::string_view message) {
  return Cat("ERR Error registering functions: ", message);
}
std::string EngineNotFound(std::string_view engine) { return Cat("ERR Engine '", engine, "' not found"); }
std::string InvalidLibraryMetadata(std::string_view value) { return Cat("ERR Invalid metadata value given: ", value); }
std::string LibraryExists(std::string_view library) { return Cat("ERR Library '", library, "' already exists"); }
std::string FunctionExists(std::string_view function) { return Cat("ERR Function ", function, " already exists"); }
std::string UnknownOptionGiven(std::string_view option) { return Cat("ERR Unknown option given: ", option); }
std::string RestoreLibraryExists(std::string_view library) { return Cat("ERR Library ", library, " already exists"); }
std::string UnknownArgument(std::string_view arg) { return Cat("ERR Unknown argument ", arg); }

std::string BgsaveForkFailed(std::string_view reason) {
  return "ERR Background save failed: fork: " + std::string(reason);
}

}  // namespace rcs::err
