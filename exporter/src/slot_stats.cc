#include "slot_stats.h"

#include <algorithm>
#include <string_view>

namespace rcs::exporter {

std::optional<std::vector<SlotStat>> ParseSlotStats(const Reply& reply) {
  if (reply.type != Reply::Type::kArray) return std::nullopt;
  std::vector<SlotStat> out;
  out.reserve(reply.elements.size());
  for (const Reply& e : reply.elements) {
    if (e.type != Reply::Type::kArray || e.elements.size() != 2 || e.elements[0].type != Reply::Type::kInteger ||
        e.elements[1].type != Reply::Type::kArray || e.elements[1].elements.size() % 2 != 0) {
      return std::nullopt;
    }
    SlotStat s;
    s.slot = static_cast<int>(e.elements[0].integer);
    if (s.slot < 0 || s.slot > 16383) return std::nullopt;
    const auto& kv = e.elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) {
      if (kv[i].type != Reply::Type::kString && kv[i].type != Reply::Type::kStatus) return std::nullopt;
      if (kv[i + 1].type != Reply::Type::kInteger) return std::nullopt;
      std::string_view name = kv[i].str;
      double v = static_cast<double>(kv[i + 1].integer);
      if (name == "key-count") s.keys = v;
      else if (name == "cpu-usec") s.cpu_usec = v;
      else if (name == "network-bytes-in") s.net_in_bytes = v;
      else if (name == "network-bytes-out") s.net_out_bytes = v;
    }
    out.push_back(s);
  }
  return out;
}

namespace {

template <typename Get>
std::vector<size_t> Top(const std::vector<SlotStat>& stats, size_t n, Get get) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < stats.size(); ++i) {
    auto v = get(stats[i]);
    if (v && *v > 0) idx.push_back(i);
  }
  auto better = [&](size_t a, size_t b) {
    double va = *get(stats[a]), vb = *get(stats[b]);
    return va != vb ? va > vb : stats[a].slot < stats[b].slot;
  };
  if (idx.size() > n) {
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(), better);
    idx.resize(n);
  } else {
    std::sort(idx.begin(), idx.end(), better);
  }
  return idx;
}

}  // namespace

std::vector<size_t> TopSlots(const std::vector<SlotStat>& stats, std::optional<double> SlotStat::*metric, size_t n) {
  return Top(stats, n, [metric](const SlotStat& s) { return s.*metric; });
}

std::vector<size_t> TopSlotsByKeys(const std::vector<SlotStat>& stats, size_t n) {
  return Top(stats, n, [](const SlotStat& s) { return std::optional<double>(s.keys); });
}

}  // namespace rcs::exporter
