// A subscriber stream's flush window (transport.flushIntervalUs): when a note wakes an idle
// connection, its writer waits this long before writing, so the notes that follow (a burst,
// the other topics of a subscriber that follows several) share one write. Anything urgent (an
// answer, a server request, Beast's own frames) opens the window at once.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <utility>

namespace mcprt::transport {

/// Used on the connection's I/O thread only.
class flush_window {
 public:
  template <class Executor>
  explicit flush_window(const Executor& ex) : timer_(ex) {}

  /// True when the writer should wait now. `then` runs (on the I/O thread) when the window closes;
  /// it must keep the connection, and so this window, alive.
  template <class Then>
  bool hold(std::chrono::microseconds window, bool urgent, Then then) {
    if (open_) {
      return false;
    }
    if (window.count() <= 0 || urgent) {
      open_ = true;
      if (std::exchange(holding_, false)) {
        timer_.cancel();
      }
      return false;
    }
    if (!holding_) {
      holding_ = true;
      timer_.expires_after(window);
      timer_.async_wait([this, then = std::move(then)](boost::system::error_code ec) mutable {
        if (ec || !holding_) {
          return;
        }
        holding_ = false;
        open_ = true;
        then();
      });
    }
    return true;
  }

  /// The writer found nothing queued: the next note that wakes it opens a new window.
  void idle() { open_ = false; }
  /// The connection is over.
  void cancel() {
    holding_ = false;
    timer_.cancel();
  }

 private:
  boost::asio::steady_timer timer_;
  bool holding_ = false;  // The timer runs; the writer waits for it.
  bool open_ = false;     // The writer writes until it finds nothing queued.
};

}  // namespace mcprt::transport
