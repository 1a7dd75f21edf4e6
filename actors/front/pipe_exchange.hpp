// The answer side of a request a pipe (WebSocket, HTTP+SSE, stdio) relayed to another node:
// what the owner answers as HTTP becomes messages on the pipe. A JSON body is one message; an
// SSE answer's events are one message each.
#pragma once

#include <memory>
#include <string>

#include "runtime/io/http_exchange.hpp"
#include "runtime/io/outbox.hpp"

namespace mcprt::actors::front {

class pipe_exchange final : public http_exchange {
 public:
  /// Writes to `box`; `rpc_id` (JSON) names the request in an error written for a lost answer.
  pipe_exchange(std::shared_ptr<outbox> box, std::string rpc_id);

  void respond(http_response response) override;
  void start_stream(http_headers) override {}
  void write_stream(std::string bytes, note_overflow overflow) override;
  void end_stream() override {}
  void pump(std::shared_ptr<outbox>, http_headers, std::chrono::milliseconds) override;
  void abort() override;
  // The pipe's own close and deadlines govern it; the owner keeps its own deadline.
  void on_client_close(std::function<void()>) override {}
  void arm_deadline(std::chrono::milliseconds, std::function<void()>) override {}

 private:
  std::shared_ptr<outbox> box_;
  std::string rpc_id_;
};

}  // namespace mcprt::actors::front
