// What a pool registers in the catalog for a worker's tools/list: one tool per listed tool,
// under the adapter's prefix, with its schemas, annotations and task support, each calling
// through the pool. Pure: no catalog, actors or processes.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

#include "actors/adapters/pool_health.hpp"
#include "runtime/api/plugin_api.hpp"

namespace mcprt::actors::adapters {

/// Runs the worker's tool `worker_tool` (its name without the prefix) for a call.
using pool_call_fn = std::function<void(const std::string& worker_tool, const json_ref& arguments,
                                        const responder& out)>;

/// The tool specs for `listed` (the tools of tools/list, concatenated over its pages).
/// Entries without a string name are skipped.
std::vector<tool_spec> pool_tool_specs(const rapidjson::Value& listed,
                                       const std::string& tool_prefix, task_support default_tasks,
                                       const pool_call_fn& call);

}  // namespace mcprt::actors::adapters
