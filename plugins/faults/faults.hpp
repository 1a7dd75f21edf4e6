// The faults plugin: tools that make its own actor fail, to test supervision from outside.
// Off by default and not for production: anyone who can call `crash` stops the plugin's actor.
#pragma once

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::faults {

/// The plugin's descriptor (config section `faults`).
plugin descriptor();

}  // namespace mcprt::plugins::faults
