// The status line and header fields of a complete response, as bytes: the body goes out
// beside them in the same gathered write, never copied after them.
#pragma once

#include <string>

#include "runtime/io/http_exchange.hpp"

namespace mcprt::transport {

/// True when the handler asked for the connection to close after this response (its own
/// `Connection: close`, as a draining server sends).
bool asks_to_close(const http_response& r);

/// `HTTP/1.1 <status> <reason>`, `Server`, `Content-Type` (when set), the response's own
/// fields in order but `Connection`, `Connection: close` unless `keep_alive`, and
/// `Content-Length` (except for 1xx, 204 and 304, which have no body), then the blank line.
std::string response_head(const http_response& r, bool keep_alive);

}  // namespace mcprt::transport
