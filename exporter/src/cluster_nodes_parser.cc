#include "cluster_nodes_parser.h"

#include <charconv>

#include "text_split.h"

namespace rcs::exporter {
namespace {

bool ToInt(std::string_view s, long long& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Fields separated by one or more spaces.
std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> out;
  Splitter pieces(line, ' ');
  std::string_view f;
  while (pieces.Next(f)) {
    if (!f.empty()) out.push_back(f);
  }
  return out;
}

// Returns "" on success, else what is wrong.
std::string ParseAddress(std::string_view field, ClusterNode& n) {
  std::string_view hostpart = field;
  size_t comma = field.find(',');
  if (comma != std::string_view::npos) {
    n.hostname = std::string(field.substr(comma + 1));
    hostpart = field.substr(0, comma);
  }
  std::string_view ipport = hostpart;
  size_t at = hostpart.find('@');
  if (at != std::string_view::npos) {
    long long bus = 0;
    if (!ToInt(hostpart.substr(at + 1), bus)) return "bad bus port";
    n.bus_port = static_cast<int>(bus);
    ipport = hostpart.substr(0, at);
  }
  size_t colon = ipport.rfind(':');
  if (colon == std::string_view::npos) return "address without port";
  long long port = 0;
  if (!ToInt(ipport.substr(colon + 1), port) || port < 0 || port > 65535) return "bad port";
  n.port = static_cast<int>(port);
  std::string_view ip = ipport.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  n.ip = std::string(ip);
  return "";
}

void ParseFlags(std::string_view flags, ClusterNode& n) {
  Splitter pieces(flags, ',');
  std::string_view f;
  while (pieces.Next(f)) {
    if (f == "myself") n.myself = true;
    else if (f == "master") n.master = true;
    else if (f == "slave" || f == "replica") n.replica = true;
    else if (f == "fail") n.fail = true;
    else if (f == "fail?") n.pfail = true;
    else if (f == "handshake") n.handshake = true;
    else if (f == "noaddr") n.noaddr = true;
    else if (f == "nofailover") n.nofailover = true;
  }
}

// The slot range of one slot token, or false; migrating/importing markers ("[...]") own nothing.
bool SlotRange(std::string_view tok, int* first, int* last) {
  if (tok.empty() || tok.front() == '[') return false;
  size_t dash = tok.find('-');
  long long a = 0, b = 0;
  if (dash == std::string_view::npos) {
    if (!ToInt(tok, a) || a < 0 || a >= kClusterSlots) return false;
    b = a;
  } else {
    if (!ToInt(tok.substr(0, dash), a) || !ToInt(tok.substr(dash + 1), b)) return false;
    if (a < 0 || b >= kClusterSlots || b < a) return false;
  }
  *first = static_cast<int>(a);
  *last = static_cast<int>(b);
  return true;
}

}  // namespace

std::string ClusterNode::Addr() const { return ip + ":" + std::to_string(port); }

std::string_view ClusterNode::Role() const {
  if (master) return "master";
  if (replica) return "replica";
  return "unknown";
}

ClusterNodesParse ParseClusterNodes(std::string_view text) {
  ClusterNodesParse out;
  LineSplitter lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (line.empty()) continue;
    auto f = SplitSpaces(line);
    auto fail = [&](std::string_view why) {
      if (out.error.empty()) out.error = std::string(why) + ": " + std::string(line.substr(0, 120));
    };
    if (f.size() < 8) {
      fail("too few fields");
      continue;
    }
    ClusterNode n;
    n.id = std::string(f[0]);
    if (n.id.empty()) {
      fail("empty node id");
      continue;
    }
    if (std::string err = ParseAddress(f[1], n); !err.empty()) {
      fail(err);
      continue;
    }
    ParseFlags(f[2], n);
    if (f[3] != "-") n.master_id = std::string(f[3]);
    if (!ToInt(f[4], n.ping_sent_ms) || !ToInt(f[5], n.pong_recv_ms) || !ToInt(f[6], n.config_epoch)) {
      fail("bad number");
      continue;
    }
    n.link_connected = f[7] == "connected";
    for (size_t i = 8; i < f.size(); ++i) {
      int a, b;
      if (!SlotRange(f[i], &a, &b)) continue;
      n.slots += b - a + 1;
      n.slot_ranges.emplace_back(a, b);
    }
    out.nodes.push_back(std::move(n));
  }
  return out;
}

}  // namespace rcs::exporter
