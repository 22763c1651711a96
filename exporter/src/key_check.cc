#include "key_check.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

namespace rcs::exporter {
namespace {

constexpr size_t kMaxValueBytes = 4096;
constexpr int kMaxScanRounds = 10000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

uint16_t Crc16(std::string_view s) {
  uint16_t crc = 0;
  for (unsigned char c : s) {
    crc ^= static_cast<uint16_t>(c) << 8;
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : crc << 1;
  }
  return crc;
}

struct Item {
  size_t target;
  int db;
  Command cmd;
};

// Sends each item's command to its target (SELECT around it when its db is not 0), all targets at once;
// returns each item's reply, or nullopt when its node failed.
std::vector<std::optional<Reply>> RunItems(const std::vector<Item>& items, const std::vector<KeyTarget>& targets,
                                           RedisSource& source, const RequestMaker& make,
                                           Clock::time_point deadline) {
  std::vector<std::optional<Reply>> out(items.size());
  std::map<size_t, size_t> req_of;  // target -> request index
  std::vector<NodeRequest> reqs;
  std::vector<int> cur_db;
  std::vector<std::pair<size_t, size_t>> where(items.size());  // (request, command index)
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, fresh] = req_of.try_emplace(items[i].target, reqs.size());
    if (fresh) {
      reqs.push_back(make(targets[items[i].target].endpoint, {}));
      cur_db.push_back(0);
    }
    NodeRequest& r = reqs[it->second];
    if (cur_db[it->second] != items[i].db) {
      r.commands.push_back({"SELECT", std::to_string(items[i].db)});
      cur_db[it->second] = items[i].db;
    }
    where[i] = {it->second, r.commands.size()};
    r.commands.push_back(items[i].cmd);
  }
  for (size_t q = 0; q < reqs.size(); ++q) {
    if (cur_db[q] != 0) reqs[q].commands.push_back({"SELECT", "0"});  // the connection is reused by INFO & co
  }
  if (reqs.empty()) return out;
  std::vector<NodeResponse> resp = source.Fetch(reqs, deadline);
  for (size_t i = 0; i < items.size(); ++i) {
    auto [q, c] = where[i];
    if (q < resp.size() && resp[q].ok() && c < resp[q].replies.size()) out[i] = std::move(resp[q].replies[c]);
  }
  return out;
}

}  // namespace

std::optional<std::vector<KeyPattern>> ParseKeyPatterns(std::string_view list, std::string* error) {
  std::vector<KeyPattern> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view one = Trim(list.substr(pos, comma - pos));
    pos = comma + 1;
    if (one.empty()) continue;
    KeyPattern p;
    if (one.starts_with("db")) {
      if (size_t eq = one.find('='); eq != std::string_view::npos) {
        std::string_view num = one.substr(2, eq - 2);
        auto [e, ec] = std::from_chars(num.data(), num.data() + num.size(), p.db);
        if (ec != std::errc() || e != num.data() + num.size() || num.empty() || p.db < 0) {
          if (error) *error = "bad database in \"" + std::string(one) + "\" (expected dbN=pattern)";
          return std::nullopt;
        }
        one = one.substr(eq + 1);
      }
    }
    p.pattern = std::string(one);
    out.push_back(std::move(p));
  }
  return out;
}

int KeyHashSlot(std::string_view key) {
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return Crc16(key) & 16383;
}

bool KeyTarget::Owns(int slot) const {
  if (slots.empty()) return true;
  for (auto [a, b] : slots) {
    if (slot >= a && slot <= b) return true;
  }
  return false;
}

std::string_view SizeCommand(std::string_view type) {
  if (type == "string") return "STRLEN";
  if (type == "list") return "LLEN";
  if (type == "set") return "SCARD";
  if (type == "zset") return "ZCARD";
  if (type == "hash") return "HLEN";
  if (type == "stream") return "XLEN";
  return "";
}

