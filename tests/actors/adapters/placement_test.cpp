// Adapter pool placement: least busy ready worker, session pins, growth without stampedes.
#include "actors/adapters/placement.hpp"

#include <catch2/catch.hpp>

using namespace mcprt::actors::adapters;
using phase = slot_view::phase;
using action = placement::action;

TEST_CASE("placement runs a call on the least busy ready worker", "[actors][adapters]") {
  std::vector<slot_view> slots{
      {phase::ready, 1, false}, {phase::ready, 0, false}, {phase::starting, 0, false}};
  auto p = place(slots, std::nullopt, 2, 4);
  CHECK(p.what == action::run_on);
  CHECK(p.slot == 1);
}

TEST_CASE("placement keeps a session on its own worker, waiting when it is busy",
          "[actors][adapters]") {
  std::vector<slot_view> slots{{phase::ready, 0, false}, {phase::ready, 1, false}};
  CHECK(place(slots, size_t{1}, 2, 4).what == action::run_on);
  CHECK(place(slots, size_t{1}, 2, 4).slot == 1);
  // Busy (one call, one allowed): the call waits for it although worker 0 is idle.
  CHECK(place(slots, size_t{1}, 1, 4).what == action::wait);
  slots[1].state = phase::dead;
  CHECK(place(slots, size_t{1}, 2, 4).what == action::wait);
}

TEST_CASE("placement grows the pool one worker at a time", "[actors][adapters]") {
  std::vector<slot_view> full{{phase::ready, 1, false}};
  auto add = place(full, std::nullopt, 1, 2);
  CHECK(add.what == action::wait_and_add);
  CHECK(add.slot == 1);
  // At max_workers: wait.
  CHECK(place(full, std::nullopt, 1, 1).what == action::wait);
  // A dead slot comes back before a new one is added.
  std::vector<slot_view> with_dead{{phase::ready, 1, false}, {phase::dead, 0, false}};
  auto restart = place(with_dead, std::nullopt, 1, 4);
  CHECK(restart.what == action::wait_and_start);
  CHECK(restart.slot == 1);
  // One already starting (or due to restart): no second start.
  with_dead[1].restart_pending = true;
  CHECK(place(with_dead, std::nullopt, 1, 4).what == action::wait);
  std::vector<slot_view> starting{{phase::ready, 1, false}, {phase::starting, 0, false}};
  CHECK(place(starting, std::nullopt, 1, 4).what == action::wait);
}

TEST_CASE("placement with no workers yet starts the first", "[actors][adapters]") {
  CHECK(place({}, std::nullopt, 1, 2).what == action::wait_and_add);
  CHECK(place({}, std::nullopt, 1, 0).what == action::wait);
}
