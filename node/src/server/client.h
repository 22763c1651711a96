// One connection (or a fake client used for AOF loading, the master's stream and tests).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "protocol/reply.h"
#include "protocol/resp_parser.h"

namespace rcs {

struct CommandSpec;
class AclUser;
struct ClientTracking;

enum ClientFlag : uint32_t {
  kClientMulti = 1u << 0,         // inside MULTI
  kClientDirtyCas = 1u << 1,      // a WATCHed key changed: EXEC fails
  kClientDirtyExec = 1u << 2,     // a command queued in MULTI was refused: EXEC aborts
  kClientBlocked = 1u << 3,
  kClientCloseAfterReply = 1u << 4,
  kClientCloseAsap = 1u << 5,
  kClientMaster = 1u << 6,        // our master's replication link (its writes apply, no replies)
  kClientReplica = 1u << 7,       // a replica attached to us
  kClientReadOnly = 1u << 8,      // READONLY: cluster reads served by this replica
  kClientAsking = 1u << 9,        // ASKING for the next command
  kClientFake = 1u << 10,         // no socket
  kClientPubSub = 1u << 11,
  kClientNoEvict = 1u << 12,
  kClientHoldReplies = 1u << 13,  // its writes are not on disk yet (appendfsync always): replies wait
  kClientMonitor = 1u << 14,      // MONITOR: sees every command the server runs (server/monitor.cc)
  kClientReplyOff = 1u << 15,     // CLIENT REPLY OFF: replies are dropped (pub/sub pushes still go out)
  kClientReplySkip = 1u << 16,    // CLIENT REPLY SKIP: the reply of the command now running is dropped
  kClientReplySkipNext = 1u << 17,  // ... set by SKIP itself, for the command after it
  kClientPostponed = 1u << 18,    // held by CLIENT PAUSE (with kClientBlocked): its command runs again later
  kClientNoTouch = 1u << 19,      // CLIENT NO-TOUCH ON (7.2): its commands leave the keys' LRU/LFU as they are
};

class Client {
 public:
  Client(uint64_t id, int fd) : id(id), fd(fd), reply(&out, 2) {}
  bool has(uint32_t f) const { return (flags & f) != 0; }

  uint64_t id;
  int fd;                        // -1 for fake clients
  uint32_t flags = 0;
  int resp = 2;
  bool authenticated = false;
  // The ACL user the client acts as (the default user until AUTH/HELLO names another); nullptr for our
  // master's link and the loaders, which may run anything (as Redis's c->user == NULL).
  AclUser* user = nullptr;
  std::string name, lib_name, lib_ver;
  std::string addr, laddr;       // "ip:port"
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string_view last_cmd = "NULL";  // a view of the spec's name (specs live as long as the server)
  int db = 0;                    // the SELECTed database (always 0 in cluster mode)

  // Input: bytes [qpos, qlen) of qbuf are unparsed; the parser keeps its place within them. qbuf's size is
  // its capacity (grown, never zero-filled per read); qlen is how much of it holds data.
  std::string qbuf;
  size_t qpos = 0;
  size_t qlen = 0;
  RespParser parser;
  std::vector<std::string_view> argv;  // the command being executed (views into qbuf or owned storage)

  // Output: replies accumulate here and are written before the event loop sleeps.
  std::string out;
  size_t out_pos = 0;            // bytes of `out` already written
  ReplyBuilder reply;
  uint64_t net_input_bytes = 0, net_output_bytes = 0;

  // MULTI
  std::vector<std::vector<std::string>> multi_queue;
  uint32_t multi_lacks = 0;  // command flags that some queued command lacks (EXEC's LOADING/MASTERDOWN check)
  uint32_t multi_has = 0;    // command flags that some queued command has (EXEC of writes is a write)
  std::vector<std::string> watched_keys;

  // Blocking
  struct Blocked {
    std::vector<std::string> keys;
    std::vector<std::string> argv;  // the command to run again when a key is ready
    int64_t timeout_at_ms = 0;      // 0 = forever
  } blocked;

  // CLIENT TRACKING on: the client's tracking state, owned by the server's Tracking (server/tracking.h);
  // nullptr while tracking is off.
  ClientTracking* tracking = nullptr;

  // The master link: replies to the master's commands are dropped, except when a command (REPLCONF
  // GETACK) sets this for its own reply.
  bool reply_to_master = false;

  // Replication (a replica attached to us)
  int64_t repl_ack_offset = 0;
  int64_t repl_ack_time_ms = 0;
  int repl_listening_port = 0;
  std::string repl_state;        // "wait_bgsave", "send_bulk", "online"
};

}  // namespace rcs
