// The pool's actor: each message handed to its pool_core.
#include "actors/adapters/pool_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/adapters/pool_core.hpp"

namespace mcprt::actors::adapters {

namespace {

struct pool_state {
  std::unique_ptr<pool_core> core;  // Destroyed as the actor ends: calls answered, workers gone.
  static inline const char* name = "mcprt.adapter_pool";
};

using pool_self = pool_actor::stateful_pointer<pool_state>;

pool_actor::behavior_type pool_impl(pool_self self, adapter_options options,
                                    std::shared_ptr<live_catalog> live,
                                    std::shared_ptr<pool_shared> shared, pool_call_fn call) {
  self->state.core = std::make_unique<pool_core>(
      std::move(options), pool_actor(self), std::move(live), std::move(shared), std::move(call));
  self->state.core->start();
  auto& core = *self->state.core;
  return {
      [&core](pool_call& c) { core.on_call(c); },
      [&core](const worker_output& out) { core.on_line(out); },
      [&core](const worker_ended& ended) { core.on_exit(ended); },
      [&core](const pool_cancel& cancel) { core.on_cancel(cancel); },
      [&core](const pool_tick& tick) { core.on_tick(tick); },
  };
}

}  // namespace

pool_actor spawn_pool_actor(caf::actor_system& sys, const adapter_options& options,
                            std::shared_ptr<live_catalog> live, std::shared_ptr<pool_shared> shared,
                            pool_call_fn call) {
  // Detached: a write to a worker whose pipe is full may wait up to a second.
  return sys.spawn<caf::detached>(pool_impl, options, std::move(live), std::move(shared),
                                  std::move(call));
}

}  // namespace mcprt::actors::adapters
