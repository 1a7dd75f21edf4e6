// The durable jobs' metrics: started, ended by final state, live now.
#pragma once

#include <string_view>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace mcprt::actors::jobs {

class job_metrics {
 public:
  explicit job_metrics(prometheus::Registry& registry);
  /// A job was recorded and started.
  void started();
  /// A job left memory in `state` (completed, failed, cancelled, expired; "lost" when it
  /// could not be recorded).
  void ended(std::string_view state);

 private:
  prometheus::Counter& started_;
  prometheus::Family<prometheus::Counter>& ended_;
  prometheus::Gauge& live_;
};

}  // namespace mcprt::actors::jobs
