// Lists the built-in plugins.
#include "plugins/builtin.hpp"

#include "plugins/conformance/conformance.hpp"
#include "plugins/demo/demo.hpp"
#include "plugins/faults/faults.hpp"
#include "plugins/simulation/simulation.hpp"
#include "plugins/ticker/ticker.hpp"

namespace mcprt::plugins {

std::vector<plugin> builtin() {
  return {demo::descriptor(), ticker::descriptor(), conformance::descriptor(),
          simulation::descriptor(), faults::descriptor()};
}

}  // namespace mcprt::plugins
