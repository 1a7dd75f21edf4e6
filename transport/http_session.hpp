// Starts serving one accepted TCP connection as HTTP/1.1. Beast stays inside the .cpp.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>

#include "runtime/io/http_handler.hpp"
#include "runtime/observe/metrics.hpp"
#include "transport/address_limiter.hpp"
#include "transport/http_server.hpp"
#include "transport/idle_list.hpp"
#include "transport/live_limits.hpp"
#include "transport/open_streams.hpp"
#include "transport/wake_batch.hpp"

namespace mcprt::transport {

/// The TLS context new connections use, replaceable while the server runs.
class tls_context_holder {
 public:
  explicit tls_context_holder(std::shared_ptr<boost::asio::ssl::context> ctx)
      : current_(std::move(ctx)) {}
  std::shared_ptr<boost::asio::ssl::context> get() const {
    std::lock_guard<std::mutex> g(mutex_);
    return current_;
  }
  void set(std::shared_ptr<boost::asio::ssl::context> ctx) {
    std::lock_guard<std::mutex> g(mutex_);
    current_ = std::move(ctx);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
};

/// What every connection shares.
struct connection_context {
  server_options options;
  std::shared_ptr<http_handler> handler;
  std::shared_ptr<mcprt::metrics> metrics;
  std::shared_ptr<address_limiter> limiter;  ///< Counts connections per client address.
  /// Set: every connection speaks TLS, with the context current when it was accepted (SIGHUP
  /// may replace it; a connection's SSL keeps its own reference to the one it began with).
  std::shared_ptr<tls_context_holder> tls;
  /// Answers handed over (a response, or a stream's end) and not yet written: a draining
  /// server waits for them before it stops its I/O threads.
  std::shared_ptr<std::atomic<int64_t>> unwritten = std::make_shared<std::atomic<int64_t>>(0);
  /// SSE streams and WebSocket connections open now, which a draining server ends.
  std::shared_ptr<open_streams> streams = std::make_shared<open_streams>();
  /// The limits as SIGHUP last set them (options' at start): read these, not options'.
  std::shared_ptr<live_limits> limits;
  /// Where outbox wakers (on producer threads) hand their connections to this connection's
  /// I/O thread (each I/O thread has its own copy of the context).
  std::shared_ptr<wake_batch> wakes;
  /// This connection's I/O thread's connections waiting for their next request.
  std::shared_ptr<idle_list> idle;
  /// Its owned WebSocket connections (plain, uncompressed), each waiting for its next
  /// keep-alive tick (half of transport.wsIdleTimeoutMs): one timer for all of them.
  std::shared_ptr<idle_list> ws_keep_alive;
};

/// Serves `socket` (TLS first when ctx->tls is set) until the peer closes, an error, or an
/// idle timeout. `slot` holds the connection's place in its address's count for as long as
/// the connection lives.
void start_http_session(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<const connection_context> ctx, address_limiter::slot slot);

/// Answers a connection that may not be served (429, too many from its address) and closes it.
void refuse_http_connection(boost::asio::ip::tcp::socket socket,
                            std::shared_ptr<const connection_context> ctx);

}  // namespace mcprt::transport
