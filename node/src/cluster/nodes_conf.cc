// Config persistence: nodes.conf (format in cluster_state.h). Loaded once at startup, rewritten whole
// (atomically) before the event loop sleeps whenever the state changed (MarkChanged), and on shutdown.
// lastVoteEpoch is in the vars line: a master that restarts must not vote twice in one epoch.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/file_util.h"
#include "base/log.h"
#include "base/strutil.h"
#include "cluster/cluster.h"

namespace rcs::cluster {

Status Cluster::LoadConfig(bool* loaded) {
  *loaded = false;
  std::ifstream f(config_path_);
  if (!f.good()) return Status::Ok();
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  if (text.find_first_not_of(" \r\n\t") == std::string::npos) return Status::Ok();
  Status st = state_.LoadConfigText(text);
  if (!st.ok()) return st;
  *loaded = true;
  LogNotice("Node configuration loaded, I'm " + state_.myself()->id);
  return Status::Ok();
}

Status Cluster::SaveConfig() {
  if (!persist_) return Status::Ok();
  Status st = WriteFileAtomic(config_path_, state_.ConfigText(now_ms()));
  if (!st.ok()) LogWarning("Could not save the cluster config: " + st.message());
  return st;
}

std::string ClusterState::ConfigText(int64_t now_ms) const {
  std::string out;
  for (auto& [id, node] : nodes_) {
    if (node->is(kNodeHandshake)) continue;
    out += NodeLine(*node, now_ms);
  }
  out += "vars currentEpoch " + std::to_string(current_epoch) + " lastVoteEpoch " +
         std::to_string(last_vote_epoch) + "\n";
  return out;
}

namespace {

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') i++;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') j++;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool ParseU64(std::string_view s, uint64_t* out) {
  int64_t v;
  if (!ParseInt64(s, &v) || v < 0) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

bool ParseSlot(std::string_view s, int* out) {
  int64_t v;
  if (!ParseInt64(s, &v) || v < 0 || v >= kClusterSlots) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

Status ClusterState::LoadConfigText(std::string_view text) {
  int lineno = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    lineno++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto f = SplitSpaces(line);
    if (f.empty()) continue;
    auto bad = [&](const char* why) {
      return Status::Error("Unrecoverable error: corrupted cluster config file (line " + std::to_string(lineno) +
                           ": " + why + ")");
    };
    if (f[0] == "vars") {
      for (size_t i = 1; i + 1 < f.size(); i += 2) {
        uint64_t v;
        if (!ParseU64(f[i + 1], &v)) return bad("bad vars value");
        if (f[i] == "currentEpoch") current_epoch = v;
        else if (f[i] == "lastVoteEpoch") last_vote_epoch = v;
      }
      continue;
    }
    if (f.size() < 8) return bad("too few fields");
    if (!IsValidNodeId(f[0])) return bad("bad node id");
    ClusterNode* n = Find(f[0]);
    if (n == nullptr) n = Add(std::string(f[0]), 0);
    // Address: ip:port@cport[,hostname]
    std::string_view addr = f[1];
    size_t comma = addr.find(',');
    if (comma != std::string_view::npos) {
      n->hostname = std::string(addr.substr(comma + 1));
      addr = addr.substr(0, comma);
    }
    size_t at = addr.find('@');
    size_t colon = addr.rfind(':', at);
    if (at == std::string_view::npos || colon == std::string_view::npos) return bad("bad address");
    int64_t port, cport;
    if (!ParseInt64(addr.substr(colon + 1, at - colon - 1), &port) || !ParseInt64(addr.substr(at + 1), &cport) ||
        port < 0 || port > 65535 || cport < 0 || cport > 65535) {
      return bad("bad port");
    }
    n->ip = std::string(addr.substr(0, colon));
    n->port = static_cast<int>(port);
    n->cport = static_cast<int>(cport);
    // Flags
    uint16_t flags = 0;
    std::string_view fl = f[2];
    while (!fl.empty()) {
      size_t c = fl.find(',');
      std::string_view one = fl.substr(0, c);
      if (one == "myself") flags |= kNodeMyself;
      else if (one == "master") flags |= kNodeMaster;
      else if (one == "slave") flags |= kNodeReplica;
      else if (one == "fail?") flags |= kNodePFail;
      else if (one == "fail") flags |= kNodeFail;
      else if (one == "handshake") flags |= kNodeHandshake;
      else if (one == "noaddr") flags |= kNodeNoAddr;
      else if (one == "nofailover") flags |= kNodeNoFailover;
      else if (one != "noflags") return bad("unknown flag");
      if (c == std::string_view::npos) break;
      fl.remove_prefix(c + 1);
    }
    n->flags = flags;
    if (flags & kNodeMyself) {
      if (myself_ != nullptr && myself_ != n) return bad("two myself lines");
      myself_ = n;
    }
    if (f[3] != "-") {
      if (!IsValidNodeId(f[3])) return bad("bad master id");
      n->master_id = std::string(f[3]);
    }
    uint64_t ping, pong, epoch;
    if (!ParseU64(f[4], &ping) || !ParseU64(f[5], &pong) || !ParseU64(f[6], &epoch)) return bad("bad number");
    n->config_epoch = epoch;
    // The pong time is kept; a pending ping is not (it would mark the node failing before we even try it).
    n->pong_received_ms = static_cast<int64_t>(pong);
    (void)ping;
    for (size_t i = 8; i < f.size(); i++) {
      std::string_view s = f[i];
      if (s.front() == '[') {
        // [slot->-id] or [slot-<-id]
        if (s.back() != ']') return bad("bad slot bracket");
        s = s.substr(1, s.size() - 2);
        size_t p = s.find("->-");
        bool migrating = p != std::string_view::npos;
        if (!migrating) p = s.find("-<-");
        if (p == std::string_view::npos) return bad("bad slot bracket");
        int slot;
        if (!ParseSlot(s.substr(0, p), &slot) || !IsValidNodeId(s.substr(p + 3))) return bad("bad slot bracket");
        if (migrating) migrating_[slot] = std::string(s.substr(p + 3));
        else importing_[slot] = std::string(s.substr(p + 3));
        continue;
      }
      size_t dash = s.find('-');
      int first, last;
      if (dash == std::string_view::npos) {
        if (!ParseSlot(s, &first)) return bad("bad slot");
        last = first;
      } else if (!ParseSlot(s.substr(0, dash), &first) || !ParseSlot(s.substr(dash + 1), &last) || last < first) {
        return bad("bad slot range");
      }
      for (int k = first; k <= last; k++) AssignSlot(k, n);
    }
  }
  if (myself_ == nullptr) return Status::Error("Unrecoverable error: corrupted cluster config file (no myself line)");
  return Status::Ok();
}

}  // namespace rcs::cluster
