// The Prometheus series of one adapter pool (mcprt_adapter_*), declared together.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Gauge;
class Counter;
class Histogram;
}  // namespace prometheus

namespace mcprt::actors::adapters {

/// One pool's series, labelled with its adapter's name.
class pool_metrics {
 public:
  pool_metrics(prometheus::Registry& registry, const std::string& adapter);

  /// Counts a call that ended with `outcome` (ok, tool_error, error, timeout, crashed,
  /// cancelled; any other is not counted).
  void count(std::string_view outcome);
  /// A call waited `seconds` for a free worker.
  void queued_for(double seconds);
  /// A worker answered a call `seconds` after it was sent.
  void answered_after(double seconds);
  /// A worker exited or was killed, and will be restarted.
  void restarted();
  /// Workers now busy, idle and starting.
  void workers(double busy, double idle, double starting);

 private:
  prometheus::Gauge *busy_, *idle_, *starting_;
  prometheus::Counter* restarts_;
  prometheus::Histogram *queue_wait_, *latency_;
  std::map<std::string, prometheus::Counter*, std::less<>> calls_;
};

}  // namespace mcprt::actors::adapters
