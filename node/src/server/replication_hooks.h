// What the rest of the node needs from replication, as an interface the server owns: replication
// (replication/Replication) is a subsystem above the server and implements it, so the AOF (persistence/) and
// cluster mode (cluster/) use it without including replication/ (siblings do not include each other).
//
// Replication sets itself as the server's hooks when it is created (node.cc installs it in every node;
// tests where they need it); Server::replication_hooks() is nullptr without it.
#pragma once
#include <cstdint>
#include <string>

namespace rcs {

class Client;

class ReplicationHooks {
 public:
  virtual ~ReplicationHooks() = default;

  // The history this node's data is at: the replication ID and the offset of the data it has
  // (master_repl_offset on a master, the applied offset on a replica). The AOF records it.
  virtual const std::string& replid() const = 0;
  virtual int64_t offset() const = 0;
  // Our data set is `replid` up to `offset` (read back from the AOF): a restarted replica's PSYNC asks for
  // what follows.
  virtual void RestorePosition(const std::string& replid, int64_t offset) = 0;

  // Roles, as cluster mode decides them: follow that master (`host` an IP or a hostname, `fallback_ip` the
  // master's last known IP), or stop following and continue the history as a master.
  virtual void ReplicateFrom(const std::string& host, int port, const std::string& fallback_ip) = 0;
  virtual void BecomeMaster() = 0;
  // The link to our master: up, the time of its last byte, since when it is down (ms, 0 = never).
  virtual bool master_link_up() const = 0;
  virtual int64_t master_last_io_ms() const = 0;
  virtual int64_t link_down_since_ms() const = 0;
  // Replicas online whose last REPLCONF ACK is at most `max_lag_s` seconds old (min-replicas-to-write).
  virtual int good_replicas(int64_t max_lag_s) const = 0;
  // CLIENT UNBLOCK of a client waiting in WAIT: false if it waits for nothing here. With `error` it gets
  // -UNBLOCKED, else WAIT's reply as at its timeout (the replicas that acknowledged so far).
  virtual bool UnblockWaiter(Client* c, bool error) { return false; }
};

}  // namespace rcs
