// A stream layer under Beast's websocket stream that makes the connection's own writer the
// only one on the socket. Once engaged, every write Beast starts by itself (a pong, a keep-alive
// ping, a close frame, a compressed message) is queued here instead of written; the writer
// takes the queue into its next gathered write, between whole frames of its own, and completes
// Beast's operation when the bytes are out. Reads pass through untouched.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "transport/ws_frame.hpp"

namespace mcprt::transport {

/// The completion of one of Beast's writes, type-erased and move-only. It is invoked on the
/// connection's I/O thread, the executor Beast's operations are bound to.
class write_done {
 public:
  write_done() = default;
  template <class Handler>
  explicit write_done(Handler h) : call_(std::make_unique<held<Handler>>(std::move(h))) {}
  void operator()(boost::system::error_code ec, std::size_t n) {
    auto call = std::move(call_);
    call->invoke(ec, n);
  }

 private:
  struct callable {
    virtual ~callable() = default;
    virtual void invoke(boost::system::error_code ec, std::size_t n) = 0;
  };
  template <class Handler>
  struct held final : callable {
    explicit held(Handler h) : handler(std::move(h)) {}
    void invoke(boost::system::error_code ec, std::size_t n) override { std::move(handler)(ec, n); }
    Handler handler;
  };
  std::unique_ptr<callable> call_;
};

/// Bytes Beast wrote while the gate was engaged, and the operation waiting for them.
struct gated_write {
  std::string bytes;
  write_done done;
  bool closes = false;  ///< A close frame: nothing may follow it on the connection.
};

template <class Next>
class write_gate {
 public:
  using executor_type = typename Next::executor_type;
  using next_layer_type = Next;

  explicit write_gate(Next next) : next_(std::move(next)) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  Next& next_layer() noexcept { return next_; }
  const Next& next_layer() const noexcept { return next_; }

  /// From now on Beast's writes wait for the writer; `queued` is called (on the connection's
  /// I/O thread, inside Beast's operation) each time one is queued.
  void engage(std::function<void()> queued) {
    queued_ = std::move(queued);
    engaged_ = true;
  }
  bool has_pending() const { return !pending_.empty(); }
  /// Moves the queued writes to the writer, which writes their bytes and then completes them.
  void take_pending(std::vector<gated_write>& into) {
    for (auto& w : pending_) {
      into.push_back(std::move(w));
    }
    pending_.clear();
  }
  /// Completes writes the writer took, with the outcome of the write that carried them (on
  /// the connection's I/O thread, never inside the caller).
  void complete(std::vector<gated_write>& taken, boost::system::error_code ec) {
    for (auto& w : taken) {
      auto n = ec ? 0 : w.bytes.size();
      boost::asio::post(get_executor(),
                        [done = std::move(w.done), ec, n]() mutable { std::move(done)(ec, n); });
    }
    taken.clear();
  }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return next_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const Buffers& bufs) {
          if (!engaged_) {
            next_.async_write_some(bufs, std::move(handler));
            return;
          }
          gated_write w;
          w.bytes.resize(boost::asio::buffer_size(bufs));
          boost::asio::buffer_copy(boost::asio::buffer(w.bytes), bufs);
          // A server's frames are unmasked and Beast writes each control frame whole, so
          // the first byte's low nibble is the opcode (8: close).
          w.closes = is_close_frame(w.bytes);
          w.done = write_done(std::move(handler));
          pending_.push_back(std::move(w));
          queued_();
        },
        token, buffers);
  }

 private:
  Next next_;
  bool engaged_ = false;
  std::function<void()> queued_;
  std::vector<gated_write> pending_;
};

/// Beast tears the connection down through the layer below the gate; the close frame it sent
/// first is already out, since the gate completes a write only once its bytes are.
template <class Next, class Handler>
void async_teardown(boost::beast::role_type role, write_gate<Next>& gate, Handler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, gate.next_layer(), std::forward<Handler>(handler));
}

template <class Next>
void teardown(boost::beast::role_type role, write_gate<Next>& gate, boost::system::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, gate.next_layer(), ec);
}

}  // namespace mcprt::transport
