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

/// Forwards a request to a worker: `method` is tools/call, prompts/get or resources/read;
/// `target` the worker's own name for the tool or prompt (without the prefix), or the URI.
using pool_call_fn = std::function<void(const std::string& method, const std::string& target,
                                        const json_ref& arguments, const responder& out)>;

/// The tool specs for `listed` (the tools of tools/list, concatenated over its pages).
/// Entries without a string name are skipped.
std::vector<tool_spec> pool_tool_specs(const rapidjson::Value& listed,
                                       const std::string& tool_prefix, task_support default_tasks,
                                       const pool_call_fn& call);

/// The prompt specs for `listed` (prompts/list's prompts), named `prefix` + the worker's name.
std::vector<prompt_spec> pool_prompt_specs(const rapidjson::Value& listed,
                                           const std::string& prefix, const pool_call_fn& call);
/// The resource specs for `listed` (resources/list's resources); URIs stay the worker's.
std::vector<resource_spec> pool_resource_specs(const rapidjson::Value& listed,
                                               const pool_call_fn& call);
/// The template specs for `listed` (resources/templates/list's resourceTemplates).
std::vector<resource_template_spec> pool_template_specs(const rapidjson::Value& listed,
                                                        const pool_call_fn& call);

}  // namespace mcprt::actors::adapters
