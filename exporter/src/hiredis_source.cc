#include "hiredis_source.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <csignal>
#include <unordered_set>

namespace rcs::exporter {

const char* FetchErrorName(FetchError e) {
  switch (e) {
    case FetchError::kNone: return "";
    case FetchError::kConnect: return "connect";
    case FetchError::kAuth: return "auth";
    case FetchError::kTimeout: return "timeout";
    case FetchError::kIo: return "io";
  }
  return "unknown";
}

namespace {

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::kString; break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::kStatus; break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::kError; break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::kInteger; break;
    case REDIS_REPLY_ARRAY: out.type = Reply::Type::kArray; break;
    default: out.type = Reply::Type::kNil; break;
  }
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) {
    out.str.assign(r->str, r->len);
  } else if (r->type == REDIS_REPLY_INTEGER) {
    out.integer = r->integer;
  } else if (r->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r->elements);
    for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
  }
  return out;
}

void Append(redisContext* ctx, const Command& cmd) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(cmd.size());
  lens.reserve(cmd.size());
  for (const auto& a : cmd) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data());
}

int MillisUntil(Clock::time_point t, Clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
  return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60'000));
}

}  // namespace

std::optional<Reply> ParseResp(std::string_view bytes) {
  redisReader* reader = redisReaderCreate();
  if (reader == nullptr) return std::nullopt;
  std::optional<Reply> out;
  void* raw = nullptr;
  if (redisReaderFeed(reader, bytes.data(), bytes.size()) == REDIS_OK &&
      redisReaderGetReply(reader, &raw) == REDIS_OK && raw != nullptr) {
    out = Convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
  }
  redisReaderFree(reader);
  return out;
}

struct HiredisSource::Job {
  const NodeRequest* req = nullptr;
  NodeResponse* resp = nullptr;
  std::string key;
  redisContext* ctx = nullptr;
  bool active = false;
  bool fresh = false;
  bool connecting = false;
  bool write_done = false;
  bool auth_pending = false;
  bool retried = false;
  Clock::time_point connect_deadline;
};

HiredisSource::HiredisSource(std::chrono::milliseconds connect_timeout, size_t max_connections)
    : connect_timeout_(connect_timeout), max_connections_(std::max<size_t>(max_connections, 1)) {
  // hiredis writes with write(2): a node that closed the socket would raise SIGPIPE and kill the process.
  // Writes then fail with EPIPE instead, which is an ordinary I/O error here.
  std::signal(SIGPIPE, SIG_IGN);
}

HiredisSource::~HiredisSource() {
  for (auto& [k, p] : pool_) redisFree(p.ctx);
}

void HiredisSource::Retain(const std::vector<std::string>& keep) {
  std::unordered_set<std::string> k(keep.begin(), keep.end());
  for (auto it = pool_.begin(); it != pool_.end();) {
    if (!k.count(it->first)) {
      redisFree(it->second.ctx);
      it = pool_.erase(it);
    } else {
      ++it;
    }
  }
}

