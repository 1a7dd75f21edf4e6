// The Beast HTTP server: a listener, I/O threads, and one http_session per connection.
// Only Boost.Asio's io_context leaks into this header; Beast stays in the .cpp files.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "runtime/io/http_handler.hpp"
#include "runtime/observe/metrics.hpp"
#include "transport/tls_files.hpp"

namespace mcprt::transport {

/// Transport knobs, from config.
struct server_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  ///< 0 picks any free port.
  int io_threads = 0;    ///< 0: io_threads_for() the machine.
  size_t max_payload_bytes = size_t{512} * 1024;
  std::chrono::milliseconds idle_timeout{60000};  ///< Keep-alive connections idle this long close.
  /// A request's header must arrive whole within this, counted from its first byte (from the
  /// accept on a new connection), so a client that trickles it cannot hold the connection.
  std::chrono::milliseconds header_timeout{5000};
  size_t max_header_bytes = size_t{16} * 1024;  ///< Request line and header fields together.
  size_t max_connections_per_address = 0;  ///< Open connections from one client address; 0: any.
  size_t batch_size = 64;                  ///< Most queued frames gathered into one write.
  size_t stream_queue = 1024;     ///< Bound of a request's SSE queue (notifier.subscriberQueue).
  double queue_watermark = 0.75;  ///< Fraction of it past which progress and logs give way.
  int send_buffer_bytes = 0;      ///< SO_SNDBUF of accepted sockets; 0 leaves the kernel's default.
  std::chrono::milliseconds ws_idle_timeout{60000};  ///< WebSocket: ping at half, close after.
  bool ws_deflate = false;                           ///< WebSocket permessage-deflate.
  /// A woken subscriber stream holds its first note this long so the next ones share its write.
  std::chrono::microseconds flush_interval{0};
  tls_files tls;  ///< HTTPS and WSS when set; plain HTTP otherwise.
};

/// The I/O threads for `configured` on a machine of `cores` (0: unknown): the configured number,
/// or for 0 one per core but one, leaving a core to the actors (notifier shards, sessions), and
/// at least one.
int io_threads_for(int configured, unsigned cores);

/// Accepts connections and serves them on its own I/O threads.
class http_server {
 public:
  http_server(server_options options, std::shared_ptr<http_handler> handler,
              std::shared_ptr<mcprt::metrics> metrics);
  ~http_server();

  /// Reads the certificate and key of options.tls (when set); an error message, or empty.
  std::string load_tls();
  /// Reads `files` again (SIGHUP): new connections use them, open ones keep theirs. On an
  /// error message the running context stays.
  std::string reload_tls(const tls_files& files);
  /// SIGHUP: takes next's limits (payload, header size and time, idle times, batch size,
  /// stream queue and watermark, connections per address) for the next reads, writes and
  /// connections. Listen address, threads, socket buffer, deflate and TLS files stay.
  void apply_limits(const server_options& next);
  /// Binds and listens; returns the bound port or the bind error.
  std::error_code listen(uint16_t& bound_port);
  /// Starts the I/O threads; returns at once.
  void start();
  /// Stops accepting, stops the I/O threads and joins them.
  void stop();
  /// Answers handed to connections and not yet written (a draining node waits for none).
  int64_t unwritten() const;
  /// The I/O threads start() runs.
  int io_threads() const;
  /// Draining: asks every SSE stream to end with a `retry` hint and every WebSocket to close
  /// with 1012 (service restart), each after what it has queued; streams opened later end at
  /// once. Returns how many were asked.
  size_t end_streams(std::chrono::milliseconds retry);
  /// Streams (SSE answers, WebSocket connections) not yet ended.
  size_t streams_open() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mcprt::transport
