// A request Beast has parsed, as the handler reads it: method, path and query apart, every
// header field as sent. The body stays in the message (an upgrade keeps it there).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "runtime/io/http_exchange.hpp"

namespace mcprt::transport {

/// The head of `msg` (no body).
http_request request_head(const boost::beast::http::request<boost::beast::http::string_body>& msg);

}  // namespace mcprt::transport
