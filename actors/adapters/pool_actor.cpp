// The pool's actor: opens the gate on a fresh pool_core, passes its timers through, and closes
// the gate as it ends.
#include "actors/adapters/pool_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/adapters/pool_core.hpp"
#include "actors/adapters/pool_gate.hpp"

namespace mcprt::actors::adapters {

namespace {

struct pool_state {
  std::shared_ptr<pool_gate> gate;
  ~pool_state() {
    if (gate) {
      gate->close();  // Destroyed here, outside the gate: calls answered, workers gone.
    }
  }
  static inline const char* name = "mcprt.adapter_pool";
};

using pool_self = pool_actor::stateful_pointer<pool_state>;

pool_actor::behavior_type pool_impl(pool_self self, adapter_options options,
                                    std::shared_ptr<live_catalog> live,
                                    std::shared_ptr<pool_shared> shared, pool_call_fn call,
                                    const std::shared_ptr<pool_gate>& gate) {
  self->state.gate = gate;
  gate->open(std::make_unique<pool_core>(std::move(options), pool_actor(self), gate,
                                         std::move(live), std::move(shared), std::move(call)));
  return {
      [gate](const pool_tick& tick) { gate->tick(tick); },
  };
}

}  // namespace

pool_actor spawn_pool_actor(caf::actor_system& sys, const adapter_options& options,
                            std::shared_ptr<live_catalog> live, std::shared_ptr<pool_shared> shared,
                            pool_call_fn call, std::shared_ptr<pool_gate> gate) {
  // Detached: ending the pool waits for its workers' threads.
  return sys.spawn<caf::detached>(pool_impl, options, std::move(live), std::move(shared),
                                  std::move(call), std::move(gate));
}

}  // namespace mcprt::actors::adapters
