// The demo plugin: echo, add and sleep, enabled by default. A small, complete example of the
// plugin API (settings, function tools, deferred steps without blocking).
#pragma once

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::demo {

/// The plugin's descriptor (config section `demo`).
plugin descriptor();

}  // namespace mcprt::plugins::demo
