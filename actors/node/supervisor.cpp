// The supervisor actor: monitors plugin actors, takes a dead one's entries out of the
// catalog, and restarts its plugin with backoff within a budget.
#include "actors/node/supervisor.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "runtime/api/messages.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::node {

namespace {

using clock = std::chrono::steady_clock;

struct plugin_record {
  watched_plugin watched;
  std::vector<clock::time_point> restarts;  // Within the last minute.
  std::chrono::milliseconds next_backoff{0};
  bool pending = false;  // A restart is scheduled.
  bool given_up = false;
};

struct supervisor_state {
  supervision_options options;
  std::vector<plugin_record> plugins;
  std::vector<watched_service> services;
  std::shared_ptr<catalog::node_catalog> live;
  plugin_starter starter;
  std::shared_ptr<mcprt::metrics> metrics;
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

plugin_record* owner_of(supervisor_state& st, const caf::actor_addr& actor) {
  for (auto& p : st.plugins) {
    for (const auto& a : p.watched.actors) {
      if (a.address() == actor) {
        return &p;
      }
    }
  }
  return nullptr;
}

plugin_record* named(supervisor_state& st, const std::string& name) {
  for (auto& p : st.plugins) {
    if (p.watched.name == name) {
      return &p;
    }
  }
  return nullptr;
}

// Schedules the next start of `p`, unless it used its budget for this minute.
void schedule_restart(supervisor_ptr self, plugin_record& p) {
  auto& st = self->state;
  auto now = clock::now();
  std::erase_if(p.restarts, [&](clock::time_point t) { return now - t > std::chrono::minutes(1); });
  if (p.restarts.empty()) {
    p.next_backoff = st.options.backoff;
  }
  if (static_cast<int>(p.restarts.size()) >= st.options.max_restarts) {
    p.given_up = true;
    st.metrics->plugin_restart(p.watched.name, "gave_up");
    log::error("plugin stays down plugin=" + p.watched.name + " restarts=" +
               std::to_string(p.restarts.size()) + " (supervision.maxRestarts within a minute)");
    return;
  }
  p.pending = true;
  self->delayed_send(self, p.next_backoff, restart_atom::value, p.watched.name);
  p.next_backoff = std::min(p.next_backoff * 2, st.options.backoff * 100);
}

void stop_all(const std::vector<tool_actor>& actors) {
  for (const auto& a : actors) {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
}

// Starts `p` afresh: its new entries replace everything its old actors served, in one swap.
void restart(supervisor_ptr self, plugin_record& p) {
  auto& st = self->state;
  p.pending = false;
  p.restarts.push_back(clock::now());
  auto started = st.starter(p.watched.name);
  if (auto* why = started.failure()) {
    st.metrics->plugin_restart(p.watched.name, "failed");
    log::warn("plugin restart failed plugin=" + p.watched.name + " reason=" + *why);
    schedule_restart(self, p);
    return;
  }
  auto& fresh = started.value();
  std::vector<caf::actor_addr> old;
  for (const auto& a : p.watched.actors) {
    old.push_back(a.address());
  }
  if (auto err = st.live->replace_actors(old, fresh.registered.get())) {
    stop_all(fresh.actors);
    st.metrics->plugin_restart(p.watched.name, "failed");
    log::warn("plugin restart failed plugin=" + p.watched.name +
              " reason=" + self->system().render(err));
    schedule_restart(self, p);
    return;
  }
  // The old siblings' entries are gone: stop them (their exits are deliberate, not watched).
  for (const auto& a : p.watched.actors) {
    self->demonitor(a.address());
  }
  stop_all(p.watched.actors);
  p.watched.actors = std::move(fresh.actors);
  for (const auto& a : p.watched.actors) {
    self->monitor(a);
  }
  st.metrics->plugin_restart(p.watched.name, "ok");
  log::info("plugin restarted plugin=" + p.watched.name);
}

// A part's actor ended: the part puts a fresh one in its place, watched from now on.
bool replace_service_actor(supervisor_ptr self, const caf::down_msg& down) {
  auto& st = self->state;
  for (auto& service : st.services) {
    auto it = std::find(service.actors.begin(), service.actors.end(), down.source);
    if (it == service.actors.end()) {
      continue;
    }
    service.actors.erase(it);
    st.metrics->service_actor_exited(service.name, service.role);
    auto fresh = service.replace(down.source);
    log::error("node part actor exited service=" + service.name + " actor=" + service.role +
               " reason=" + self->system().render(down.reason) +
               (fresh ? "; replaced" : "; not replaced"));
    if (fresh) {
      self->monitor(fresh);
      service.actors.push_back(std::move(fresh));
    }
    return true;
  }
  return false;
}

void on_down(supervisor_ptr self, const caf::down_msg& down) {
  auto& st = self->state;
  // user_shutdown is the node stopping (or this supervisor replacing an actor).
  if (down.reason == caf::exit_reason::user_shutdown) {
    return;
  }
  auto* p = owner_of(st, down.source);
  if (p == nullptr) {
    replace_service_actor(self, down);
    return;
  }
  std::erase_if(p->watched.actors, [&](const tool_actor& a) { return a.address() == down.source; });
  st.metrics->plugin_actor_exited(p->watched.name);
  log::warn("plugin actor exited plugin=" + p->watched.name +
            " reason=" + self->system().render(down.reason));
  // What it served goes now, so no new call reaches it while the plugin comes back.
  if (auto err = st.live->replace_actors({down.source}, nullptr)) {
    log::warn("catalog refused a removal: " + self->system().render(err));
  }
  if (p->watched.policy == restart_policy::stay_down || p->given_up || p->pending) {
    return;
  }
  schedule_restart(self, *p);
}

caf::behavior supervisor_impl(caf::stateful_actor<supervisor_state>* self, supervisor_state init) {
  self->state = std::move(init);
  for (auto& p : self->state.plugins) {
    for (const auto& a : p.watched.actors) {
      self->monitor(a);
    }
  }
  for (auto& service : self->state.services) {
    for (const auto& a : service.actors) {
      self->monitor(a);
    }
  }
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  return {
      [self](restart_atom, const std::string& name) {
        if (auto* p = named(self->state, name); p != nullptr && !p->given_up) {
          restart(self, *p);
        }
      },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervision_options options,
                            std::vector<watched_plugin> plugins,
                            std::vector<watched_service> services,
                            std::shared_ptr<catalog::node_catalog> live, plugin_starter starter,
                            std::shared_ptr<mcprt::metrics> metrics) {
  supervisor_state init;
  init.options = options;
  for (auto& w : plugins) {
    plugin_record r;
    r.watched = std::move(w);
    r.next_backoff = options.backoff;
    init.plugins.push_back(std::move(r));
  }
  init.services = std::move(services);
  init.live = std::move(live);
  init.starter = std::move(starter);
  init.metrics = std::move(metrics);
  return sys.spawn(supervisor_impl, std::move(init));
}

}  // namespace mcprt::actors::node
