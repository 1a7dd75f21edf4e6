#include "runtime/observe/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <caf/config.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/mcp/protocol.hpp"

namespace mcprt {
inline namespace observe {

namespace {

prometheus::MetricFamily one(std::string name, std::string help, prometheus::MetricType type,
                             double value) {
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {m}};
}

// Fields of /proc/self/stat after the command name (which may hold spaces).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) {
    return out;
  }
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) {
    out.push_back(f);
  }
  return out;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

size_t open_descriptors() {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // The directory being read is one of them.
}

// A numeric field of /proc; 0 when it is not one (strtod never throws at scrape time).
double field(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

prometheus::MetricFamily build_info() {
  prometheus::ClientMetric m;
  m.gauge.value = 1;
  auto caf = std::to_string(CAF_VERSION / 10000) + "." + std::to_string(CAF_VERSION / 100 % 100) +
             "." + std::to_string(CAF_VERSION % 100);
  auto boost = std::to_string(BOOST_VERSION / 100000) + "." +
               std::to_string(BOOST_VERSION / 100 % 1000) + "." +
               std::to_string(BOOST_VERSION % 100);
  m.label = {{"version", std::string(server_version)},
             {"caf_version", caf},
             {"boost_version", boost},
             {"compiler", "gcc " __VERSION__},
             {"mcp_protocol_version", std::string(modern_version)}};
  return {"mcprt_build_info",
          "mcprt's version and what it was built with (always 1)",
          prometheus::MetricType::Gauge,
          {m}};
}

}  // namespace

std::vector<prometheus::MetricFamily> process_families() {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  out.push_back(build_info());
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto f = stat_fields();
  // After the name: state is field 0, utime 11, stime 12, starttime 19, vsize 20, rss 21.
  if (f.size() > 21 && ticks > 0) {
    out.push_back(one("process_cpu_seconds_total",
                      "Total user and system CPU time spent in seconds.", MetricType::Counter,
                      (field(f[11]) + field(f[12])) / ticks));
    out.push_back(one("process_start_time_seconds",
                      "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                      boot_time_seconds() + field(f[19]) / ticks));
    out.push_back(one("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                      MetricType::Gauge, field(f[20])));
    out.push_back(one("process_resident_memory_bytes", "Resident memory size in bytes.",
                      MetricType::Gauge, field(f[21]) * page));
  }
  out.push_back(one("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                    static_cast<double>(open_descriptors())));
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    out.push_back(one("process_max_fds", "Maximum number of open file descriptors.",
                      MetricType::Gauge, static_cast<double>(rl.rlim_cur)));
  }
  return out;
}

}  // namespace observe
}  // namespace mcprt
