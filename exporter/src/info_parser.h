// Pure parsers for the text replies of INFO and CLUSTER INFO (no I/O). Every view returned points into the
// text passed in, so the caller keeps that text alive while it uses the result. Nothing is copied: a scrape
// of six nodes walks ~1500 INFO lines, and the exporter's CPU budget is about a millisecond per scrape.
//
// Format (Redis 7.0, also what our node emits): lines "key:value" separated by "\r\n" (a bare "\n" is
// accepted), "# Section" headers, blank lines between sections. Compound values are "k=v,k=v" lists
// (cmdstat_*, errorstat_*, latency_percentiles_usec_*, dbN, slaveN).
#pragma once
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace rcs::exporter {

struct InfoField {
  std::string_view section;  // lower-cased header as written, e.g. "Stats"; "" before the first header
  std::string_view key;
  std::string_view value;
};

// Splits INFO / CLUSTER INFO text into fields, in order. Lines without ':' (and headers) are skipped.
std::vector<InfoField> ParseInfo(std::string_view text);

// Calls fn(key, value) for each "k=v" element of a comma-separated list; elements without '=' are skipped.
void ForEachKeyValue(std::string_view list, const std::function<void(std::string_view, std::string_view)>& fn);

// Numbers as Redis prints them: integers, decimals, "-1"; a trailing '%' is accepted ("30.59%").
std::optional<double> ParseNumber(std::string_view s);

struct CommandStat {  // cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..
  double calls = 0, usec = 0, rejected_calls = 0, failed_calls = 0;
};
std::optional<CommandStat> ParseCommandStat(std::string_view value);

struct KeyspaceStat {  // dbN:keys=..,expires=..,avg_ttl=..
  double keys = 0, expires = 0, avg_ttl_ms = 0;
};
std::optional<KeyspaceStat> ParseKeyspace(std::string_view value);

struct ConnectedReplica {  // slaveN:ip=..,port=..,state=..,offset=..,lag=..
  std::string_view ip, port, state;
  double offset = 0, lag = 0;
};
std::optional<ConnectedReplica> ParseConnectedReplica(std::string_view value);

struct LatencyPercentile {  // latency_percentiles_usec_<cmd>:p50=..,p99=..,p99.9=..
  double quantile = 0;       // 0.5, 0.99, 0.999
  double usec = 0;
};
std::vector<LatencyPercentile> ParseLatencyPercentiles(std::string_view value);

// INFO keysizes (Redis 8.2, our node): db<N>_distrib_<type>_<sizes|items>:<bin>=<count>,... where a bin is the
// lower bound of a power-of-two range, "0", "1", "2", "4", ... "512", "1K" (1024), ... with K M G T P E as powers
// of 1024; a string length or element count L >= 1 is in the bin 2^floor(log2 L), 0 in the bin "0".
struct KeySizesLine {
  std::string_view db;    // "db0"
  std::string_view type;  // "strings", "lists", "sets", "zsets", "hashes"
  std::vector<std::pair<double, double>> bins;  // (lower bound, keys), as listed
};
// nullopt when the key is not a keysizes line or a bin does not parse.
std::optional<KeySizesLine> ParseKeySizes(std::string_view key, std::string_view value);

}  // namespace rcs::exporter
