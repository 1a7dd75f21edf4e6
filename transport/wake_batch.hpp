// Wakes from producer threads (the notifier's shards offering notes), gathered per I/O thread:
// the first wake of a batch posts one drain to the thread's io_context, the others only join
// the list, and the drain resumes each connection directly (a connection lives on one I/O
// thread). One cross-thread post per batch instead of one per delivery; a drain resumes a
// bounded chunk and posts itself again for the rest, so reads and timers get their turn.
//
// The flush window (transport.flushIntervalUs) is the thread's, not each connection's: a batch
// begun by a note drains a window after that note's wake, so the notes that follow (a burst, a
// subscriber's other topics) join their connections' writes; an urgent wake (an answer, a
// close) ends the wait at once. One timer per I/O thread instead of one per woken connection.
//
// A connection enrolls once and is woken by its ticket (a slot number and the slot's
// generation): a wake copies eight bytes, and only the I/O thread touches the connection's
// reference counts. On the fan-out path, bound by cache misses rather than work, the
// producer's thread then writes no line of the connection's for the I/O thread to fetch back.
#pragma once

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "runtime/io/outbox.hpp"
#include "runtime/io/prefetch.hpp"

namespace mcprt::transport {

/// A connection with output to write after a wake.
class wakeable {
 public:
  /// Runs on the connection's own I/O thread.
  virtual void resume() = 0;
  /// Hints, no more: prefetch the lines resume() reads first, without waiting for any of them.
  /// The drain calls them a few connections ahead of resuming each (see drain()).
  /// The connection's own lines (found without reading any of them).
  virtual void warm() const {}
  /// What those lines point to (its queue, say): called a few connections after warm().
  virtual void warm_parts() const {}

 protected:
  ~wakeable() = default;
};

/// Names an enrolled connection to its wake_batch. A slot left and taken again gets a new
/// generation, so a ticket outliving its connection wakes nothing.
struct wake_ticket {
  uint32_t slot = 0;
  uint32_t generation = 0;
};

class wake_batch final : public std::enable_shared_from_this<wake_batch>, public wake_sink {
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

  /// A connection's place here, for as long as the enrollment lives (its owner keeps the
  /// wake_batch alive longer: a connection holds its I/O thread's context).
  class enrollment {
   public:
    enrollment() = default;
    enrollment(wake_batch& batch, wake_ticket ticket) : batch_(&batch), ticket_(ticket) {}
    enrollment(enrollment&& other) noexcept
        : batch_(std::exchange(other.batch_, nullptr)), ticket_(other.ticket_) {}
    enrollment& operator=(enrollment&& other) noexcept {
      if (this != &other) {
        leave();
        batch_ = std::exchange(other.batch_, nullptr);
        ticket_ = other.ticket_;
      }
      return *this;
    }
    ~enrollment() { leave(); }
    wake_ticket ticket() const { return ticket_; }

   private:
    void leave() {
      if (batch_ != nullptr) {
        std::exchange(batch_, nullptr)->leave(ticket_);
      }
    }
    wake_batch* batch_ = nullptr;
    wake_ticket ticket_;
  };

  /// Gives `target` a ticket. Thread-safe.
  enrollment enroll(std::weak_ptr<wakeable> target) {
    // Locked out of the mutex: were this the last owner, the connection's end (leave) would
    // take the mutex again.
    auto alive = target.lock();
    std::lock_guard<std::mutex> g(mutex_);
    uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    // The whole object, not its wakeable part: make_shared put the counts before the former,
    // and wakeable need not be a connection's first base.
    slots_[slot].lines = dynamic_cast<const void*>(alive.get());
    slots_[slot].target = std::move(target);
    return enrollment(*this, wake_ticket{slot, slots_[slot].generation});
  }

  /// Resumes the connection of `ticket` on the I/O thread soon (after the flush window when a
  /// note begins the batch and nothing urgent joins it), if it is still enrolled and alive.
  /// Thread-safe; after stop() it is dropped.
  void add(wake_ticket ticket, bool urgent = true) {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    pending_.push_back(ticket);
    begin_or_join_locked(urgent);
  }

  /// An outbox's writer token for `ticket` (outbox::attach_writer with this batch as sink).
  static uint64_t token(wake_ticket ticket) {
    return (uint64_t{ticket.slot} << 32) | ticket.generation;
  }

  /// outbox::attach_writer's wakes. An outbox calls it under its lock and never after detach(),
  /// which a connection calls before its enrollment (and the context keeping this batch) goes.
  void wake(uint64_t token, bool urgent) override { add(ticket_of(token), urgent); }

  /// A publish loop's gathered note wakes (wake_gathering), under one lock.
  void wake_notes(std::span<const uint64_t> tokens) override {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_ || tokens.empty()) {
      return;
    }
    for (auto token : tokens) {
      pending_.push_back(ticket_of(token));
    }
    begin_or_join_locked(false);
  }

  /// Kept alive while a gathering holds wakes for it (null if no shared_ptr owns it).
  std::shared_ptr<wake_sink> hold() override { return weak_from_this().lock(); }

  /// The I/O thread is stopping: nothing more is posted to it.
  void stop() {
    std::lock_guard<std::mutex> g(mutex_);
    stopped_ = true;
    pending_.clear();
  }

