// An adapter pool's events and its typed actor. A call, a worker's line or exit and a
// cancellation are handled on the thread where they happen, through the pool's gate (one lock
// around its pool_core: no thread hop between a client and a worker's pipe, or between a
// worker's answer and its client). The actor owns the pool_core's life and its timers: every
// timer is a `pool_tick` it sends itself. What other threads read is the pool_shared.
#pragma once

#include <array>
#include <caf/typed_actor.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "actors/adapters/pool_health.hpp"
#include "actors/adapters/pool_metrics.hpp"
#include "actors/adapters/pool_tools.hpp"
#include "runtime/api/messages.hpp"

namespace mcprt::actors::adapters {

struct adapter_options;

/// tool handler -> pool (on its thread): run the worker's tool `tool` (its name without the
/// prefix).
struct pool_call {
  std::string method;  ///< tools/call, prompts/get or resources/read.
  std::string tool;    ///< The worker's name for the tool or prompt, or the URI.
  json_ref arguments;
  responder out;
};
/// worker reader thread -> pool (on that thread): one line the worker wrote to stdout.
struct worker_output {
  size_t slot = 0;
  uint64_t generation = 0;  ///< Of the slot's process that wrote it; older ones are ignored.
  std::string line;
};
/// worker reader thread -> pool: the worker process ended (`how`: "exit status 1", ...).
struct worker_ended {
  size_t slot = 0;
  uint64_t generation = 0;
  std::string how;
};
/// responder (the client cancelled) -> pool (on its thread): forget call `id` and tell its worker.
struct pool_cancel {
  size_t slot = 0;
  uint64_t generation = 0;
  int64_t id = 0;
};
/// pool -> itself, after a delay.
enum class pool_timer {
  health,         ///< Ping idle workers.
  deadline,       ///< Expire calls past callTimeoutMs.
  restart_slot,   ///< Start `slot` again after its backoff.
  start_timeout,  ///< `slot` must be ready by now.
  ping_timeout,   ///< `slot` must have answered ping `id` by now.
  gone_grace,     ///< `slot`, whose stdin closed, must have exited by now.
  stalled,        ///< `slot` left `id` bytes of its input unread for a second.
};
struct pool_tick {
  pool_timer what = pool_timer::health;
  size_t slot = 0;
  uint64_t generation = 0;
  int64_t id = 0;
};

using pool_actor = caf::typed_actor<caf::reacts_to<pool_tick>>;

class pool_gate;

/// What outlives one pool actor, and what other threads read: the health snapshot, the
/// metrics, and whether the tools are registered (once per pool: a replacement keeps them).
struct pool_shared {
  explicit pool_shared(std::unique_ptr<pool_metrics> m) : metrics(std::move(m)) {}
  std::mutex m;
  pool_health health;             ///< Under m.
  bool tools_registered = false;  ///< Under m: the first ready worker's lists are registered.
  /// Under m: what the pool registered, by list (tools, resources, templates, prompts), so a
  /// worker's list_changed replaces exactly that.
  std::array<std::vector<std::string>, 4> registered;
  bool stopping = false;  ///< Under m: the node is stopping (not a crash).
  std::unique_ptr<pool_metrics> metrics;
};

/// Spawns a pool actor that opens `gate` on a fresh pool_core and starts `minWorkers` at once
/// (and closes the gate as it ends). Its tools, once a worker lists them, are registered in
/// `live` calling through `call` (which finds the pool's current gate).
pool_actor spawn_pool_actor(caf::actor_system& sys, const adapter_options& options,
                            std::shared_ptr<live_catalog> live, std::shared_ptr<pool_shared> shared,
                            pool_call_fn call, std::shared_ptr<pool_gate> gate);

}  // namespace mcprt::actors::adapters

// Local-only: a pool's timers never go remote.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::adapters::pool_tick)
