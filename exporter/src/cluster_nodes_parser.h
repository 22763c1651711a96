// Pure parser for CLUSTER NODES (no I/O).
//
// Line format (Redis 7.0; our node emits the same):
//   <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
// flags: comma list of myself, master, slave, fail?, fail, handshake, noaddr, nofailover, noflags.
// slot: "N", "A-B", or "[N->-id]" / "[N-<-id]" while migrating/importing (those are not ownership).
// Older servers print "ip:port" without "@cport". IPv6 addresses are printed without brackets, so the port is
// after the last ':' of the part before '@'. A node without an address prints ":0@0" (flag noaddr).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcs::exporter {

inline constexpr int kClusterSlots = 16384;

struct ClusterNode {
  std::string id;
  std::string ip;
  int port = 0;
  int bus_port = 0;
  std::string hostname;  // "" when the node announces none
  bool myself = false;
  bool master = false;
  bool replica = false;
  bool fail = false;
  bool pfail = false;  // "fail?"
  bool handshake = false;
  bool noaddr = false;
  bool nofailover = false;
  std::string master_id;  // "" for masters ("-")
  long long ping_sent_ms = 0;
  long long pong_recv_ms = 0;
  long long config_epoch = 0;
  bool link_connected = false;
  int slots = 0;  // slots owned (ranges and single slots; migrating/importing markers excluded)
  std::vector<std::pair<int, int>> slot_ranges;  // the same as [first, last] ranges, in the reply's order

  std::string Addr() const;           // "ip:port" as announced
  std::string_view Role() const;      // "master", "replica" or "unknown"
  bool Scrapable() const { return !noaddr && !handshake && port > 0 && !ip.empty(); }
};

struct ClusterNodesParse {
  std::vector<ClusterNode> nodes;
  std::string error;  // "" when every line parsed; otherwise the first bad line's problem
};

// Parses the whole reply. Lines that do not parse are skipped and reported in `error`; the rest is kept so one
// odd line does not blind the exporter to the cluster.
ClusterNodesParse ParseClusterNodes(std::string_view text);

}  // namespace rcs::exporter
