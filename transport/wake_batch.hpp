// Wakes from producer threads (the notifier's shards offering notes), gathered: the first
// wake of a batch posts one drain to the I/O threads, the others only join the list, and the
// drain resumes each connection on its strand from inside the I/O thread. One cross-thread
// post per batch instead of one per delivery; a drain takes a bounded chunk and re-posts the
// rest, so several I/O threads share a large batch.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace mcprt::transport {

class wake_batch : public std::enable_shared_from_this<wake_batch> {
 public:
  explicit wake_batch(boost::asio::io_context& ioc) : ioc_(ioc) {}

  /// Runs `resume` on an I/O thread soon. Thread-safe; after stop() it is dropped.
  void add(std::function<void()> resume) {
    bool post = false;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (stopped_) {
        return;
      }
      pending_.push_back(std::move(resume));
      post = !drain_posted_;
      drain_posted_ = true;
    }
    if (post) {
      post_drain();
    }
  }

  /// The I/O threads are stopping: nothing more is posted to them.
  void stop() {
    std::lock_guard<std::mutex> g(mutex_);
    stopped_ = true;
    pending_.clear();
  }

 private:
  static constexpr size_t chunk = 64;  // Wakes one drain runs before re-posting the rest.

  void post_drain() {
    boost::asio::post(ioc_, [self = shared_from_this()] { self->drain(); });
  }

  void drain() {
    std::vector<std::function<void()>> taken;
    bool more = false;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (stopped_) {
        return;
      }
      if (pending_.size() <= chunk) {
        taken.swap(pending_);
        pending_.reserve(taken.capacity());
        drain_posted_ = false;
      } else {
        auto upto = pending_.begin() + static_cast<std::ptrdiff_t>(chunk);
        taken.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(upto));
        pending_.erase(pending_.begin(), upto);
        more = true;  // Still posted: another I/O thread takes the rest.
      }
    }
    if (more) {
      post_drain();
    }
    for (auto& resume : taken) {
      resume();
    }
  }

  boost::asio::io_context& ioc_;
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
  bool drain_posted_ = false;
  bool stopped_ = false;
};

}  // namespace mcprt::transport
