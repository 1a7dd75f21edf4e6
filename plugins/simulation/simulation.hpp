// The reference simulation adapter's tools (issue 5): a one-compartment PK model behind the
// calls a real PBPK bridge offers (load a model, read and change parameters, run one subject,
// run a population as a job with progress, read results back in chunks). Stateless between
// calls: handles and results live in files under `simulation.resultsDir`, so any worker of a
// pool can serve any call. Runs in-process, or as a pool of `mcprt --stdio` workers
// (config/examples/simulation.json).
#pragma once

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::simulation {

/// The plugin's descriptor (config section `simulation`).
plugin descriptor();

/// Size of one results chunk (get_population_results default, one resource of
/// sim://results/{run}/{chunk}).
inline constexpr size_t chunk_bytes = 1 << 20;

}  // namespace mcprt::plugins::simulation
