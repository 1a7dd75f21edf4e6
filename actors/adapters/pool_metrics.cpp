// The Prometheus series of one adapter pool.
#include "actors/adapters/pool_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace mcprt::actors::adapters {

pool_metrics::pool_metrics(prometheus::Registry& r, const std::string& adapter) {
  auto& workers = prometheus::BuildGauge()
                      .Name("mcprt_adapter_workers")
                      .Help("Adapter worker processes, by state")
                      .Register(r);
  busy_ = &workers.Add({{"adapter", adapter}, {"state", "busy"}});
  idle_ = &workers.Add({{"adapter", adapter}, {"state", "idle"}});
  starting_ = &workers.Add({{"adapter", adapter}, {"state", "starting"}});
  restarts_ = &prometheus::BuildCounter()
                   .Name("mcprt_adapter_restarts_total")
                   .Help("Adapter workers that exited or were killed and restarted")
                   .Register(r)
                   .Add({{"adapter", adapter}});
  const prometheus::Histogram::BucketBoundaries b = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300};
  queue_wait_ = &prometheus::BuildHistogram()
                     .Name("mcprt_adapter_queue_wait_seconds")
                     .Help("Time a call waited for a free worker")
                     .Register(r)
                     .Add({{"adapter", adapter}}, b);
  latency_ = &prometheus::BuildHistogram()
                  .Name("mcprt_adapter_call_duration_seconds")
                  .Help("Time from sending a call to a worker to its answer")
                  .Register(r)
                  .Add({{"adapter", adapter}}, b);
  auto& family = prometheus::BuildCounter()
                     .Name("mcprt_adapter_calls_total")
                     .Help("Adapter calls by outcome")
                     .Register(r);
  for (const char* o : {"ok", "tool_error", "error", "timeout", "crashed", "cancelled"}) {
    calls_.emplace(o, &family.Add({{"adapter", adapter}, {"outcome", o}}));
  }
}

void pool_metrics::count(std::string_view outcome) {
  if (auto it = calls_.find(outcome); it != calls_.end()) {
    it->second->Increment();
  }
}

void pool_metrics::queued_for(double seconds) {
  queue_wait_->Observe(seconds);
}

void pool_metrics::answered_after(double seconds) {
  latency_->Observe(seconds);
}

void pool_metrics::restarted() {
  restarts_->Increment();
}

void pool_metrics::workers(double busy_now, double idle_now, double starting_now) {
  busy_->Set(busy_now);
  idle_->Set(idle_now);
  starting_->Set(starting_now);
}

}  // namespace mcprt::actors::adapters
