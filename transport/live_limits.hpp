// The transport limits SIGHUP may change while connections are open. Each is read where it is
// used, so the next request, write or connection follows the new value; what a connection is
// in the middle of (a header being read, a write in progress) keeps the value it started with.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "transport/http_server.hpp"

namespace mcprt::transport {

/// Lock-free; every I/O thread reads, the node's main thread writes.
class live_limits {
 public:
  explicit live_limits(const server_options& o) { set(o); }

  /// Takes the limits of `o` (the rest of `o` needs a restart).
  void set(const server_options& o) {
    max_payload_bytes_.store(o.max_payload_bytes, std::memory_order_relaxed);
    max_header_bytes_.store(o.max_header_bytes, std::memory_order_relaxed);
    header_timeout_ms_.store(o.header_timeout.count(), std::memory_order_relaxed);
    idle_timeout_ms_.store(o.idle_timeout.count(), std::memory_order_relaxed);
    ws_idle_timeout_ms_.store(o.ws_idle_timeout.count(), std::memory_order_relaxed);
    batch_size_.store(o.batch_size, std::memory_order_relaxed);
    stream_queue_.store(o.stream_queue, std::memory_order_relaxed);
    queue_watermark_.store(o.queue_watermark, std::memory_order_relaxed);
    flush_interval_us_.store(o.flush_interval.count(), std::memory_order_relaxed);
  }

  size_t max_payload_bytes() const { return max_payload_bytes_.load(std::memory_order_relaxed); }
  size_t max_header_bytes() const { return max_header_bytes_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds header_timeout() const {
    return std::chrono::milliseconds(header_timeout_ms_.load(std::memory_order_relaxed));
  }
  std::chrono::milliseconds idle_timeout() const {
    return std::chrono::milliseconds(idle_timeout_ms_.load(std::memory_order_relaxed));
  }
  std::chrono::milliseconds ws_idle_timeout() const {
    return std::chrono::milliseconds(ws_idle_timeout_ms_.load(std::memory_order_relaxed));
  }
  size_t batch_size() const { return batch_size_.load(std::memory_order_relaxed); }
  size_t stream_queue() const { return stream_queue_.load(std::memory_order_relaxed); }
  double queue_watermark() const { return queue_watermark_.load(std::memory_order_relaxed); }
  std::chrono::microseconds flush_interval() const {
    return std::chrono::microseconds(flush_interval_us_.load(std::memory_order_relaxed));
  }

 private:
  std::atomic<size_t> max_payload_bytes_{0};
  std::atomic<size_t> max_header_bytes_{0};
  std::atomic<int64_t> header_timeout_ms_{0};
  std::atomic<int64_t> idle_timeout_ms_{0};
  std::atomic<int64_t> ws_idle_timeout_ms_{0};
  std::atomic<size_t> batch_size_{0};
  std::atomic<size_t> stream_queue_{0};
  std::atomic<double> queue_watermark_{0};
  std::atomic<int64_t> flush_interval_us_{0};
};

}  // namespace mcprt::transport
