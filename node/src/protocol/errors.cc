#include "protocol/errors.h"

#include "base/strutil.h"

namespace rcs::err {

std::string WrongArgs(std::string_view command) {
  return "ERR wrong number of arguments for '" + ToLower(command) + "' command";
}

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  std::string s = "ERR unknown command '";
  // Redis truncates what it echoes so that an attacker cannot make the error reply huge.
  s.append(name.substr(0, 128));
  s += "', with args beginning with: ";
  for (size_t i = 0; i < nargs && s.size() < 128; i++) {
    s += "'";
    s.append(args[i].substr(0, 128 - (s.size() < 128 ? s.size() : 128)));
    s += "' ";
  }
  return s;
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  return "ERR unknown subcommand '" + std::string(sub.substr(0, 128)) + "'. Try " + ToUpper(command) + " HELP.";
}

std::string InvalidExpireTime(std::string_view command) {
  return "ERR invalid expire time in '" + ToLower(command) + "' command";
}

}  // namespace rcs::err
