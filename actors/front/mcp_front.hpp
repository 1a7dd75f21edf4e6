// What every transport's MCP front shares once its own checks are done (HTTP headers on the
// endpoint, nothing more on a pipe): the 2026-07-28 request's `_meta` rules, and serving a
// request through the method table. Not admission or deadlines (HTTP policy) nor sessions.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "actors/session/node_context.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/responder.hpp"

namespace mcprt::actors::front {

/// A 2026-07-28 request as handlers see it: the client's capabilities must be declared in
/// `_meta`; the info carries the progress token, the requested log level, and the checked
/// multi-round inputs. The -32602 error when `_meta` or the inputs are malformed.
/// The scopes `msg` needs when `caller` lacks some of them (all it needs, for one challenge);
/// nullopt when it may go on (or there is no policy, or no authenticated caller).
std::optional<std::vector<std::string>> scopes_lacking(const scope_policy* policy,
                                                       const principal& caller,
                                                       const rpc::message& msg);

/// The JSON-RPC error for a pipe (WebSocket, HTTP+SSE) when scopes are lacking.
rpc_error insufficient_scope_error(const std::vector<std::string>& needed);

expected<request_info> modern_request(const rpc::message& msg, const rapidjson::Value* meta,
                                      const principal& caller);

/// Serves `msg` through the method table; -32601 for a method this era does not serve here.
void serve(const rpc::message& msg, const responder& out, const session::node_context& node);

}  // namespace mcprt::actors::front
