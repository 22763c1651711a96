// RedisSource over hiredis, with kept connections and one poll() loop for all nodes of a fetch.
//
// Why non-blocking and single-threaded: a scrape talks to every node at once and must finish by a deadline.
// Blocking hiredis with socket timeouts would need a thread per node and could still overrun (SO_RCVTIMEO is
// per recv call). Here every node's pipeline is written, then all sockets are polled together until each has
// all its replies or the deadline passes; a node that misses the deadline loses its connection (its pipeline
// state is unknown) and is reconnected next time. Pipelining the commands means one round trip per node.
//
// A kept connection that turns out dead (server restarted, idle `timeout` closed it) is retried once on a fresh
// connection within the same fetch, so a Redis `timeout` shorter than the scrape interval does not fail scrapes.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "redis_source.h"

struct redisContext;

namespace rcs::exporter {

// One RESP2 reply from its wire bytes (hiredis' reader); nullopt when incomplete or malformed. For replies
// captured from real servers as test fixtures.
std::optional<Reply> ParseResp(std::string_view bytes);

class HiredisSource : public RedisSource {
 public:
  explicit HiredisSource(std::chrono::milliseconds connect_timeout, size_t max_connections = 512);
  ~HiredisSource() override;
  HiredisSource(const HiredisSource&) = delete;
  HiredisSource& operator=(const HiredisSource&) = delete;

  std::vector<NodeResponse> Fetch(const std::vector<NodeRequest>& requests, Clock::time_point deadline) override;
  void Retain(const std::vector<std::string>& keep) override;

  size_t connections() const { return pool_.size(); }
  uint64_t connects() const { return connects_; }  // connections opened so far (tests check reuse)

 private:
  struct Pooled {
    redisContext* ctx = nullptr;
    std::string user, password;
    uint64_t last_used = 0;
  };
  struct Job;
  void Start(Job& job, Clock::time_point now, Clock::time_point deadline);
  void Fail(Job& job, FetchError error, std::string message, Clock::time_point now, Clock::time_point deadline);
  void EvictIfFull();

  std::chrono::milliseconds connect_timeout_;
  size_t max_connections_;
  std::unordered_map<std::string, Pooled> pool_;
  uint64_t tick_ = 0;
  uint64_t connects_ = 0;
};

}  // namespace rcs::exporter
