#include "net/event_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace rcs {

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t ToEpoll(uint32_t events) {
  uint32_t e = 0;
  if (events & EventLoop::kReadable) e |= EPOLLIN;
  if (events & EventLoop::kWritable) e |= EPOLLOUT;
  return e;
}

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}
EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::Add(int fd, uint32_t events, FdHandler handler) {
  epoll_event ev{};
  ev.events = ToEpoll(events);
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  fds_[fd] = FdEntry{events, std::move(handler)};
  return true;
}

bool EventLoop::Modify(int fd, uint32_t events) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return false;
  if (it->second.events == events) return true;
  epoll_event ev{};
  ev.events = ToEpoll(events);
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) return false;
  it->second.events = events;
  return true;
}

void EventLoop::Remove(int fd) {
  if (fds_.erase(fd)) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
}

uint32_t EventLoop::events_of(int fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? 0 : it->second.events;
}

int64_t EventLoop::AddTimer(int64_t after_ms, TimerHandler handler) {
  int64_t id = next_timer_id_++;
  timers_.emplace(MonotonicMs() + after_ms, Timer{id, std::move(handler)});
  return id;
}

void EventLoop::CancelTimer(int64_t id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.id == id) {
      timers_.erase(it);
      return;
    }
  }
}

void EventLoop::RunOnce(int max_wait_ms) {
  if (before_sleep_) before_sleep_();
  int wait = max_wait_ms;
  if (!timers_.empty()) {
    int64_t until = timers_.begin()->first - MonotonicMs();
    if (until < 0) until = 0;
    if (wait < 0 || until < wait) wait = static_cast<int>(until);
  }
  PollFds(wait);
  int64_t now = MonotonicMs();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto node = timers_.extract(timers_.begin());
    int64_t next = node.mapped().handler();
    if (next >= 0) {
      node.key() = now + next;
      timers_.insert(std::move(node));
    }
  }
}

void EventLoop::PollFds(int max_wait_ms) {
  int wait = max_wait_ms;
  epoll_event events[256];
  int n = epoll_wait(epfd_, events, 256, wait);
  for (int i = 0; i < n; i++) {
    int fd = events[i].data.fd;
    auto it = fds_.find(fd);
    if (it == fds_.end()) continue;  // removed by an earlier handler in this batch
    uint32_t e = 0;
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) e |= kReadable;
    if (events[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) e |= kWritable;
    // Copy: the handler may remove itself (and with it the std::function being run).
    FdHandler h = it->second.handler;
    h(fd, e);
  }
}

void EventLoop::Run() {
  stop_ = false;
  while (!stop_) RunOnce(-1);
}

}  // namespace rcs
