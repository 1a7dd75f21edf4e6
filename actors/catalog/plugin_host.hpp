// The plugin_context a plugin starts in: its settings, the actor system, and a catalog
// builder that collects what it registers. Used by the server and by tests alike.
#pragma once

#include <algorithm>
#include <vector>

#include "actors/catalog/catalog.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/api/plugin_api.hpp"

namespace mcprt::actors::catalog {

/// Registers a starting plugin's tools, resources and prompts into `catalog`.
class plugin_host final : public plugin_context {
 public:
  plugin_host(caf::actor_system& sys, settings_view settings, catalog_builder& catalog,
              std::shared_ptr<mcprt::publisher> publisher = {},
              std::shared_ptr<mcprt::live_catalog> live = {});

  caf::actor_system& system() override { return sys_; }
  const settings_view& settings() const override { return settings_; }
  std::string state_directory() const override { return state_directory_; }
  void set_state_directory(std::string dir) { state_directory_ = std::move(dir); }
  std::shared_ptr<mcprt::publisher> publisher() override { return publisher_; }
  std::shared_ptr<mcprt::live_catalog> live() override { return live_; }
  caf::error add_tool(tool_definition d, tool_actor a, tool_handler inline_handler,
                      runner_actor steps) override {
    remember(a);
    return catalog_.add(std::move(d), std::move(a), std::move(inline_handler), std::move(steps));
  }
  caf::error add_resource(resource_definition d, resource_reader r, runner_actor a) override {
    remember(a);
    return catalog_.add(std::move(d), std::move(r), std::move(a));
  }
  caf::error add_resource_template(resource_template_definition d, resource_reader r,
                                   runner_actor a) override {
    remember(a);
    return catalog_.add(std::move(d), std::move(r), std::move(a));
  }
  caf::error add_prompt(prompt_definition d, prompt_handler h, runner_actor a) override {
    remember(a);
    return catalog_.add(std::move(d), std::move(h), std::move(a));
  }
  caf::error add_method(method_spec m, runner_actor a) override {
    remember(a);
    return catalog_.add(std::move(m), std::move(a));
  }

  /// The distinct actors this plugin registered (what the node supervises).
  const std::vector<tool_actor>& actors() const { return actors_; }

 private:
  caf::actor_system& sys_;
  settings_view settings_;
  catalog_builder& catalog_;
  std::shared_ptr<mcprt::publisher> publisher_;
  std::shared_ptr<mcprt::live_catalog> live_;
  std::vector<tool_actor> actors_;
  std::string state_directory_ = "/var/lib/mcprt";

  void remember(const tool_actor& a) {
    if (a && std::find(actors_.begin(), actors_.end(), a) == actors_.end()) {
      actors_.push_back(a);
    }
  }
};

/// A publisher onto the node's notifier.
std::shared_ptr<mcprt::publisher> make_publisher(std::shared_ptr<notifier::notifier> notes);

}  // namespace mcprt::actors::catalog
