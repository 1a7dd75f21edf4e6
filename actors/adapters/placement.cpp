// The placement rule of an adapter pool.
#include "actors/adapters/placement.hpp"

namespace mcprt::actors::adapters {

placement place(const std::vector<slot_view>& slots, std::optional<size_t> pinned, int max_inflight,
                int max_workers) {
  using phase = slot_view::phase;
  if (pinned && *pinned < slots.size()) {
    const auto& s = slots[*pinned];
    if (s.state != phase::ready || s.busy >= max_inflight) {
      return {placement::action::wait, *pinned};  // Wait for the session's own worker.
    }
    return {placement::action::run_on, *pinned};
  }
  std::optional<size_t> chosen;
  for (size_t i = 0; i < slots.size(); ++i) {
    const auto& s = slots[i];
    if (s.state == phase::ready && s.busy < max_inflight &&
        (!chosen || s.busy < slots[*chosen].busy)) {
      chosen = i;
    }
  }
  if (chosen) {
    return {placement::action::run_on, *chosen};
  }
  // Grow: restart a dead slot or add one, unless one is already on its way.
  bool starting = false;
  std::optional<size_t> idle_dead;
  for (size_t i = 0; i < slots.size(); ++i) {
    const auto& s = slots[i];
    starting = starting || s.state == phase::starting || s.restart_pending;
    if (s.state == phase::dead && !s.restart_pending && !idle_dead) {
      idle_dead = i;
    }
  }
  if (starting) {
    return {placement::action::wait, 0};
  }
  if (idle_dead) {
    return {placement::action::wait_and_start, *idle_dead};
  }
  if (static_cast<int>(slots.size()) < max_workers) {
    return {placement::action::wait_and_add, slots.size()};
  }
  return {placement::action::wait, 0};
}

}  // namespace mcprt::actors::adapters
