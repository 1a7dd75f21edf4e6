// Node-wide admission: at most `max_inflight` requests between admission and answer.
// Control traffic (initialize, ping, DELETE) never asks. Once the node drains (SIGTERM), no
// new MCP request is let in while the admitted ones finish.
#pragma once

#include <atomic>
#include <cstdint>

namespace mcprt {
inline namespace io {

/// A counting gate. Lock-free; shared by every transport thread.
class admission {
 public:
  explicit admission(int64_t max_inflight) : max_(max_inflight) {}

  /// Takes a slot; false when the node is full.
  bool try_acquire() {
    if (inflight_.fetch_add(1, std::memory_order_acq_rel) >= max_.load(std::memory_order_relaxed)) {
      inflight_.fetch_sub(1, std::memory_order_acq_rel);
      return false;
    }
    return true;
  }
  /// Gives a slot back.
  void release() { inflight_.fetch_sub(1, std::memory_order_acq_rel); }
  /// Slots in use now.
  int64_t inflight() const { return inflight_.load(std::memory_order_relaxed); }
  /// The bound.
  int64_t limit() const { return max_.load(std::memory_order_relaxed); }
  /// A new bound (SIGHUP): requests already admitted keep their slots.
  void set_limit(int64_t max_inflight) { max_.store(max_inflight, std::memory_order_relaxed); }
  /// A call on a pipe (WebSocket, HTTP+SSE) began or was answered: not bounded by the limit,
  /// but a draining node waits for it too.
  void pipe_call_started() { pipe_calls_.fetch_add(1, std::memory_order_acq_rel); }
  void pipe_call_answered() { pipe_calls_.fetch_sub(1, std::memory_order_acq_rel); }
  /// Calls admitted or read from a pipe and not yet answered.
  int64_t unanswered() const {
    return inflight_.load(std::memory_order_relaxed) + pipe_calls_.load(std::memory_order_relaxed);
  }
  /// From now on new MCP requests are refused (503); the admitted ones finish.
  void start_draining() { draining_.store(true, std::memory_order_release); }
  bool draining() const { return draining_.load(std::memory_order_acquire); }

 private:
  std::atomic<int64_t> inflight_{0};
  std::atomic<int64_t> pipe_calls_{0};
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> max_;
};

}  // namespace io
}  // namespace mcprt
