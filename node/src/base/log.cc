#include "base/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace rcs {
namespace {
LogLevel g_level = LogLevel::kNotice;
FILE* g_file = nullptr;  // nullptr = stdout
char g_role = 'M';
std::mutex g_mu;  // helper threads (AOF fsync) may log too
}  // namespace

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  if (name == "debug") *out = LogLevel::kDebug;
  else if (name == "verbose") *out = LogLevel::kVerbose;
  else if (name == "notice") *out = LogLevel::kNotice;
  else if (name == "warning") *out = LogLevel::kWarning;
  else return false;
  return true;
}

void SetLogLevel(LogLevel level) { g_level = level; }
void SetLogRole(char role) { g_role = role; }

bool SetLogFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_file != nullptr) {
    fclose(g_file);
    g_file = nullptr;
  }
  if (path.empty()) return true;
  g_file = fopen(path.c_str(), "a");
  return g_file != nullptr;
}

void Log(LogLevel level, std::string_view msg) {
  if (level < g_level) return;
  static const char marks[] = {'.', '-', '*', '#'};
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm t;
  localtime_r(&tv.tv_sec, &t);
  char ts[64];
  size_t n = strftime(ts, sizeof(ts), "%d %b %Y %H:%M:%S", &t);
  snprintf(ts + n, sizeof(ts) - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
  std::lock_guard<std::mutex> lock(g_mu);
  FILE* f = g_file ? g_file : stdout;
  fprintf(f, "%d:%c %s %c %.*s\n", static_cast<int>(getpid()), g_role, ts, marks[static_cast<int>(level)],
          static_cast<int>(msg.size()), msg.data());
  fflush(f);
}

}  // namespace rcs
