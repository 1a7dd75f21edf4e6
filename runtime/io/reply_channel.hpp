// The one way an answer leaves the runtime: a transport implements reply_channel for each
// request it hands over. Thread-safe by contract; knows frames, not MCP.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/codec/errors.hpp"
#include "runtime/io/frame_kind.hpp"

namespace mcprt {
inline namespace io {

class event_log;
class outbox;

/// The values of one progress notification.
struct progress_values {
  double progress = 0;
  std::optional<double> total;
  std::string_view message;
};

/// A channel that takes a request's notes and answer as values rather than JSON frames (a
/// job's round reads them), so nothing parses what the responder wrote.
class value_sink {
 public:
  virtual ~value_sink() = default;
  /// A notification: its method and params (JSON text); `progress` for notifications/progress.
  virtual void note(std::string_view method, std::string_view params_json,
                    const progress_values* progress) = 0;
  /// The result object as the handler gave it (before any envelope members).
  virtual void result(std::string_view result_object) = 0;
  /// A 2026-07-28 input_required round: the requests (a JSON object) and the plain state.
  virtual void input_required(std::string_view input_requests, std::string_view state) = 0;
  /// The error the request ended with.
  virtual void error(const rpc_error& error) = 0;
};

/// Where the frames of one request go. Implementations must be safe to call from any thread
/// and must keep frames in call order.
class reply_channel {
 public:
  virtual ~reply_channel() = default;
  /// A JSON-RPC message related to the request: a notification (progress, log; `overflow` says
  /// what may become of it for a slow reader) or a server→client request (always kept). Over
  /// HTTP the first one turns the answer into an SSE stream.
  virtual void notify(std::string frame, note_overflow overflow) = 0;
  /// The final JSON-RPC response; `http_status` is used where the transport has statuses.
  virtual void finish(unsigned http_status, std::string frame) = 0;
  /// The request was cancelled: send nothing more for it. Over HTTP the exchange is dropped
  /// (an open stream ends without a result; a pending answer closes the connection).
  virtual void cancel() {}
  /// 2025-11-25 sessions: number this request's SSE events from the session's `log` (with a
  /// priming event and `retry:`), so a client can resume the stream with Last-Event-ID; frames
  /// that come after the server closed the stream go to `fallback` (the session's GET stream).
  // By value: implementations keep them.
  virtual void make_resumable(
      std::shared_ptr<event_log> /*log*/,    // NOLINT(performance-unnecessary-value-param)
      std::shared_ptr<outbox> /*fallback*/,  // NOLINT(performance-unnecessary-value-param)
      std::chrono::milliseconds /*retry*/) {}
  /// Ends the request's stream now (the client reconnects and resumes); only after
  /// make_resumable, otherwise ignored.
  virtual void close_stream() {}
  /// Non-null for a channel that takes values instead of frames (then notify and finish are
  /// not called for notes and answers).
  virtual value_sink* values() { return nullptr; }
};

using reply_channel_ptr = std::shared_ptr<reply_channel>;

}  // namespace io
}  // namespace mcprt
