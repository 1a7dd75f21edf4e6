// Catalog changes at run time: copy the snapshot, change it, swap it in, and tell the
// subscribers of the list through the notifier.
#pragma once

#include <caf/fwd.hpp>
#include <memory>
#include <mutex>

#include "actors/catalog/catalog.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/api/plugin_api.hpp"

namespace mcprt::actors::catalog {

/// The node's live catalog (one per node).
class node_catalog final : public mcprt::live_catalog {
 public:
  node_catalog(caf::actor_system& sys, std::shared_ptr<catalog_source> source,
               std::shared_ptr<notifier::notifier> notes);

  caf::error add_tools(std::vector<tool_spec> tools) override;
  bool remove_tool(std::string_view name) override;
  caf::error add_prompts(std::vector<prompt_spec> prompts) override;
  bool remove_prompt(std::string_view name) override;
  caf::error add_resources(std::vector<resource_spec> resources) override;
  bool remove_resource(std::string_view uri) override;
  caf::error add_resource_templates(std::vector<resource_template_spec> templates) override;
  bool remove_resource_template(std::string_view uri_template) override;
  caf::error apply(catalog_change change) override;

  /// Removes everything the `gone` actors serve and adds `added` (a restarted plugin's
  /// registrations; may be null) in one swap, then notifies each list that changed. Fails,
  /// changing nothing, when `added` clashes with what stays.
  caf::error replace_actors(const std::vector<caf::actor_addr>& gone, const catalog* added);

 private:
  // Applies `edit` (which says whether it changed anything, or fails) to a copy of the
  // snapshot under the lock; on a change, swaps it in and notifies the `what` list's topic.
  template <class F>
  caf::error change(std::string_view what, F edit);
  // A removal: `erase` says whether there was something to remove.
  template <class F>
  bool remove(std::string_view what, F erase);

  caf::actor_system& sys_;
  std::shared_ptr<catalog_source> source_;
  std::shared_ptr<notifier::notifier> notes_;
  std::mutex mutex_;  // Serializes writers; readers never lock.
};

/// The notification a list change sends, serialized once.
note_ptr list_changed_note(std::string_view what);

}  // namespace mcprt::actors::catalog
