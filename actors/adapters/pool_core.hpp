// The state of one adapter pool and what it does with each event: workers started, placed,
// health-checked and restarted; calls queued, sent, answered, timed out and cancelled. Its
// pool_gate calls it under one lock from whichever thread the event happens on, so it takes
// none itself; what an event answers it collects in an `after` list that the gate runs once
// the lock is released. What others read it publishes to the pool_shared. Time comes from an
// injected clock.
#pragma once

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/adapters/pool.hpp"
#include "actors/adapters/pool_actor.hpp"
#include "actors/adapters/worker.hpp"
#include "actors/adapters/worker_protocol.hpp"

namespace mcprt::actors::adapters {

class pool_gate;

class pool_core {
 public:
  using clock = std::chrono::steady_clock;
  /// Answers and other calls out, run after the gate's lock is released.
  using after_list = std::vector<std::function<void()>>;

  /// `self` receives the timers; `gate` is where the workers' threads report.
  pool_core(adapter_options options, pool_actor self, std::weak_ptr<pool_gate> gate,
            std::shared_ptr<live_catalog> live, std::shared_ptr<pool_shared> shared,
            pool_call_fn call, std::function<clock::time_point()> now = clock::now);
  /// Answers every call still queued or running and kills the workers (outside the gate's
  /// lock: it waits for their threads).
  ~pool_core();
  pool_core(const pool_core&) = delete;
  pool_core& operator=(const pool_core&) = delete;

  /// Starts `minWorkers` and the health and deadline timers.
  void start();

  void on_call(pool_call& call, after_list& after);
  void on_line(const worker_output& out, after_list& after);
  void on_exit(const worker_ended& ended, after_list& after);
  void on_cancel(const pool_cancel& cancel, after_list& after);
  void on_tick(const pool_tick& tick, after_list& after);
  /// Workers replaced since the last call, to be destroyed (which waits for their threads)
  /// outside the gate's lock.
  std::vector<std::unique_ptr<adapter_worker>> take_retired() { return std::move(retired_); }

 private:
  struct slot;
  struct pending_call;
  struct in_flight;

  void later(std::chrono::milliseconds delay, pool_tick tick);
  void spawn_slot(size_t index);
  void restart_later(slot& s);
  void on_answer(slot& s, int64_t id, const rapidjson::Value& msg, after_list& after);
  void on_stalled(size_t index, uint64_t generation, size_t unread);
  void on_progress(slot& s, const worker_line& note, after_list& after);
  void on_log(slot& s, const worker_line& note, after_list& after);
  void on_listed(slot& s, const rapidjson::Value* result);
  void request_list(slot& s, size_t kind, const std::string& cursor);
  void relist(slot& s, std::string_view method);
  void register_lists(const slot& s, const std::vector<size_t>& kinds);
  // The fallback of register_lists when the change as a whole is refused: removes, then adds
  // entry by entry; returns what was registered, by list.
  std::array<std::vector<std::string>, 4> register_each(catalog_change change);
  void dispatch(after_list& after);
  bool place_call(pending_call& call, after_list& after);
  void drop(slot* owner, int64_t id, const in_flight& call, bool timed_out, after_list& after);
  void health_tick();
  void deadline_tick(after_list& after);
  void ping_timeout(size_t index, uint64_t generation, int64_t id);
  void start_timeout(size_t index, uint64_t generation);
  void gone_grace(size_t index, uint64_t generation);
  /// Gauges and the health snapshot, after every event.
  void publish();
  void log_line(std::string_view what) const;
  double seconds_since(clock::time_point t) const;

  adapter_options options_;
  pool_actor self_;
  std::weak_ptr<pool_gate> gate_;
  std::shared_ptr<live_catalog> live_;
  std::shared_ptr<pool_shared> shared_;
  pool_call_fn call_;
  std::function<clock::time_point()> now_;
  std::vector<std::unique_ptr<slot>> slots_;
  std::deque<pending_call> queue_;
  std::vector<std::unique_ptr<adapter_worker>> retired_;
  std::map<std::string, size_t> pinned_;  // session id -> slot index.
  std::string version_;                   // serverInfo "name version" of the workers.
  std::string last_error_;                // Why the last worker failed to start or died.
  uint64_t restarts_ = 0;
  uint64_t next_uid_ = 0;
  bool ever_ready_ = false;  // Until a worker has served, a dead pool fails calls at once.
};

}  // namespace mcprt::actors::adapters