std::vector<CheckedKey> CheckKeys(const KeyCheckOptions& opts, bool cluster, const std::vector<KeyTarget>& targets,
                                  RedisSource& source, const RequestMaker& make, Clock::time_point deadline) {
  struct Found {
    size_t target;
    int db;
    std::string key;
    bool single = false;
  };
  std::vector<Found> found;
  std::set<std::pair<int, std::string>> seen;
  auto add = [&](size_t t, int db, std::string key, bool single = false) {
    if (found.size() >= opts.limit || !seen.emplace(db, key).second) return;
    found.push_back({t, db, std::move(key), single});
  };

  // Single keys first: they were named, so they count before pattern matches against the limit.
  for (const auto& k : opts.single_keys) {
    if (cluster && k.db != 0) continue;
    const int slot = KeyHashSlot(k.pattern);
    for (size_t t = 0; t < targets.size(); ++t) {
      if (!cluster || targets[t].Owns(slot)) {
        add(t, k.db, k.pattern, true);
        break;  // standalone: the first seed; cluster: the owner
      }
    }
  }

  // SCAN each (target, pattern) to the end of its cursor, the limit, or the deadline.
  struct Scan {
    size_t target;
    const KeyPattern* p;
    std::string cursor = "0";
  };
  std::vector<Scan> scans;
  for (size_t t = 0; t < targets.size(); ++t) {
    for (const auto& p : opts.patterns) {
      if (!cluster || p.db == 0) scans.push_back({t, &p});
    }
  }
  const std::string count = std::to_string(std::max<size_t>(1, opts.batch_size));
  for (int round = 0; round < kMaxScanRounds && !scans.empty(); ++round) {
    if (found.size() >= opts.limit || Clock::now() >= deadline) break;
    std::vector<Item> items;
    for (const auto& s : scans) items.push_back({s.target, s.p->db, {"SCAN", s.cursor, "MATCH", s.p->pattern, "COUNT", count}});
    auto replies = RunItems(items, targets, source, make, deadline);
    std::vector<Scan> next;
    for (size_t i = 0; i < scans.size(); ++i) {
      const auto& r = replies[i];
      if (!r || r->type != Reply::Type::kArray || r->elements.size() != 2 ||
          r->elements[1].type != Reply::Type::kArray) {
        continue;  // node failed or SCAN refused (ACL): that scan ends
      }
      for (const Reply& k : r->elements[1].elements) add(scans[i].target, scans[i].p->db, k.str);
      if (r->elements[0].str != "0") {
        next.push_back(scans[i]);
        next.back().cursor = r->elements[0].str;
      }
    }
    scans = std::move(next);
  }

  // TYPE of each key, then its size (and a small string's value).
  std::vector<Item> items;
  for (const auto& f : found) items.push_back({f.target, f.db, {"TYPE", f.key}});
  auto types = RunItems(items, targets, source, make, deadline);
  std::vector<CheckedKey> out, sized;
  std::vector<size_t> size_item;  // for each of `out`, its index in items (the value follows it for strings)
  items.clear();
  for (size_t i = 0; i < found.size(); ++i) {
    if (!types[i] || (types[i]->type != Reply::Type::kStatus && types[i]->type != Reply::Type::kString)) continue;
    std::string_view cmd = SizeCommand(types[i]->str);
    if (types[i]->str == "none" && found[i].single) {
      sized.push_back({found[i].db, found[i].key, "none", 0, std::nullopt});  // redis_exporter: size 0
      continue;
    }
    if (cmd.empty()) continue;  // a pattern's key gone since SCAN, or a module type
    out.push_back({found[i].db, found[i].key, types[i]->str, 0, std::nullopt});
    size_item.push_back(items.size());
    items.push_back({found[i].target, found[i].db, {std::string(cmd), found[i].key}});
    if (types[i]->str == "string") {
      items.push_back({found[i].target, found[i].db, {"GETRANGE", found[i].key, "0", std::to_string(kMaxValueBytes - 1)}});
    }
  }
  auto sizes = RunItems(items, targets, source, make, deadline);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& s = sizes[size_item[i]];
    if (!s || s->type != Reply::Type::kInteger) continue;
    out[i].size = s->integer;
    if (out[i].type == "string" && out[i].size <= static_cast<long long>(kMaxValueBytes)) {
      const auto& v = sizes[size_item[i] + 1];
      if (v && v->type == Reply::Type::kString && v->str.size() == static_cast<size_t>(out[i].size)) out[i].value = v->str;
    }
    sized.push_back(std::move(out[i]));
  }
  return sized;
}

void WriteKeyMetrics(std::vector<CheckedKey> keys, MetricSet& out) {
  std::sort(keys.begin(), keys.end(),
            [](const CheckedKey& a, const CheckedKey& b) { return std::tie(a.db, a.key) < std::tie(b.db, b.key); });
  for (const auto& k : keys) {
    const std::string db = "db" + std::to_string(k.db);
    LabelSet labels{{"db", db}, {"key", k.key}};
    out.Gauge("key_size", "The length or size of \"key\"", labels, static_cast<double>(k.size));
  }
  for (const auto& k : keys) {
    if (!k.value) continue;
    const std::string db = "db" + std::to_string(k.db);
    LabelSet labels{{"db", db}, {"key", k.key}};
    // A number as Go's strconv.ParseFloat takes it (redis_exporter's test): the whole text, no spaces.
    const std::string& v = *k.value;
    char* end = nullptr;
    double d = v.empty() || v.front() == ' ' ? 0 : std::strtod(v.c_str(), &end);
    if (!v.empty() && end == v.c_str() + v.size()) {
      out.Gauge("key_value", "The value of \"key\"", labels, d);
    } else {
      out.Gauge("key_value_as_string", "The value of \"key\" as a string", labels, {{"val", v}}, 1);
    }
  }
}

}  // namespace rcs::exporter
