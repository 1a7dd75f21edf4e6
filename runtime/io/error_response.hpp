// A JSON-RPC error as a whole HTTP response: what every HTTP-facing room answers when it
// refuses a request. Not the mapping from error codes to statuses (errors.hpp has that).
#pragma once

#include <string>
#include <string_view>

#include "runtime/codec/errors.hpp"
#include "runtime/io/http_exchange.hpp"

namespace mcprt {
inline namespace io {

/// A JSON-RPC error as a complete HTTP response (id null unless given).
http_response error_response(unsigned status, const rpc_error& error, std::string_view id = {});
/// The same for an error without data, answered with `"id":null`.
http_response error_response(unsigned status, rpc_code code, std::string message);

}  // namespace io
}  // namespace mcprt
