// One loader for every command stream the node replays: the AOF (base and incremental files, ours or
// redis-server's) at start, and a master's full-sync snapshot on a replica.
//
// The commands run through the server's dispatcher on a fake client flagged as the master (no AUTH, no
// cluster redirects, no read-only refusal, never blocks), with the server in loading mode: every write it
// makes propagates with origin kLoading (so the AOF does not re-append its own replay and replicas do not
// receive a snapshot as writes), and no key counts as expired while loading (the stream replays commands
// that saw those keys alive; its own DELs remove them).
//
// Offsets: offset() counts the bytes of complete commands applied so far; safe_offset() is the end of the
// last complete command outside MULTI ... EXEC, i.e. where a damaged or truncated stream can be cut without
// leaving half a transaction.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/resp_parser.h"

namespace rcs {

class Server;
class Client;

class CommandStreamLoader {
 public:
  // Starts loading: empties nothing (the caller decides), turns loading mode on.
  explicit CommandStreamLoader(Server& server);
  // Ends loading mode and frees the client (also when the stream was abandoned).
  ~CommandStreamLoader();
  CommandStreamLoader(const CommandStreamLoader&) = delete;
  CommandStreamLoader& operator=(const CommandStreamLoader&) = delete;

  // Applies every complete command at the start of `data` and returns how many bytes that was; the rest
  // (an incomplete command) is for the next call, with more bytes after it. An error for bytes that are no
  // command (protocol error) or a command this server does not know; offset() then points at it.
  StatusOr<size_t> Feed(std::string_view data);

  // Runs one command on the loading client (an RDB's function libraries: FUNCTION LOAD). False when the
  // reply is an error; *reply gets the reply either way.
  bool Execute(const std::vector<std::string_view>& argv, std::string* reply);

  // Restarts the offsets for the next file of a multi-part AOF (a transaction never spans files).
  void StartFile();

  uint64_t offset() const { return offset_; }
  uint64_t safe_offset() const { return in_multi_ ? multi_offset_ : offset_; }
  bool in_transaction() const { return in_multi_; }
  uint64_t commands() const { return commands_; }
  // The last '#' annotation line read (without "\r\n"), and how many commands followed it.
  const std::string& last_annotation() const { return last_annotation_; }
  uint64_t commands_since_annotation() const { return commands_since_annotation_; }

 private:
  Server& server_;
  Client* client_;
  RespParser parser_;
  uint64_t offset_ = 0;
  uint64_t multi_offset_ = 0;
  bool in_multi_ = false;
  uint64_t commands_ = 0;
  std::string last_annotation_;
  uint64_t commands_since_annotation_ = 0;
};

}  // namespace rcs