void HiredisSource::EvictIfFull() {
  while (pool_.size() >= max_connections_) {
    auto oldest = std::min_element(pool_.begin(), pool_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    redisFree(oldest->second.ctx);
    pool_.erase(oldest);
  }
}

void HiredisSource::Start(Job& job, Clock::time_point now, Clock::time_point deadline) {
  const NodeRequest& req = *job.req;
  job.active = true;
  job.write_done = false;
  job.auth_pending = false;
  job.resp->replies.clear();
  auto it = pool_.find(job.key);
  if (it != pool_.end() && it->second.ctx->err == 0 && it->second.user == req.user &&
      it->second.password == req.password) {
    job.ctx = it->second.ctx;
    pool_.erase(it);  // owned by the job until it succeeds
    job.fresh = false;
    job.connecting = false;
  } else {
    if (it != pool_.end()) {
      redisFree(it->second.ctx);
      pool_.erase(it);
    }
    ++connects_;
    job.ctx = redisConnectNonBlock(req.endpoint.host.c_str(), req.endpoint.port);
    job.fresh = true;
    job.connecting = true;
    job.connect_deadline = std::min(deadline, now + connect_timeout_);
    if (job.ctx == nullptr || job.ctx->err != 0) {
      std::string msg = job.ctx ? job.ctx->errstr : "out of memory";
      Fail(job, FetchError::kConnect, std::move(msg), now, deadline);
      return;
    }
    redisEnableKeepAlive(job.ctx);
    if (!req.password.empty()) {
      Command auth = req.user.empty() ? Command{"AUTH", req.password} : Command{"AUTH", req.user, req.password};
      Append(job.ctx, auth);
      job.auth_pending = true;
    }
  }
  for (const auto& cmd : req.commands) Append(job.ctx, cmd);
}

void HiredisSource::Fail(Job& job, FetchError error, std::string message, Clock::time_point now,
                         Clock::time_point deadline) {
  bool got_nothing = job.resp->replies.empty() && !job.auth_pending;
  if (job.ctx) redisFree(job.ctx);
  job.ctx = nullptr;
  job.active = false;
  // A kept connection that died while idle: try once more on a new one.
  if (!job.fresh && !job.retried && error == FetchError::kIo && got_nothing && now < deadline) {
    job.retried = true;
    Start(job, now, deadline);
    return;
  }
  job.resp->error = error;
  job.resp->message = std::move(message);
  job.resp->replies.clear();
}

std::vector<NodeResponse> HiredisSource::Fetch(const std::vector<NodeRequest>& requests, Clock::time_point deadline) {
  const auto start = Clock::now();
  std::vector<NodeResponse> out(requests.size());
  std::vector<Job> jobs(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    jobs[i].req = &requests[i];
    jobs[i].resp = &out[i];
    jobs[i].key = requests[i].endpoint.HostPort();
    Start(jobs[i], start, deadline);
  }
  std::vector<pollfd> fds;
  std::vector<Job*> polled;
  for (;;) {
    auto now = Clock::now();
    fds.clear();
    polled.clear();
    Clock::time_point wake = deadline;
    for (auto& j : jobs) {
      if (!j.active) continue;
      if (now >= deadline) {
        Fail(j, FetchError::kTimeout, "no complete reply within the scrape timeout", now, deadline);
        continue;
      }
      if (j.connecting && now >= j.connect_deadline) {
        Fail(j, FetchError::kConnect, "connect timeout", now, deadline);
        continue;
      }
      if (j.connecting) wake = std::min(wake, j.connect_deadline);
      short ev = POLLIN;
      if (!j.write_done) ev |= POLLOUT;
      fds.push_back({j.ctx->fd, ev, 0});
      polled.push_back(&j);
    }
    if (fds.empty()) break;
    int n = poll(fds.data(), fds.size(), MillisUntil(wake, now));
    if (n < 0 && errno != EINTR) break;
    now = Clock::now();
    for (size_t i = 0; i < fds.size(); ++i) {
      Job& j = *polled[i];
      short re = fds[i].revents;
      if (re == 0 || !j.active) continue;
      if (!j.write_done && (re & (POLLOUT | POLLERR | POLLHUP))) {
        int done = 0;
        if (redisBufferWrite(j.ctx, &done) == REDIS_ERR) {
          Fail(j, j.connecting ? FetchError::kConnect : FetchError::kIo, j.ctx->errstr, now, deadline);
          continue;
        }
        j.connecting = false;
        j.write_done = done != 0;
      }
      if (re & (POLLIN | POLLERR | POLLHUP)) {
        if (redisBufferRead(j.ctx) == REDIS_ERR) {
          Fail(j, j.connecting ? FetchError::kConnect : FetchError::kIo, j.ctx->errstr, now, deadline);
          continue;
        }
        j.connecting = false;
        void* raw = nullptr;
        bool failed = false;
        while (j.active && redisGetReplyFromReader(j.ctx, &raw) == REDIS_OK && raw != nullptr) {
          auto* r = static_cast<redisReply*>(raw);
          if (j.auth_pending) {
            j.auth_pending = false;
            if (r->type == REDIS_REPLY_ERROR) {
              std::string msg(r->str, r->len);
              freeReplyObject(r);
              Fail(j, FetchError::kAuth, std::move(msg), now, deadline);
              failed = true;
              break;
            }
          } else {
            j.resp->replies.push_back(Convert(r));
          }
          freeReplyObject(r);
          raw = nullptr;
        }
        if (failed || !j.active) continue;
        if (j.ctx->err) {
          Fail(j, FetchError::kIo, j.ctx->errstr, now, deadline);
          continue;
        }
        if (j.resp->replies.size() >= j.req->commands.size()) {
          j.active = false;
          j.resp->seconds = std::chrono::duration<double>(now - start).count();
          if (auto old = pool_.find(j.key); old != pool_.end()) {  // same endpoint twice in one fetch
            redisFree(old->second.ctx);
            pool_.erase(old);
          }
          EvictIfFull();
          pool_[j.key] = Pooled{j.ctx, j.req->user, j.req->password, ++tick_};
          j.ctx = nullptr;
        }
      }
    }
  }
  for (auto& j : jobs) {  // only reached early if poll() itself failed
    if (j.active) Fail(j, FetchError::kIo, "poll failed", Clock::now(), Clock::now());
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i].ok()) out[i].seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return out;
}

}  // namespace rcs::exporter
