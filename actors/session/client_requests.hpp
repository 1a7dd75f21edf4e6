// A session's outstanding server→client requests: ids, the capability check, routing the
// client's answers back to the waiting handler, expiry. Plain state owned by one actor.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "runtime/api/messages.hpp"

namespace mcprt::actors::session {

/// The outstanding requests of one session.
class client_requests {
 public:
  static constexpr size_t max_outstanding = 64;

  explicit client_requests(client_caps caps) : caps_(caps) {}

  /// Sends `ask` on its related stream. Returns the id to expire later, or an empty string
  /// when the ask was refused at once (its on_reply already has the error).
  std::string send(client_ask ask);
  /// Routes a client's response to its handler; false when no request with its id waits.
  bool answer(const rpc::message& response);
  /// The client did not answer `id` in time: the handler gets an error and the client a
  /// notifications/cancelled on the related stream.
  void expire(const std::string& id);
  /// The session ends: every waiting handler gets an error.
  void fail_all(std::string_view reason);
  /// Requests still waiting.
  size_t outstanding() const { return pending_.size(); }

 private:
  struct pending {
    responder related;
    client_reply_fn on_reply;
  };

  client_caps caps_;
  int64_t next_id_ = 1;
  std::unordered_map<std::string, pending> pending_;
};

}  // namespace mcprt::actors::session
