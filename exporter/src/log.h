// Log lines to stderr, one per event, as text ("time=... level=info msg=\"...\" key=value") or JSON
// ({"time":...,"level":...,"msg":...,key:value}). Thread-safe; the exporter logs little (start, node state
// changes, errors), never per healthy scrape.
#pragma once
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace rcs::exporter {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class Logger {
 public:
  using Fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  void Configure(bool json, LogLevel min_level) {
    json_ = json;
    min_ = min_level;
  }
  void Log(LogLevel level, std::string_view msg, Fields fields = {});
  void Info(std::string_view msg, Fields fields = {}) { Log(LogLevel::kInfo, msg, fields); }
  void Warn(std::string_view msg, Fields fields = {}) { Log(LogLevel::kWarn, msg, fields); }
  void Error(std::string_view msg, Fields fields = {}) { Log(LogLevel::kError, msg, fields); }
  void Debug(std::string_view msg, Fields fields = {}) { Log(LogLevel::kDebug, msg, fields); }

  // For tests: the last line written.
  std::string last_line() {
    std::lock_guard lock(mu_);
    return last_;
  }
  void set_quiet(bool quiet) { quiet_ = quiet; }

 private:
  std::mutex mu_;
  bool json_ = false;
  bool quiet_ = false;
  LogLevel min_ = LogLevel::kInfo;
  std::string last_;
};

Logger& Log();  // the process-wide logger

}  // namespace rcs::exporter
