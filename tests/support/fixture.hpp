// A small world for actor tests: an actor system, a catalog with the demo tools, a session
// table and metrics. Every actor it knows of is stopped when the fixture ends.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/catalog.hpp"
#include "actors/dispatcher.hpp"
#include "actors/session_table.hpp"
#include "plugins/demo/demo.hpp"
#include "runtime/metrics.hpp"

namespace mcprt::test {

struct world {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<actors::catalog_source> tools = std::make_shared<actors::catalog_source>();
  std::shared_ptr<actors::session_table> sessions = std::make_shared<actors::session_table>();
  std::shared_ptr<mcprt::metrics> metrics = std::make_shared<mcprt::metrics>();
  std::shared_ptr<actors::server_profile> profile = std::make_shared<actors::server_profile>();

  class context final : public plugin_context {
   public:
    context(caf::actor_system& s, actors::catalog_builder& b) : sys_(s), b_(b) {}
    caf::actor_system& system() override { return sys_; }
    const settings_view& settings() const override { return settings_; }
    caf::error add_tool(tool_definition d, tool_actor a, tool_handler inline_handler) override {
      return b_.add(std::move(d), std::move(a), std::move(inline_handler));
    }
    caf::error add_resource(resource_definition d, resource_reader r, tool_actor a) override {
      return b_.add(std::move(d), std::move(r), std::move(a));
    }
    caf::error add_resource_template(resource_template_definition d, resource_reader r,
                                     tool_actor a) override {
      return b_.add(std::move(d), std::move(r), std::move(a));
    }
    caf::error add_prompt(prompt_definition d, prompt_handler h, tool_actor a) override {
      return b_.add(std::move(d), std::move(h), std::move(a));
    }

   private:
    caf::actor_system& sys_;
    actors::catalog_builder& b_;
    settings_view settings_;
  };

  /// Starts the given plugins (default: demo) into the catalog.
  explicit world(std::vector<plugin> plugins = {plugins::demo::descriptor()}) {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    actors::catalog_builder b;
    context ctx(*sys, b);
    for (auto& p : plugins) {
      auto err = p.start(ctx);
      if (err) {
        throw std::runtime_error("plugin failed");
      }
    }
    tools->publish(b.build());
  }

  ~world() {
    for (const auto& a : tools->current()->actors()) {
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
    sessions->for_each(
        [](const session_actor& s) { caf::anon_send_exit(s, caf::exit_reason::user_shutdown); });
    sys.reset();
  }

  actors::dispatch_env env() const { return {tools->current(), profile.get()}; }
};

}  // namespace mcprt::test
