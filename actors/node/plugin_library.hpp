// Plugins built as shared objects: found in `plugins.dirs`, checked, and kept loaded.
#pragma once

#include <string>
#include <vector>

#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt::actors::node {

/// Loads every `*.so` in `dirs` (each directory's files by name) and returns their
/// descriptors. A module whose stamp differs from the server's, that lacks the plugin symbols,
/// or that names a plugin already known, stops the start with one line naming the file. The
/// modules stay loaded until the process ends: their code runs in the plugins' actors.
expected<std::vector<plugin>, std::string> load_plugin_modules(const std::vector<std::string>& dirs,
                                                               const std::vector<plugin>& known);

}  // namespace mcprt::actors::node
