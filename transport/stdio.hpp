// The stdio transport: newline-delimited JSON-RPC on stdin/stdout for one client. Reads lines
// on the calling thread; writes whole lines from any thread. Knows lines, not MCP.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/io/frame_kind.hpp"

namespace mcprt {
inline namespace io {
class outbox;
}  // namespace io
}  // namespace mcprt

namespace mcprt::transport {

/// stdin/stdout as a message pipe.
class stdio_transport : public std::enable_shared_from_this<stdio_transport> {
 public:
  explicit stdio_transport(size_t max_line_bytes) : max_line_(max_line_bytes) {}

  /// Calls `on_line` for each line until stdin ends; `on_oversized` for a line over the limit
  /// (its bytes are skipped). Blocks the calling thread.
  void run(const std::function<void(std::string)>& on_line,
           const std::function<void()>& on_oversized);

  /// Writes one message and a newline to stdout, atomically with respect to other writes.
  void write_line(const std::string& message);

  /// write_line for a message of `role`: an answer that follows a request's notes waits
  /// (briefly, bounded) until the client has read them, so they never reach it in one read
  /// with the answer (the TypeScript SDK client drops a progress note it reads that way).
  void write_message(const std::string& message, frame_role role);

  /// Writes whatever `box` queues, one message per line, on the thread that queued it (one
  /// client: a blocked stdout may only hold up that client's own producers).
  void attach(const std::shared_ptr<outbox>& box);

 private:
  size_t max_line_;
  std::mutex write_mutex_;
  bool notes_unread_ = false;  // Under write_mutex_: notes written since the client last caught up.
};

}  // namespace mcprt::transport
