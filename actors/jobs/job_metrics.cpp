#include "actors/jobs/job_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace mcprt::actors::jobs {

job_metrics::job_metrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("mcprt_jobs_started_total")
                   .Help("Durable jobs (tasks) recorded and started")
                   .Register(registry)
                   .Add({})),
      ended_(prometheus::BuildCounter()
                 .Name("mcprt_jobs_ended_total")
                 .Help("Durable jobs that reached a final state, by state (lost: the store "
                       "could not record it)")
                 .Register(registry)),
      live_(prometheus::BuildGauge()
                .Name("mcprt_jobs_live")
                .Help("Durable jobs running or waiting for input now")
                .Register(registry)
                .Add({})) {}

void job_metrics::started() {
  started_.Increment();
  live_.Increment();
}

void job_metrics::ended(std::string_view state) {
  // A bounded set: the final states of job_state, and lost.
  ended_.Add({{"state", std::string(state)}}).Increment();
  live_.Decrement();
}

}  // namespace mcprt::actors::jobs
