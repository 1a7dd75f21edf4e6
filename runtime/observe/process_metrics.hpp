// The process_* metrics every Prometheus client exposes (CPU, memory, descriptors, start time),
// read from /proc at scrape time, and mcprt_build_info. prometheus-cpp's core has neither.
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

namespace mcprt {
inline namespace observe {

/// The families as of now; a value /proc cannot give is left out rather than made up.
std::vector<prometheus::MetricFamily> process_families();

}  // namespace observe
}  // namespace mcprt
