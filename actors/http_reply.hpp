// reply_channel over an http_exchange: a JSON body when the result comes first, an SSE
// stream when a notification comes first (Streamable HTTP's two answer shapes).
#pragma once

#include <mutex>

#include "runtime/http_exchange.hpp"
#include "runtime/reply_channel.hpp"

namespace mcprt::actors {

/// Answers one POSTed request.
class http_reply final : public reply_channel {
 public:
  http_reply(http_exchange_ptr exchange, http_headers headers)
      : exchange_(std::move(exchange)), headers_(std::move(headers)) {}

  void notify(std::string frame) override;
  void finish(unsigned http_status, std::string frame) override;
  void cancel() override;

 private:
  static std::string sse_event(const std::string& frame);

  std::mutex mutex_;
  http_exchange_ptr exchange_;
  http_headers headers_;
  bool streaming_ = false;
  bool finished_ = false;
};

}  // namespace mcprt::actors
