// The pool's handle: finds the pool's current gate for each call, reads its health snapshot.
#include "actors/adapters/pool.hpp"

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/adapters/pool_gate.hpp"
#include "actors/adapters/pool_metrics.hpp"

namespace mcprt::actors::adapters {

adapter_pool::adapter_pool(adapter_options options, caf::actor_system& sys,
                           std::shared_ptr<live_catalog> live, prometheus::Registry& registry)
    : options_(std::move(options)),
      system_(sys),
      live_(std::move(live)),
      shared_(
          std::make_shared<pool_shared>(std::make_unique<pool_metrics>(registry, options_.name))) {
  std::lock_guard<std::mutex> g(shared_->m);
  shared_->health.name = options_.name;
  shared_->health.min_workers = options_.min_workers;
  shared_->health.max_workers = options_.max_workers;
  shared_->health.max_inflight_per_worker = options_.max_inflight_per_worker;
  shared_->health.call_timeout = options_.call_timeout;
  shared_->health.session_affinity = options_.session_affinity;
}

adapter_pool::~adapter_pool() {
  stop();
}

std::pair<pool_actor, std::shared_ptr<pool_gate>> adapter_pool::spawn_actor() {
  // The registered tools call through the handle, so they reach whichever actor is current.
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  auto call = [weak](const std::string& method, const std::string& tool, const json_ref& arguments,
                     const responder& out) {
    if (auto self = weak.lock()) {
      self->call(method, tool, arguments, out);
    } else {
      out.error(make_error(rpc_code::internal_error, "The adapter is stopping"));
    }
  };
  auto gate = std::make_shared<pool_gate>();
  return {spawn_pool_actor(system_, options_, live_, shared_, std::move(call), gate), gate};
}

void adapter_pool::start() {
  auto [actor, gate] = spawn_actor();
  std::lock_guard<std::mutex> g(mutex_);
  actor_ = std::move(actor);
  gate_ = std::move(gate);
}

void adapter_pool::stop() {
  pool_actor actor;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    actor = actor_;
  }
  {
    std::lock_guard<std::mutex> g(shared_->m);
    shared_->stopping = true;  // Its calls fail with "The server is stopping".
  }
  if (actor) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }
}

void adapter_pool::call(const std::string& method, const std::string& tool,
                        const json_ref& arguments, const responder& out) {
  std::shared_ptr<pool_gate> gate;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (!stopped_) {
      gate = gate_;
    }
  }
  if (!gate) {
    out.error(make_error(rpc_code::internal_error, "The adapter is stopping"));
    return;
  }
  gate->call(pool_call{method, tool, arguments, out});
}

std::string adapter_pool::health_json() const {
  std::lock_guard<std::mutex> g(shared_->m);
  return adapters::health_json(shared_->health);
}

bool adapter_pool::available() const {
  std::lock_guard<std::mutex> g(shared_->m);
  return shared_->health.ready > 0;
}

caf::actor_addr adapter_pool::actor_address() const {
  std::lock_guard<std::mutex> g(mutex_);
  return actor_.address();
}

caf::actor_addr adapter_pool::replace(const caf::actor_addr& dead) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_ || actor_.address() != dead) {
      return {};
    }
  }
  auto [fresh, gate] = spawn_actor();
  std::lock_guard<std::mutex> g(mutex_);
  if (stopped_) {  // Stopped meanwhile: the fresh actor goes too.
    caf::anon_send_exit(fresh, caf::exit_reason::user_shutdown);
    return {};
  }
  actor_ = fresh;
  gate_ = std::move(gate);
  return fresh.address();
}

}  // namespace mcprt::actors::adapters
