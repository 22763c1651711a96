// A single-threaded epoll event loop with timers and a before-sleep hook.
// Handlers are called on the loop thread; a handler may add or remove any fd, including its own.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

namespace rcs {

class EventLoop {
 public:
  enum : uint32_t { kReadable = 1, kWritable = 2 };
  using FdHandler = std::function<void(int fd, uint32_t events)>;
  using TimerHandler = std::function<int64_t()>;  // returns the next interval in ms, or -1 to stop

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool Add(int fd, uint32_t events, FdHandler handler);
  bool Modify(int fd, uint32_t events);
  void Remove(int fd);
  uint32_t events_of(int fd) const;

  int64_t AddTimer(int64_t after_ms, TimerHandler handler);
  void CancelTimer(int64_t id);
  void SetBeforeSleep(std::function<void()> hook) { before_sleep_ = std::move(hook); }

  // Runs until Stop(). Each iteration: before-sleep hook, wait (bounded by the next timer), fd handlers,
  // due timers.
  void Run();
  void Stop() { stop_ = true; }
  // One iteration with the given maximum wait (tests, shutdown draining).
  void RunOnce(int max_wait_ms);
  // Waits up to max_wait_ms and runs the ready fd handlers only: no timers, no before-sleep hook. Safe to
  // call from inside a handler (a long script serving other clients' input: Server::ProcessEventsWhileBusy).
  void PollFds(int max_wait_ms);

 private:
  int epfd_;
  bool stop_ = false;
  struct FdEntry {
    uint32_t events;
    FdHandler handler;
  };
  std::unordered_map<int, FdEntry> fds_;
  struct Timer {
    int64_t id;
    TimerHandler handler;
  };
  std::multimap<int64_t, Timer> timers_;  // due time (monotonic ms) -> timer
  int64_t next_timer_id_ = 1;
  std::function<void()> before_sleep_;
};

int64_t MonotonicMs();

}  // namespace rcs
