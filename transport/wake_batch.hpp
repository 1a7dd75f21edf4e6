// Wakes from producer threads (the notifier's shards offering notes), gathered per I/O thread:
// the first wake of a batch posts one drain to the thread's io_context, the others only join
// the list, and the drain resumes each connection directly (a connection lives on one I/O
// thread). One cross-thread post per batch instead of one per delivery; a drain resumes a
// bounded chunk and posts itself again for the rest, so reads and timers get their turn.
//
// The flush window (transport.flushIntervalUs) is the thread's, not each connection's: a batch
// begun by a note waits the window before its drain, so the notes that follow (a burst, a
// subscriber's other topics) join their connections' writes; an urgent wake (an answer, a
// close) ends the wait at once. One timer per I/O thread instead of one per woken connection.
#pragma once

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace mcprt::transport {

/// A connection with output to write after a wake.
class wakeable {
 public:
  /// Runs on the connection's own I/O thread.
  virtual void resume() = 0;

 protected:
  ~wakeable() = default;
};

class wake_batch : public std::enable_shared_from_this<wake_batch> {
 public:
  using window_source = std::function<std::chrono::microseconds()>;

  /// `ioc` is run by exactly one thread: the one every connection waking here lives on.
  explicit wake_batch(boost::asio::io_context& ioc) : ioc_(ioc) {}

  /// Holds batches begun by a note for `window()` (read at each batch; 0: no wait) on `timer`,
  /// which its owner keeps until the I/O thread has stopped. Call before the first add().
  void hold_notes(boost::asio::steady_timer& timer, window_source window) {
    timer_ = &timer;
    window_ = std::move(window);
  }

  /// Resumes `target` on the I/O thread soon (after the flush window when a note begins the
  /// batch and nothing urgent joins it), if it still exists. Thread-safe; after stop() it is
  /// dropped.
  void add(std::weak_ptr<wakeable> target, bool urgent = true) {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    pending_.push_back(std::move(target));
    // Posted under the lock: once stop() returns, nothing reaches the io_context.
    if (!drain_posted_) {
      drain_posted_ = true;
      auto window = urgent || !timer_ ? std::chrono::microseconds(0) : window_();
      if (window.count() <= 0) {
        return post_drain();
      }
      holding_ = ++window_number_;
      cut_posted_ = false;
      boost::asio::post(ioc_, [self = shared_from_this(), window, n = holding_] {
        self->open_window(window, n);
      });
    } else if (urgent && holding_ != 0 && !cut_posted_) {
      cut_posted_ = true;
      boost::asio::post(ioc_, [self = shared_from_this(), n = holding_] { self->end_window(n); });
    }
  }

  /// The waker an outbox calls for `target` (outbox::attach_writer): it holds no executor (an
  /// outbox may outlive the io_context) and only a weak reference to the connection.
  std::function<void(bool)> waker(std::weak_ptr<wakeable> target) {
    return [self = shared_from_this(), target = std::move(target)](bool urgent) {
      self->add(target, urgent);
    };
  }

  /// The I/O thread is stopping: nothing more is posted to it.
  void stop() {
    std::lock_guard<std::mutex> g(mutex_);
    stopped_ = true;
    pending_.clear();
  }

 private:
  static constexpr size_t chunk = 64;  // Connections one drain resumes before posting again.

  void post_drain() {
    boost::asio::post(ioc_, [self = shared_from_this()] { self->drain(); });
  }

  // On the I/O thread: window `n` starts.
  void open_window(std::chrono::microseconds window, uint64_t n) {
    timer_->expires_after(window);
    timer_->async_wait([self = shared_from_this(), n](boost::system::error_code ec) {
      if (!ec) {
        self->end_window(n);
      }
    });
  }

  // On the I/O thread: window `n` ends (its time is up, or an urgent wake cut it short), and
  // its batch drains. A late call for an ended window does nothing.
  void end_window(uint64_t n) {
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (holding_ != n || stopped_) {
        return;
      }
      holding_ = 0;
    }
    timer_->cancel();
    drain();
  }

  // On the I/O thread. Resumes the next chunk of the batch taken last; takes the next batch
  // when that one is done, and ends when nothing is pending.
  void drain() {
    if (next_ == draining_.size()) {
      draining_.clear();
      next_ = 0;
      std::lock_guard<std::mutex> g(mutex_);
      if (stopped_ || pending_.empty()) {
        drain_posted_ = false;
        return;
      }
      draining_.swap(pending_);
    }
    auto end = std::min(next_ + chunk, draining_.size());
    for (; next_ < end; ++next_) {
      if (auto target = draining_[next_].lock()) {
        target->resume();
      }
    }
    std::lock_guard<std::mutex> g(mutex_);
    if (!stopped_) {
      post_drain();  // The rest of this batch, or what came meanwhile; an empty turn ends it.
    }
  }

  boost::asio::io_context& ioc_;
  std::mutex mutex_;
  std::vector<std::weak_ptr<wakeable>> pending_;
  bool drain_posted_ = false;  // A drain (or a window before one) is on its way.
  bool stopped_ = false;
  uint64_t window_number_ = 0;
  uint64_t holding_ = 0;     // The window being waited out, or 0.
  bool cut_posted_ = false;  // An urgent wake has asked to end it.
  // Set by hold_notes: the flush window's timer (touched on the I/O thread only) and length.
  boost::asio::steady_timer* timer_ = nullptr;
  window_source window_;
  // The I/O thread's side: the batch being resumed, and how far.
  std::vector<std::weak_ptr<wakeable>> draining_;
  size_t next_ = 0;
};

}  // namespace mcprt::transport
