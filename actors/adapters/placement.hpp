// Where an adapter pool runs a queued call: the pure decision, apart from the pool's locks,
// processes and metrics, so it is tested on its own.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace mcprt::actors::adapters {

/// A worker slot as placement sees it.
struct slot_view {
  enum class phase { dead, starting, ready };
  phase state = phase::dead;
  int busy = 0;                  ///< Calls it is running (health pings do not count).
  bool restart_pending = false;  ///< A restart after backoff is scheduled.
};

/// What to do with a queued call.
struct placement {
  enum class action {
    run_on,          ///< Send it to `slot`.
    wait,            ///< Keep it queued; a worker is on its way or the pool is full.
    wait_and_start,  ///< Keep it queued and start the dead `slot` again.
    wait_and_add,    ///< Keep it queued and add a new slot (below max_workers).
  };
  action what = action::wait;
  size_t slot = 0;
};

/// Picks a worker for a call. A call of a session pinned to a worker waits for that worker;
/// otherwise the least busy ready worker below `max_inflight` runs it. With none free, a
/// dead slot is started again, or a slot added below `max_workers`, unless a worker is
/// already starting (or about to).
placement place(const std::vector<slot_view>& slots, std::optional<size_t> pinned, int max_inflight,
                int max_workers);

}  // namespace mcprt::actors::adapters
