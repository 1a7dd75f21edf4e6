// The built-in plugins, listed explicitly so start-up order and config sections are visible.
#pragma once

#include <vector>

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins {

/// Every built-in plugin, in the order they start when enabled.
std::vector<plugin> builtin();

}  // namespace mcprt::plugins
