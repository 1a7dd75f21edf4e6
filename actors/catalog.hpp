// The catalog: every registered tool with its compiled input schema and owning actor, as an
// immutable snapshot. Readers take the current snapshot without a hop or a lock held.
#pragma once

#include <map>
#include <memory>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "runtime/plugin_api.hpp"

namespace mcprt::actors {

/// One registered tool.
struct catalog_tool {
  tool_definition definition;
  std::string listing_json;  ///< The tool as `tools/list` serves it.
  std::shared_ptr<const void> schema;  ///< Compiled validator state (opaque here).
  tool_actor handler;
  tool_handler inline_handler;  ///< Set for inline-safe function tools: no actor hop.
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

 private:
  friend class catalog_builder;
  std::vector<catalog_tool> tools_;
};

using catalog_ptr = std::shared_ptr<const catalog>;

/// Collects tools at start-up and freezes them into a catalog.
class catalog_builder {
 public:
  /// Adds a tool; fails on a duplicate name, an invalid name or a schema that does not compile.
  caf::error add(tool_definition definition, tool_actor handler, tool_handler inline_handler = {});
  /// Freezes the tools into a snapshot.
  catalog_ptr build();

 private:
  std::vector<catalog_tool> tools_;
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

}  // namespace mcprt::actors
