// The one header a plugin includes: the plugin API, typed tools, and MCPRT_PLUGIN_MODULE for a
// plugin built as a shared object (docs/plugins.md). Installed as <mcprt/plugin.hpp>.
#pragma once

#include "runtime/api/plugin_api.hpp"
#include "runtime/api/plugin_module.hpp"
#include "runtime/api/typed_tool.hpp"
