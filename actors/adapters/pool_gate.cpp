// Each event: the core changes under the lock; answers and retired workers go after it.
#include "actors/adapters/pool_gate.hpp"

#include "actors/adapters/pool_core.hpp"

namespace mcprt::actors::adapters {

pool_gate::pool_gate() = default;
pool_gate::~pool_gate() = default;

template <class Event>
void pool_gate::run(Event&& event) {
  pool_core::after_list after;
  std::vector<std::unique_ptr<adapter_worker>> retired;
  {
    std::lock_guard<std::mutex> g(m_);
    if (!core_) {
      return;
    }
    event(*core_, after);
    retired = core_->take_retired();
  }
  for (auto& f : after) {
    f();
  }
}

void pool_gate::open(std::unique_ptr<pool_core> core) {
  pool_core::after_list after;
  {
    std::lock_guard<std::mutex> g(m_);
    if (closed_) {
      return;
    }
    core_ = std::move(core);
    core_->start();
    for (auto& c : early_) {
      core_->on_call(c, after);
    }
    early_.clear();
  }
  for (auto& f : after) {
    f();
  }
}

std::unique_ptr<pool_core> pool_gate::close() {
  std::vector<pool_call> early;
  std::unique_ptr<pool_core> core;
  {
    std::lock_guard<std::mutex> g(m_);
    closed_ = true;
    early.swap(early_);
    core = std::move(core_);
  }
  for (auto& c : early) {
    c.out.error(make_error(rpc_code::internal_error, "The adapter is stopping"));
  }
  return core;
}

void pool_gate::call(pool_call call) {
  {
    std::lock_guard<std::mutex> g(m_);
    if (!core_ && !closed_) {
      early_.push_back(std::move(call));  // The actor has not opened the gate yet.
      return;
    }
  }
  bool taken = false;
  run([&](pool_core& core, pool_core::after_list& after) {
    taken = true;
    core.on_call(call, after);
  });
  if (!taken) {
    call.out.error(make_error(rpc_code::internal_error, "The adapter is stopping"));
  }
}

void pool_gate::line(const worker_output& out) {
  run([&](pool_core& core, pool_core::after_list& after) { core.on_line(out, after); });
}

void pool_gate::ended(const worker_ended& ended) {
  run([&](pool_core& core, pool_core::after_list& after) { core.on_exit(ended, after); });
}

void pool_gate::cancel(const pool_cancel& cancel) {
  run([&](pool_core& core, pool_core::after_list& after) { core.on_cancel(cancel, after); });
}

void pool_gate::tick(const pool_tick& tick) {
  run([&](pool_core& core, pool_core::after_list& after) { core.on_tick(tick, after); });
}

}  // namespace mcprt::actors::adapters
