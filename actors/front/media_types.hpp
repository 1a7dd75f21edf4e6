// HTTP header values the endpoint reads: Accept lists, Content-Type, Host. Case-insensitive
// as RFC 9110 says; pure functions.
#pragma once

#include <string>
#include <string_view>

namespace mcprt::actors::front {

/// True when a comma-separated Accept value lists `type` (or a matching wildcard).
bool accepts(const std::string& accept, std::string_view type);

/// True for `application/json`, with or without parameters.
bool is_json_media_type(const std::string& content_type);

/// The host name of a Host header value, without the port; IPv6 brackets kept as written.
std::string host_name(const std::string& host);

}  // namespace mcprt::actors::front
