// A line-buffered stderr logger; one write() per line so threads do not interleave.
#include "runtime/observe/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace mcprt {
inline namespace observe {
namespace log {

namespace {
std::atomic<int> min_level{static_cast<int>(log_level::info)};
std::atomic<log_format> current_format{log_format::text};
}  // namespace

void set_level(log_level level) {
  min_level.store(static_cast<int>(level));
}

bool enabled(log_level level) {
  return static_cast<int>(level) >= min_level.load();
}

void set_format(log_format format) {
  current_format.store(format);
}

void write(log_level level, std::string_view message) {
  if (!enabled(level)) {
    return;
  }
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  auto line = format_log_line(current_format.load(), stamp, level, message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace log
}  // namespace observe
}  // namespace mcprt