 private:
  static constexpr size_t chunk = 64;  // Connections one drain resumes before posting again.
  static constexpr size_t ahead = 8;   // How far ahead of resume() warm() runs.

  struct slot {
    std::weak_ptr<wakeable> target;
    const void* lines = nullptr;  // The target's object, for prefetching only: it may be gone.
    uint32_t generation = 0;
  };

  static wake_ticket ticket_of(uint64_t token) {
    return wake_ticket{static_cast<uint32_t>(token >> 32), static_cast<uint32_t>(token)};
  }

  // Wakes were just queued: the first of a batch posts its drain (or its window), an urgent one
  // ends a window under way. Posted under the lock: once stop() returns, nothing reaches the
  // io_context.
  void begin_or_join_locked(bool urgent) {
    if (!drain_posted_) {
      drain_posted_ = true;
      auto window = urgent || !timer_ ? std::chrono::microseconds(0) : window_();
      if (window.count() <= 0) {
        return post_drain();
      }
      holding_ = ++window_number_;
      cut_posted_ = false;
      // The window counts from the note's wake, not from when the I/O thread gets to it (a
      // busy or sleeping thread takes a few hundred microseconds on this box).
      auto ends = std::chrono::steady_clock::now() + window;
      boost::asio::post(
          ioc_, [self = shared_from_this(), ends, n = holding_] { self->open_window(ends, n); });
    } else if (urgent && holding_ != 0 && !cut_posted_) {
      cut_posted_ = true;
      boost::asio::post(ioc_, [self = shared_from_this(), n = holding_] { self->end_window(n); });
    }
  }

  void leave(wake_ticket ticket) {
    std::lock_guard<std::mutex> g(mutex_);
    auto& s = slots_[ticket.slot];
    s.target.reset();
    s.lines = nullptr;
    ++s.generation;
    free_.push_back(ticket.slot);
  }

  void post_drain() {
    boost::asio::post(ioc_, [self = shared_from_this()] { self->drain(); });
  }

  // On the I/O thread: window `n`, ending at `ends`, is waited out.
  void open_window(std::chrono::steady_clock::time_point ends, uint64_t n) {
    timer_->expires_at(ends);
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
  // when that one is done, and ends when nothing is pending. A chunk's connections are looked
  // up under the lock (a connection may leave from any thread) and resumed outside it.
  void drain() {
    std::array<std::shared_ptr<wakeable>, chunk> targets;
    size_t count = 0;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (next_ == draining_.size()) {
        draining_.clear();
        next_ = 0;
        if (stopped_ || pending_.empty()) {
          drain_posted_ = false;
          return;
        }
        draining_.swap(pending_);
      }
      auto end = std::min(next_ + chunk, draining_.size());
      // Each lock below writes a connection's reference counts, which wait for its slot's
      // line: both asked for first, all at once. make_shared puts the counts just before the
      // object.
      std::array<const slot*, chunk> at;
      for (auto i = next_; i < end; ++i) {
        at[i - next_] = &slots_[draining_[i].slot];
        prefetch_for_write(at[i - next_], sizeof(slot));
      }
      for (auto i = next_; i < end; ++i) {
        constexpr size_t counts = 2 * sizeof(void*);
        prefetch_before_for_write(at[i - next_]->lines, counts, 2 * counts);
      }
      for (auto i = next_; i < end; ++i) {
        const auto& s = *at[i - next_];
        if (s.generation == draining_[i].generation) {
          if (auto target = s.target.lock()) {
            targets[count++] = std::move(target);
          }
        }
      }
      next_ = end;
    }
    // A round touches each connection once, so each first touch waits for memory. In this
    // pipeline a connection's lines are asked for `ahead` connections before its resume(),
    // what they point to half as many before: they arrive while the connections before write.
    for (size_t i = 0; i < count + ahead; ++i) {
      if (i < count) {
        targets[i]->warm();
      }
      if (i >= ahead / 2 && i - ahead / 2 < count) {
        targets[i - ahead / 2]->warm_parts();
      }
      if (i >= ahead) {
        targets[i - ahead]->resume();
      }
    }
    std::lock_guard<std::mutex> g(mutex_);
    if (!stopped_) {
      post_drain();  // The rest of this batch, or what came meanwhile; an empty turn ends it.
    }
  }

  boost::asio::io_context& ioc_;
  std::mutex mutex_;
  std::vector<wake_ticket> pending_;
  std::deque<slot> slots_;  // Grows in blocks: no doubled copy, no hole left behind it.
  std::vector<uint32_t> free_;
  bool drain_posted_ = false;  // A drain (or a window before one) is on its way.
  bool stopped_ = false;
  uint64_t window_number_ = 0;
  uint64_t holding_ = 0;     // The window being waited out, or 0.
  bool cut_posted_ = false;  // An urgent wake has asked to end it.
  // Set by hold_notes: the flush window's timer (touched on the I/O thread only) and length.
  boost::asio::steady_timer* timer_ = nullptr;
  window_source window_;
  // The I/O thread's side: the batch being resumed, and how far (read under the lock).
  std::vector<wake_ticket> draining_;
  size_t next_ = 0;
};

}  // namespace mcprt::transport
