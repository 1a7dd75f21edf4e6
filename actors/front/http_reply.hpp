// reply_channel over an http_exchange: a JSON body when the result comes first, an SSE
// stream when a notification comes first (Streamable HTTP's two answer shapes).
#pragma once

#include <mutex>

#include "runtime/io/http_exchange.hpp"
#include "runtime/io/reply_channel.hpp"

namespace mcprt::actors::front {

/// Answers one POSTed request.
class http_reply final : public reply_channel {
 public:
  http_reply(http_exchange_ptr exchange, http_headers headers)
      : exchange_(std::move(exchange)), headers_(std::move(headers)) {}

  void notify(std::string frame, note_overflow overflow) override;
  void finish(unsigned http_status, std::string frame) override;
  void cancel() override;
  void make_resumable(std::shared_ptr<event_log> log, std::shared_ptr<outbox> fallback,
                      std::chrono::milliseconds retry) override;
  void close_stream() override;

 private:
  // Both under mutex_.
  void start_locked();
  std::string event_locked(std::string frame);

  std::mutex mutex_;
  http_exchange_ptr exchange_;
  http_headers headers_;
  bool streaming_ = false;
  bool finished_ = false;
  // Resumable (2025-11-25 sessions).
  std::shared_ptr<event_log> log_;
  std::shared_ptr<outbox> fallback_;
  std::chrono::milliseconds retry_{0};
  uint64_t stream_ = 0;
  bool closed_by_server_ = false;
};

}  // namespace mcprt::actors::front
