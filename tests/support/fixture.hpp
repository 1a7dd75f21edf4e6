// A small world for actor tests: an actor system, a catalog with the demo tools, a session
// table and metrics. Every actor it knows of is stopped when the fixture ends.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/plugin_host.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/session.hpp"
#include "actors/session/table.hpp"
#include "plugins/demo/demo.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::test {

struct world {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<actors::catalog::catalog_source> tools =
      std::make_shared<actors::catalog::catalog_source>();
  std::shared_ptr<actors::session::session_table> sessions =
      std::make_shared<actors::session::session_table>();
  std::shared_ptr<mcprt::metrics> metrics = std::make_shared<mcprt::metrics>();
  std::shared_ptr<actors::dispatch::server_profile> profile =
      std::make_shared<actors::dispatch::server_profile>();
  std::shared_ptr<actors::notifier::notifier> notes;

  /// Starts the given plugins (default: demo) into the catalog.
  explicit world(const std::vector<plugin>& plugins = {plugins::demo::descriptor()}) {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    notes = std::make_shared<actors::notifier::notifier>(*sys, 2, metrics);
    actors::catalog::catalog_builder b;
    actors::catalog::plugin_host ctx(*sys, settings_view{}, b,
                                     actors::catalog::make_publisher(notes));
    for (auto& p : plugins) {
      auto err = p.start(ctx);
      if (err) {
        throw std::runtime_error("plugin failed");
      }
    }
    tools->publish(b.build());
  }

  ~world() {
    notes->stop();
    for (const auto& a : tools->current()->actors()) {
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
    sessions->stop_all();
    sys.reset();
  }

  /// The node context over this world's parts.
  actors::session::node_context_ptr context() const {
    auto c = std::make_shared<actors::session::node_context>();
    c->system = sys.get();
    c->tools = tools;
    c->profile = profile;
    c->metrics = metrics;
    c->notifier = notes;
    return c;
  }

  actors::dispatch::dispatch_env env() const {
    actors::dispatch::dispatch_env e;
    e.tools = tools->current();
    e.profile = profile.get();
    return e;
  }
};

}  // namespace mcprt::test
