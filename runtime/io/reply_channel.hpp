// The one way an answer leaves the runtime: a transport implements reply_channel for each
// request it hands over. Thread-safe by contract; knows frames, not MCP.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "runtime/io/frame_kind.hpp"

namespace mcprt {
inline namespace io {

class event_log;
class outbox;

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
};

using reply_channel_ptr = std::shared_ptr<reply_channel>;

}  // namespace io
}  // namespace mcprt
