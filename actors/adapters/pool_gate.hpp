// The one way into an adapter pool's state, from any thread: a lock around its pool_core. A
// client's call is placed and written to a worker's pipe on the client's own thread, and a
// worker's answer goes to its client from the worker's reader thread, so a round trip crosses
// no thread but the worker's. Answers (and the workers a restart replaced) are handed out only
// after the lock is released: an answer may call back into the pool.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "actors/adapters/pool_actor.hpp"

namespace mcprt::actors::adapters {

class pool_core;

class pool_gate {
 public:
  pool_gate();
  ~pool_gate();
  pool_gate(const pool_gate&) = delete;
  pool_gate& operator=(const pool_gate&) = delete;

  /// The pool's actor: takes `core` in, starts it, and hands it the calls that came first.
  void open(std::unique_ptr<pool_core> core);
  /// The pool's actor, as it ends: later events find the gate closed. The caller destroys
  /// what it gets outside any lock (that answers what was pending and waits for the workers).
  std::unique_ptr<pool_core> close();

  void call(pool_call call);
  void line(const worker_output& out);
  void ended(const worker_ended& ended);
  void cancel(const pool_cancel& cancel);
  void tick(const pool_tick& tick);

 private:
  template <class Event>
  void run(Event&& event);

  std::mutex m_;
  std::unique_ptr<pool_core> core_;  // Under m_; null before open() and after close().
  bool closed_ = false;              // Under m_.
  std::vector<pool_call> early_;     // Under m_: calls before open(), which the core takes.
};

}  // namespace mcprt::actors::adapters
