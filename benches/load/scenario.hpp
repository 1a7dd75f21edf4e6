// What one load run is asked to do and what it measured. Shared by the runner, the report
// writer and --compare.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "benches/load/histogram.hpp"

namespace mcprt::bench {

/// Options of a run (see --help).
struct options {
  std::string scenario = "rpc";  ///< rpc | idle | fanout
  std::string url = "http://127.0.0.1:8080/mcp";
  /// Cluster mode: with several --url values (comma-separated) connection i uses urls[i mod n],
  /// and fanout reports each URL's latency apart (local against relayed subscribers).
  std::vector<std::string> urls;
  /// Cluster mode, http-session: sessions are opened here, then called through --url (so
  /// every call is relayed to the session's node).
  std::string session_url;
  std::string transport =
      "http";  ///< http | http-session | http-sse | http-stateless; fanout: ws | sse
  std::string tool = "echo";
  std::string arguments;  ///< JSON object; default derived from the tool and payload
  int connections = 64;
  double rate = 0;  ///< requests/s for open loop; 0 = closed loop
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds hold{5000};  ///< idle: how long to hold the connections
  bool idle_close = false;               ///< idle: close each connection once its session is open
  size_t payload = 16;                   ///< bytes of text sent to echo
  int threads = 1;                       ///< client I/O threads
  std::vector<pid_t> server_pids;        ///< CPU and RSS are summed over these (a cluster's nodes)
  std::string label;  ///< free text stored in the JSON (e.g. "mcprt", "ts-sdk-v1")
  std::string out_dir = "var/benchmarks";
  bool json = true;
  int topics = 4;          ///< fanout: subscriber i reads ticker://channel/<i mod topics>
  int per_subscriber = 1;  ///< fanout: channels each subscriber follows, from <i mod topics> on
  bool tasks = false;  ///< http: declare the tasks extension (task-supporting tools answer tasks)
  std::string bearer;  ///< HTTP: sent as `Authorization: Bearer <bearer>` on every request
};

/// What a run measured.
struct result {
  uint64_t requests = 0;  ///< completed in the measured window
  double seconds = 0;     ///< length of the measured window
  histogram latency;
  std::vector<std::pair<std::string, histogram>> latency_by_url;  ///< fanout over several URLs
  std::map<std::string, uint64_t> errors;                         ///< by kind
  std::optional<double> server_cpu_seconds;
  std::optional<long> server_rss_kb;
  /// fanout: this client's own CPU in the window (on one box, what the readers took from the
  /// server's cores)
  std::optional<double> client_cpu_seconds;
  std::optional<double> rss_per_connection_kb;   ///< idle scenario
  std::optional<double> anon_per_connection_kb;  ///< idle scenario, RssAnon only
  int connections_open = 0;
  uint64_t lost = 0;  ///< fanout: ticks missing from subscribers' sequences in the window
  double throughput() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

/// Runs the rpc scenario (closed or open loop).
result run_rpc(const options& o);
/// Runs the idle scenario: open sessions and hold them.
result run_idle(const options& o);

/// Runs the fan-out scenario: subscribers read ticker channels; latency and loss per tick.
result run_fanout(const options& o);

/// Prints the human table.
void print_table(const options& o, const result& r);
/// Writes var/benchmarks/<UTC timestamp>-<scenario>.json; returns the path.
std::string write_json(const options& o, const result& r);
/// Compares two result files; prints each tracked figure; returns the number of regressions
/// past `tolerance` (0.10 = 10%), or -1 when a file cannot be read.
int compare(const std::string& old_path, const std::string& new_path, double tolerance);

}  // namespace mcprt::bench
