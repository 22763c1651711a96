// CLUSTER SLOT-STATS' counters (Valkey 8.0 / Redis 8.2): per slot, the CPU time of the commands on the
// slot's keys and the bytes of their requests and replies. Counted only in cluster mode while
// cluster-slot-stats-enabled is yes; key-count comes from the keyspace's per-slot index at query time.
//
// What is counted, as Valkey does:
// - A command whose keys all hash to one slot (the only kind cluster mode serves with keys); commands with
//   no keys count nowhere. EXEC counts for the slot of its queued commands (and MULTI's 15 request bytes,
//   which were not counted when MULTI ran), EVAL/FCALL for the slot of their declared keys; the commands
//   inside EXEC and scripts are not counted again.
// - cpu-usec: the command's run time (Call's duration), also when a blocked command is served.
// - network-bytes-in: the request's bytes as read (RESP or inline), once per request; a command queued in
//   MULTI counts its request when queued.
// - network-bytes-out: the reply's bytes, plus for SPUBLISH the messages sent to this node's subscribers
//   and for a write the bytes of its propagation to each attached replica.
// Not counted: our master's stream on a replica, the AOF loader, clients' commands refused before running.
// Reset by CONFIG RESETSTAT; a slot's counters also when the slot is assigned or removed.
#pragma once
#include <cstdint>
#include <memory>

#include "base/crc16.h"

namespace rcs {

class SlotStats {
 public:
  struct Counters {
    uint64_t cpu_usec = 0;
    uint64_t network_bytes_in = 0;
    uint64_t network_bytes_out = 0;
  };

  // The counters exist from the first count on (384 KiB): a node that never counts (standalone, or
  // cluster-slot-stats-enabled no) does not pay for them, and reads zeros.
  const Counters& at(int slot) const {
    static const Counters kZero{};
    return slots_ ? slots_[slot] : kZero;
  }
  Counters& at(int slot) {
    if (!slots_) slots_ = std::make_unique<Counters[]>(kClusterSlots);
    return slots_[slot];
  }
  void Reset() { slots_.reset(); }
  void ResetSlot(int slot) {
    if (slots_) slots_[slot] = Counters{};
  }

  // The request now being run arrived as `n` bytes (set by the reader before it runs the command; the
  // command's Call takes it, so that a request is counted once).
  void set_request_bytes(uint64_t n) { request_bytes_ = n; }
  uint64_t take_request_bytes() {
    uint64_t n = request_bytes_;
    request_bytes_ = 0;
    return n;
  }

  // The slot the running top-level command counts for (-1: none), for counters added from inside it
  // (SPUBLISH's messages, the replication stream).
  int current_slot() const { return current_slot_; }
  void set_current_slot(int s) { current_slot_ = s; }
  // The replication offset when the running command started (-1: not a master with replication), so that
  // its propagated bytes count once per replica.
  int64_t repl_offset_before = -1;

 private:
  std::unique_ptr<Counters[]> slots_;
  uint64_t request_bytes_ = 0;
  int current_slot_ = -1;
};

}  // namespace rcs
