// /proc parsing: field 14 and 15 of stat (after the parenthesised command name), VmRSS and
// RssAnon of status.
#include "benches/load/proc_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mcprt::bench {

std::optional<proc_sample> read_proc(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return std::nullopt;
  }
  auto close = line.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  // Fields after the name start at 3 (state); utime is 14, stime 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) {
      utime = std::stoul(field);
    } else if (i == 15) {
      stime = std::stoul(field);
    }
  }
  proc_sample s;
  s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      s.rss_kb = std::stol(line.substr(6));
    } else if (line.rfind("RssAnon:", 0) == 0) {
      s.rss_anon_kb = std::stol(line.substr(8));
    }
  }
  return s;
}

std::optional<proc_sample> read_procs(const std::vector<pid_t>& pids) {
  if (pids.empty()) {
    return std::nullopt;
  }
  proc_sample sum;
  for (auto pid : pids) {
    auto s = read_proc(pid);
    if (!s) {
      return std::nullopt;
    }
    sum.cpu_seconds += s->cpu_seconds;
    sum.rss_kb += s->rss_kb;
    sum.rss_anon_kb += s->rss_anon_kb;
  }
  return sum;
}

}  // namespace mcprt::bench
