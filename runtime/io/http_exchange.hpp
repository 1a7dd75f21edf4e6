// The seam between the Beast transport and the MCP endpoint: a transport-neutral HTTP
// request, a complete response, and the exchange through which a handler answers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/codec/ascii.hpp"
#include "runtime/io/frame_kind.hpp"

namespace mcprt {
inline namespace io {

class outbox;

using http_headers = std::vector<std::pair<std::string, std::string>>;

/// True when two header names are equal, ignoring ASCII case (RFC 9110 field names).
inline bool same_header_name(std::string_view a, std::string_view b) {
  return iequals(a, b);
}

/// One HTTP request as the transport read it: no header has a meaning here; the handler
/// looks up the ones it knows.
struct http_request {
  std::string method;    ///< "GET", "POST", ...
  std::string path;      ///< Target without the query.
  std::string query;     ///< After '?', or empty.
  http_headers headers;  ///< Every header field in arrival order, names as sent.
  std::string body;
  /// The subject (RFC 2253) of the client certificate TLS verified on this connection; empty
  /// without TLS or without a certificate.
  std::string client_subject;

  /// The first value of header `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (same_header_name(n, name)) {
        return &v;
      }
    }
    return nullptr;
  }
  /// Sets header `name` to `value`, replacing its first value (for tests and rewrites).
  void set_header(std::string_view name, std::string value) {
    for (auto& [n, v] : headers) {
      if (same_header_name(n, name)) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::string(name), std::move(value));
  }
};

/// A complete (non-streaming) response.
struct http_response {
  unsigned status = 200;
  std::string content_type;  ///< Empty for no body.
  std::string body;
  http_headers headers;
};

/// The answer side of one HTTP request. Thread-safe: implementations hop onto their
/// connection's I/O thread. Exactly one of respond() or start_stream()..end_stream() happens.
class http_exchange {
 public:
  virtual ~http_exchange() = default;
  /// Sends a complete response.
  virtual void respond(http_response response) = 0;
  /// Starts a `text/event-stream` response with these extra headers.
  virtual void start_stream(http_headers headers) = 0;
  /// Appends bytes (whole SSE events) to the stream. While the client reads slower than
  /// events come, `overflow` says what may become of them (the queue stays bounded).
  virtual void write_stream(std::string bytes, note_overflow overflow) = 0;
  /// Ends the stream; the connection may serve its next request.
  virtual void end_stream() = 0;
  /// Answers with a long-lived `text/event-stream` fed by `source` (a GET stream): writes what
  /// it queues in gathered batches until it closes, the client goes (the source is detached,
  /// keeping what is queued for the next connection), or another connection attaches to it.
  /// Sends an SSE comment after `keep_alive` of silence.
  virtual void pump(std::shared_ptr<outbox> source, http_headers headers,
                    std::chrono::milliseconds keep_alive) = 0;
  /// Gives up on the answer: ends an open stream without more data, or closes the connection
  /// when nothing was sent yet (HTTP has no way to send "no response").
  virtual void abort() = 0;
  /// Runs `on_close` on the connection's I/O thread if the client closes the connection before
  /// the answer is complete (2026-07-28: closing the stream cancels the request).
  virtual void on_client_close(std::function<void()> on_close) = 0;
  /// Runs `on_expiry` on the connection's I/O thread unless the answer completes first.
  virtual void arm_deadline(std::chrono::milliseconds after, std::function<void()> on_expiry) = 0;
};

using http_exchange_ptr = std::shared_ptr<http_exchange>;

}  // namespace io
}  // namespace mcprt
