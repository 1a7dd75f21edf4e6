// Requests the server sends to the client (sampling, elicitation, roots) while it serves one
// of the client's requests. Whoever owns the request's context (a 2025 session) provides the
// link; a handler reaches it through its responder.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/codec/errors.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace io {

class responder;

/// The client's answer to a server→client request: a result, or an error (the client's own,
/// or the server's when the client cannot be asked, did not answer in time, or went away).
struct client_reply {
  json_ref result;                 ///< The `result` member; empty on error.
  std::optional<rpc_error> error;  ///< Set when there is no result.
  bool ok() const { return !error.has_value(); }
};

using client_reply_fn = std::function<void(client_reply)>;

/// Sends server→client requests for a request context. Thread-safe.
class client_link {
 public:
  virtual ~client_link() = default;
  /// Sends `method` with `params_json` on the stream of `related`, and calls `on_reply` once,
  /// on an arbitrary thread, with the answer or an error.
  virtual void ask(const responder& related, std::string method, std::string params_json,
                   client_reply_fn on_reply) = 0;
};

using client_link_ptr = std::shared_ptr<client_link>;

}  // namespace io
}  // namespace mcprt
