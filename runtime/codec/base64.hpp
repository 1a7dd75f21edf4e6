// Base64 (RFC 4648) for opaque cursors and the `=?base64?...?=` header sentinel of 2026-07-28.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace codec {

/// Standard alphabet with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes the standard alphabet (padding optional); nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);
/// Decodes the standard alphabet with the padding RFC 4648 requires (whole quanta of four);
/// nullopt otherwise.
std::optional<std::string> base64_decode_padded(std::string_view text);
/// The URL-safe alphabet without padding (RFC 4648 §5, as JOSE uses it).
std::string base64url_encode(std::string_view bytes);
/// Decodes the URL-safe alphabet without padding; nullopt on padding, any other character or
/// an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);
/// Decodes an `Mcp-Name`/`Mcp-Param-*` header value: the sentinel form is decoded (padding
/// required), a plain value is returned as is; nullopt when the sentinel holds invalid base64.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace codec
}  // namespace mcprt
