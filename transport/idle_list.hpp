// The connections of one I/O thread that wait, between requests, for their next one: a list in
// the order they began to wait, and one timer for all of them. A per-connection timer cost
// each idle connection a timer object and a pending wait (about 0.35 KiB); the list costs
// three words. Every connection waits the same live idle timeout, so the order they began in
// is the order they expire in.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace mcprt::transport {

/// A connection that can wait on an idle_list.
class idle_watcher {
 public:
  /// Its idle timeout passed: the list has already let go of it. Runs on the I/O thread.
  virtual void idle_expired() = 0;

 protected:
  ~idle_watcher() = default;

 private:
  friend class idle_list;
  idle_watcher* prev_ = nullptr;
  idle_watcher* next_ = nullptr;
  std::chrono::steady_clock::time_point since_{};  // The epoch: not on a list.
};

class idle_list : public std::enable_shared_from_this<idle_list> {
 public:
  using clock = std::chrono::steady_clock;
  /// `timeout` is read at every watch and sweep, so SIGHUP's new value holds for all. `timer`
  /// belongs to the I/O thread's loop, which keeps it until the thread has stopped (a list can
  /// outlive its io_context, held by a connection an actor still holds).
  idle_list(boost::asio::steady_timer& timer, std::function<std::chrono::milliseconds()> timeout)
      : timer_(timer), timeout_(std::move(timeout)) {}

  /// `w` begins to wait now. On the I/O thread; `w` must not be on a list.
  void watch(idle_watcher& w);
  /// `w` stops waiting (its next request began, or it closes). No-op when it is not listed.
  void forget(idle_watcher& w);
  /// Connections waiting now.
  size_t size() const { return size_; }

 private:
  void arm(clock::time_point due);
  void sweep();

  boost::asio::steady_timer& timer_;
  std::function<std::chrono::milliseconds()> timeout_;
  idle_watcher* head_ = nullptr;  // The one waiting longest.
  idle_watcher* tail_ = nullptr;
  size_t size_ = 0;
  bool armed_ = false;
  clock::time_point armed_for_{};
};

}  // namespace mcprt::transport
