#include "info_parser.h"

#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>

#include "text_split.h"

namespace rcs::exporter {

std::vector<InfoField> ParseInfo(std::string_view text) {
  std::vector<InfoField> out;
  out.reserve(256);
  std::string_view section;
  LineSplitter lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (line.empty()) continue;
    if (line.front() == '#') {
      line.remove_prefix(1);
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      section = line;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    out.push_back({section, line.substr(0, colon), line.substr(colon + 1)});
  }
  return out;
}

void ForEachKeyValue(std::string_view list, const std::function<void(std::string_view, std::string_view)>& fn) {
  Splitter items(list, ',');
  std::string_view item;
  while (items.Next(item)) {
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) fn(item.substr(0, eq), item.substr(eq + 1));
  }
}

std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const char* begin = s.data();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

namespace {

// Sets each named number of a "k=v,..." list that parses; true when `required` was one of them.
bool ParseNumbers(std::string_view list, std::initializer_list<std::pair<std::string_view, double*>> fields,
                  std::string_view required) {
  bool have_required = false;
  ForEachKeyValue(list, [&](std::string_view k, std::string_view v) {
    for (const auto& [name, dest] : fields) {
      if (k != name) continue;
      auto n = ParseNumber(v);
      if (!n) return;
      *dest = *n;
      have_required = have_required || k == required;
      return;
    }
  });
  return have_required;
}

}  // namespace

std::optional<CommandStat> ParseCommandStat(std::string_view value) {
  CommandStat st;
  if (!ParseNumbers(value,
                    {{"calls", &st.calls},
                     {"usec", &st.usec},
                     {"rejected_calls", &st.rejected_calls},
                     {"failed_calls", &st.failed_calls}},
                    "calls")) {
    return std::nullopt;
  }
  return st;
}

std::optional<KeyspaceStat> ParseKeyspace(std::string_view value) {
  KeyspaceStat st;
  if (!ParseNumbers(value, {{"keys", &st.keys}, {"expires", &st.expires}, {"avg_ttl", &st.avg_ttl_ms}}, "keys")) {
    return std::nullopt;
  }
  return st;
}

std::optional<ConnectedReplica> ParseConnectedReplica(std::string_view value) {
  ConnectedReplica r;
  bool have_ip = false, have_port = false;
  ForEachKeyValue(value, [&](std::string_view k, std::string_view v) {
    if (k == "ip") {
      r.ip = v;
      have_ip = true;
    } else if (k == "port") {
      r.port = v;
      have_port = true;
    } else if (k == "state") {
      r.state = v;
    } else if (k == "offset") {
      r.offset = ParseNumber(v).value_or(0);
    } else if (k == "lag") {
      r.lag = ParseNumber(v).value_or(0);
    }
  });
  if (!have_ip || !have_port) return std::nullopt;
  return r;
}

std::vector<LatencyPercentile> ParseLatencyPercentiles(std::string_view value) {
  std::vector<LatencyPercentile> out;
  ForEachKeyValue(value, [&](std::string_view k, std::string_view v) {
    if (k.size() < 2 || k.front() != 'p') return;
    auto q = ParseNumber(k.substr(1));
    auto n = ParseNumber(v);
    if (!q || !n || *q < 0 || *q > 100) return;
    out.push_back({*q / 100.0, *n});
  });
  return out;
}

std::optional<KeySizesLine> ParseKeySizes(std::string_view key, std::string_view value) {
  size_t u = key.find("_distrib_");
  if (u == std::string_view::npos || u < 3 || !key.starts_with("db")) return std::nullopt;
  KeySizesLine out;
  out.db = key.substr(0, u);
  for (char c : out.db.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::string_view rest = key.substr(u + 9);  // "<type>_<sizes|items>"
  size_t last = rest.rfind('_');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  std::string_view what = rest.substr(last + 1);
  if (what != "sizes" && what != "items") return std::nullopt;
  out.type = rest.substr(0, last);
  bool ok = true;
  ForEachKeyValue(value, [&](std::string_view bin, std::string_view count) {
    double scale = 1;
    if (!bin.empty()) {
      static constexpr std::string_view kUnits = "KMGTPE";
      size_t unit = kUnits.find(bin.back());
      if (unit != std::string_view::npos) {
        for (size_t i = 0; i <= unit; ++i) scale *= 1024;
        bin.remove_suffix(1);
      }
    }
    auto b = ParseNumber(bin);
    auto n = ParseNumber(count);
    if (!b || !n || *b < 0 || *n < 0) {
      ok = false;
      return;
    }
    out.bins.emplace_back(*b * scale, *n);
  });
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace rcs::exporter
