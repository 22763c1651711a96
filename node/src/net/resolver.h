// Host name resolution off the event loop.
//
// getaddrinfo blocks, and on the networks where hostnames matter (Docker's embedded DNS, a Kubernetes
// cluster DNS) a lookup of a name whose container or pod is gone can take seconds. The event loop must not
// wait for it, so lookups run on a few worker threads and their results wait in a queue that the owner
// polls from its cron (TakeResults): no callback runs on a worker thread and no lock is taken on the data
// path (only Request/TakeResults, a few times a second at most, touch the mutex).
//
//   Request(name)    queues a lookup unless one for the same name is queued or running; never blocks. At
//                    most kMaxQueued names wait: beyond that the request is dropped (the owner asks again
//                    on its next attempt).
//   TakeResults()    the lookups finished since the last call: name, one address (numeric text; the first
//                    IPv4 address getaddrinfo gave, else its first address), or the error.
//   IsNumericAddress(text)   an IPv4/IPv6 literal (no lookup needed).
//
// The workers are detached and share the queue through a shared_ptr: destroying the Resolver (or exiting)
// never waits for a lookup that hangs in the system resolver; a finished lookup of a destroyed Resolver
// is dropped.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace rcs::net {

class Resolver {
 public:
  static constexpr size_t kMaxQueued = 256;

  explicit Resolver(int threads = 2);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  void Request(const std::string& name);
  struct Result {
    std::string name;
    std::string ip;     // "" on failure
    std::string error;  // gai_strerror text on failure
  };
  std::vector<Result> TakeResults();
  // Lookups queued or running (tests, CLUSTER-side bookkeeping).
  size_t in_flight() const;

  struct Shared;  // the queue, shared with the (detached) workers

 private:
  std::shared_ptr<Shared> shared_;
  int threads_;
  int started_ = 0;  // workers are started on the first Request: a node without hostnames runs none
};

bool IsNumericAddress(const std::string& text);

// One blocking lookup (what the workers run): the first address of `name`, or an error.
Resolver::Result ResolveBlocking(const std::string& name);

}  // namespace rcs::net
