// The catalog: every registered tool with its compiled input schema and owning actor, as an
// immutable snapshot. Readers take the current snapshot without a hop or a lock held.
#pragma once

#include <atomic>
#include <caf/error.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/header_params.hpp"
#include "actors/catalog/uri_template.hpp"
#include "runtime/api/plugin_api.hpp"

namespace mcprt::actors::catalog {

/// One registered tool.
struct catalog_tool {
  tool_definition definition;
  std::string listing_json;            ///< The tool as `tools/list` serves it.
  std::shared_ptr<const void> schema;  ///< Compiled validator state (opaque here).
  tool_actor handler;
  tool_handler inline_handler;              ///< Set for inline-safe function tools: no actor hop.
  runner_actor steps;                       ///< Where an inline handler's deferred steps run.
  std::vector<header_param> header_params;  ///< Arguments mirrored into Mcp-Param-* headers.
};

/// One registered resource.
struct catalog_resource {
  resource_definition definition;
  std::string listing_json;
  resource_reader reader;
  runner_actor runner;  ///< The plugin actor the reader runs on.
};

/// One registered resource template.
struct catalog_template {
  resource_template_definition definition;
  std::string listing_json;
  uri_template parsed;
  resource_reader reader;
  runner_actor runner;
};

/// One registered prompt.
struct catalog_prompt {
  prompt_definition definition;
  std::string listing_json;
  prompt_handler handler;
  runner_actor runner;
};

/// One JSON-RPC method a plugin added.
struct catalog_method {
  method_spec spec;
  runner_actor runner;
};

/// Why arguments were refused: a sentence that names the offending field.
using validation_error = std::string;

/// An immutable set of tools, sorted by name.
class catalog {
 public:
  /// Tools in `tools/list` order.
  const std::vector<catalog_tool>& tools() const { return tools_; }
  /// The tool with this name, or nullptr.
  const catalog_tool* find(std::string_view name) const;
  /// Index of the first tool whose name sorts after `name`.
  size_t upper_bound(std::string_view name) const;
  /// Checks `arguments` (may be null: treated as `{}`) against the tool's input schema.
  std::optional<validation_error> validate(const catalog_tool& tool,
                                           const rapidjson::Value* arguments) const;

  /// Resources by URI, templates in registration order, prompts by name.
  const std::vector<catalog_resource>& resources() const { return resources_; }
  const std::vector<catalog_template>& templates() const { return templates_; }
  const std::vector<catalog_prompt>& prompts() const { return prompts_; }
  /// The plugin method with this name, or nullptr.
  const catalog_method* find_method(std::string_view name) const;
  /// The resource with this URI, or nullptr.
  const catalog_resource* find_resource(std::string_view uri) const;
  /// The first template matching `uri`, with its variables.
  const catalog_template* match_template(std::string_view uri,
                                         std::map<std::string, std::string>& variables) const;
  /// The prompt with this name, or nullptr.
  const catalog_prompt* find_prompt(std::string_view name) const;
  /// Every plugin actor behind this catalog (for shutdown); may repeat a handle.
  std::vector<tool_actor> actors() const;

 private:
  friend class catalog_builder;
  std::vector<catalog_tool> tools_;
  std::vector<catalog_resource> resources_;
  std::vector<catalog_template> templates_;
  std::vector<catalog_prompt> prompts_;
  std::vector<catalog_method> methods_;
};

using catalog_ptr = std::shared_ptr<const catalog>;

/// Collects tools at start-up and freezes them into a catalog.
class catalog_builder {
 public:
  catalog_builder() = default;
  /// Starts from a snapshot, to change the catalog while the server runs.
  explicit catalog_builder(const catalog& from);
  /// Removes the tool or prompt with this name; false when there is none.
  bool remove_tool(std::string_view name);
  bool remove_prompt(std::string_view name);
  bool remove_resource(std::string_view uri);
  bool remove_template(std::string_view uri_template);
  /// Adds a tool; fails on a duplicate name, an invalid name or a schema that does not compile.
  caf::error add(tool_definition definition, tool_actor handler, tool_handler inline_handler = {},
                 runner_actor steps = {});
  /// Adds a resource; fails on an empty or duplicate URI or an empty name.
  caf::error add(resource_definition definition, resource_reader reader, runner_actor runner);
  /// Adds a template; fails when it is not an RFC 6570 level-1 template.
  caf::error add(resource_template_definition definition, resource_reader reader,
                 runner_actor runner);
  /// Adds a prompt; fails on an empty or duplicate name.
  caf::error add(prompt_definition definition, prompt_handler handler, runner_actor runner);
  /// Adds a plugin's method; fails on an empty name, one MCP serves, or a duplicate.
  caf::error add(method_spec method, runner_actor runner);
  /// Removes everything served by one of `actors`; the lists that changed ("tools",
  /// "resources", "prompts"), each once.
  std::vector<std::string> remove_served_by(const std::vector<caf::actor_addr>& actors);
  /// Adds every entry of `other` (already checked and compiled); fails, adding nothing, on a
  /// name or URI this builder already holds. `changed` gets the lists that grew.
  caf::error add_all(const catalog& other, std::vector<std::string>& changed);
  /// Freezes everything into a snapshot.
  catalog_ptr build();

 private:
  std::vector<catalog_tool> tools_;
  std::vector<catalog_resource> resources_;
  std::vector<catalog_template> templates_;
  std::vector<catalog_prompt> prompts_;
  std::vector<catalog_method> methods_;
};

/// The current snapshot, swapped whole when the catalog changes. Readers never lock.
class catalog_source {
 public:
  catalog_ptr current() const { return current_.load(std::memory_order_acquire); }
  void publish(catalog_ptr next) { current_.store(std::move(next), std::memory_order_release); }

 private:
  std::atomic<catalog_ptr> current_{std::make_shared<catalog>()};
};

/// True for a name of 1-64 characters from `[A-Za-z0-9_./-]` (SEP-986).
bool valid_tool_name(std::string_view name);

}  // namespace mcprt::actors::catalog
