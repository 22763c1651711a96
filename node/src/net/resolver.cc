#include "net/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace rcs::net {

struct Resolver::Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> queue;
  std::set<std::string> pending;  // queued or running
  std::vector<Result> done;
  bool stopped = false;
};

namespace {

void Worker(std::shared_ptr<Resolver::Shared> sh) {
  for (;;) {
    std::string name;
    {
      std::unique_lock<std::mutex> lk(sh->mu);
      sh->cv.wait(lk, [&] { return sh->stopped || !sh->queue.empty(); });
      if (sh->stopped) return;
      name = std::move(sh->queue.front());
      sh->queue.pop_front();
    }
    Resolver::Result r = ResolveBlocking(name);
    std::lock_guard<std::mutex> lk(sh->mu);
    sh->pending.erase(name);
    if (sh->stopped) return;
    sh->done.push_back(std::move(r));
  }
}

}  // namespace

Resolver::Resolver(int threads) : shared_(std::make_shared<Shared>()), threads_(threads < 1 ? 1 : threads) {}

Resolver::~Resolver() {
  std::lock_guard<std::mutex> lk(shared_->mu);
  shared_->stopped = true;
  shared_->cv.notify_all();
}

void Resolver::Request(const std::string& name) {
  if (name.empty()) return;
  {
    std::lock_guard<std::mutex> lk(shared_->mu);
    if (shared_->pending.count(name) || shared_->queue.size() >= kMaxQueued) return;
    shared_->pending.insert(name);
    shared_->queue.push_back(name);
  }
  shared_->cv.notify_one();
  // One more worker per request until `threads_` run: a single hung lookup does not hold up the others.
  if (started_ < threads_) {
    started_++;
    std::thread(Worker, shared_).detach();
  }
}

std::vector<Resolver::Result> Resolver::TakeResults() {
  std::vector<Result> out;
  std::lock_guard<std::mutex> lk(shared_->mu);
  out.swap(shared_->done);
  return out;
}

size_t Resolver::in_flight() const {
  std::lock_guard<std::mutex> lk(shared_->mu);
  return shared_->pending.size();
}

bool IsNumericAddress(const std::string& text) {
  in_addr a4;
  in6_addr a6;
  return inet_pton(AF_INET, text.c_str(), &a4) == 1 || inet_pton(AF_INET6, text.c_str(), &a6) == 1;
}

Resolver::Result ResolveBlocking(const std::string& name) {
  Resolver::Result r;
  r.name = name;
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    r.error = rc != 0 ? gai_strerror(rc) : "no address";
    return r;
  }
  // IPv4 first when the name has both: the cluster bus and most deployments are IPv4.
  const addrinfo* pick = nullptr;
  for (const addrinfo* ai = res; ai != nullptr && pick == nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) pick = ai;
  }
  if (pick == nullptr) pick = res;
  char buf[INET6_ADDRSTRLEN] = "";
  if (pick->ai_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(pick->ai_addr)->sin_addr, buf, sizeof(buf));
  } else if (pick->ai_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(pick->ai_addr)->sin6_addr, buf, sizeof(buf));
  }
  freeaddrinfo(res);
  r.ip = buf;
  if (r.ip.empty()) r.error = "no usable address";
  return r;
}

}  // namespace rcs::net
