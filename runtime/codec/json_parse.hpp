// The one way JSON text becomes a document in mcprt: without recursion, with UTF-8 checked and
// nesting bounded, so no input can exhaust a thread's stack. Not a schema check.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace codec {

/// Deepest nesting of arrays and objects accepted in any JSON text (RFC 8259 §9 lets a parser
/// set one; serde_json, behind the Rust SDK, uses the same). Every later walk of a document
/// (serialization, schema validation) recurses at most this deep.
inline constexpr unsigned max_json_depth = 128;

/// Why a text is not acceptable JSON.
struct json_parse_error {
  std::string message;  ///< What is wrong, in words ("nesting deeper than 128 levels").
  size_t offset = 0;    ///< Byte offset where the parser stopped.
};

/// Parses `text` into `doc` with RapidJSON's iterative parser. Refuses what RFC 8259 refuses,
/// plus invalid UTF-8 (raw, or an escaped lone surrogate such as `"\udc00"`) and nesting deeper
/// than max_json_depth. On failure `doc` is left null. `doc` keeps its allocator.
[[nodiscard]] std::optional<json_parse_error> parse_json(rapidjson::Document& doc,
                                                         std::string_view text);

/// `message at offset N`, for error answers and log lines.
std::string describe(const json_parse_error& error);

}  // namespace codec
}  // namespace mcprt
