// The JSON-RPC 2.0 codec: bytes to one owned message, and results, errors and notifications
// back to bytes. Knows JSON-RPC, not MCP methods.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "runtime/codec/errors.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace codec {
namespace rpc {

/// What kind of JSON-RPC message a body held.
enum class kind { request, notification, response };

/// One decoded message. `id` is kept as its JSON text (a string literal or an integer),
/// so it is echoed byte for byte and needs no variant.
struct message {
  kind type = kind::request;
  std::string id;      ///< JSON text of the id; empty for notifications.
  std::string method;  ///< Empty for responses.
  json_ref params;     ///< Empty when the message has no params.
  json_ref root;       ///< The whole message (responses are read from here).
};

/// A decode failure: the error to answer with, and the id when it could be read.
struct decode_failure {
  rpc_error error;
  std::string id;  ///< JSON text, or empty (the answer then carries `"id":null`).
};

/// Decodes one message. Batches (arrays) are refused with -32600: no revision mcprt
/// serves over HTTP allows them from 2025-06-18 on, and mcprt refuses them for all.
std::variant<message, decode_failure> decode(std::string_view body);

/// `{"jsonrpc":"2.0","id":<id>,"result":<result_object>}`.
std::string encode_result(std::string_view id, std::string_view result_object);
/// The same with `members` added to the result object as append_members() adds them, in one
/// copy of the result (a 1 MiB result chunk is not copied twice to gain 100 bytes).
std::string encode_result(std::string_view id, std::string_view result_object,
                          std::string_view members);
/// The same written around a result object the caller appends in place: begin_result, the
/// object, end_result (which adds `members` to it as append_members() would, and closes).
void begin_result(std::string& out, std::string_view id);
void end_result(std::string& out, std::string_view members);

/// `{"jsonrpc":"2.0","id":<id or null>,"error":{...}}`.
std::string encode_error(std::string_view id, const rpc_error& error);

/// `{"jsonrpc":"2.0","method":<method>,"params":<params_object>}`.
std::string encode_notification(std::string_view method, std::string_view params_object);

/// `{"jsonrpc":"2.0","id":<id>,"method":<method>,"params":<params_object>}` (server→client).
std::string encode_request(std::string_view id, std::string_view method,
                           std::string_view params_object);

/// The error object of a response (`{"code":..,"message":..,"data":..}`) as an rpc_error;
/// a malformed one becomes an internal error saying so.
rpc_error error_from(const rapidjson::Value& error_object);

/// Inserts members (text like `"a":1,"b":2`) at the end of a serialized JSON object.
std::string append_members(std::string object, std::string_view members);

}  // namespace rpc
}  // namespace codec
}  // namespace mcprt
