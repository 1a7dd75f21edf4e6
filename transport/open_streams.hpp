// The long-lived answers a server holds open (SSE streams, WebSocket connections), so that a
// draining server can end each with a reconnect hint instead of cutting it when it stops.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace mcprt::transport {

/// Thread-safe: streams open and end on every I/O thread; the node ends them all from its own.
class open_streams {
 public:
  /// Ends one stream, on its own I/O thread, telling the client to come back after `retry`.
  using ender = std::function<void(std::chrono::milliseconds retry)>;

  /// Registers a stream; its ticket for forget(). After end_all() a new stream is ended at once.
  uint64_t add(ender end);
  /// The stream has ended (or never will be ended by us); forgetting twice is harmless.
  void forget(uint64_t ticket);
  /// Asks every open stream to end with `retry` as the hint; how many were asked.
  size_t end_all(std::chrono::milliseconds retry);
  /// Streams registered and not yet forgotten.
  size_t open() const;

 private:
  mutable std::mutex mutex_;
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, ender> enders_;
  bool ending_ = false;
  std::chrono::milliseconds retry_{0};
};

}  // namespace mcprt::transport
