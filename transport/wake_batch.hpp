// Wakes from producer threads (the notifier's shards offering notes), gathered per I/O thread:
// the first wake of a batch posts one drain to the thread's io_context, the others only join
// the list, and the drain resumes each connection directly (a connection lives on one I/O
// thread). One cross-thread post per batch instead of one per delivery; a drain resumes a
// bounded chunk and posts itself again for the rest, so reads and timers get their turn.
#pragma once

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
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
  /// `ioc` is run by exactly one thread: the one every connection waking here lives on.
  explicit wake_batch(boost::asio::io_context& ioc) : ioc_(ioc) {}

  /// Resumes `target` on the I/O thread soon, if it still exists. Thread-safe; after stop()
  /// it is dropped.
  void add(std::weak_ptr<wakeable> target) {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    pending_.push_back(std::move(target));
    if (!drain_posted_) {
      drain_posted_ = true;
      post_drain();  // Under the lock: once stop() returns, nothing reaches the io_context.
    }
  }

  /// The waker an outbox calls for `target`: it holds no executor (an outbox may outlive the
  /// io_context) and only a weak reference to the connection.
  std::function<void()> waker(std::weak_ptr<wakeable> target) {
    return [self = shared_from_this(), target = std::move(target)] { self->add(target); };
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
  bool drain_posted_ = false;
  bool stopped_ = false;
  // The I/O thread's side: the batch being resumed, and how far.
  std::vector<std::weak_ptr<wakeable>> draining_;
  size_t next_ = 0;
};

}  // namespace mcprt::transport
