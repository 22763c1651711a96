// Logging in redis-server's format ("pid:M 24 Nov 2026 17:22:01.123 * message"), to stdout or a file,
// filtered by loglevel (debug, verbose, notice, warning).
#pragma once
#include <string>
#include <string_view>

namespace rcs {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// Returns false for an unknown level name.
bool ParseLogLevel(std::string_view name, LogLevel* out);
void SetLogLevel(LogLevel level);
// "" logs to stdout. Returns false if the file cannot be opened.
bool SetLogFile(const std::string& path);
void SetLogRole(char role);  // 'M' master, 'S' replica, 'C' child

void Log(LogLevel level, std::string_view msg);
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogVerbose(std::string_view m) { Log(LogLevel::kVerbose, m); }
inline void LogNotice(std::string_view m) { Log(LogLevel::kNotice, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }

}  // namespace rcs
