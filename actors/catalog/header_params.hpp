// Tool parameters mirrored into `Mcp-Param-{Name}` HTTP headers (SEP-2243, 2026-07-28): which
// ones a tool's inputSchema declares with `x-mcp-header`, and whether a request's headers
// agree with its arguments. Pure: no actor, no transport.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mcprt::actors::catalog {

/// One argument a tool mirrors into a header.
struct header_param {
  enum class kind { string, integer, boolean };
  std::string header;             ///< The `{Name}` of `Mcp-Param-{Name}`, as declared.
  std::vector<std::string> path;  ///< Property names from the arguments object to the value.
  kind type = kind::string;
};

/// The parameters `input_schema` mirrors into headers, or why its `x-mcp-header` annotations
/// are invalid: a name that is not an HTTP token, a duplicate (case-insensitive), a type other
/// than string, integer or boolean, or an annotation not reachable through `properties` alone.
std::variant<std::vector<header_param>, std::string> header_params_of(
    const rapidjson::Value& input_schema);

/// A request's `Mcp-Param-*` headers: (the name after `Mcp-Param-`, the value as received).
using param_headers = std::vector<std::pair<std::string, std::string>>;

/// Checks `headers` against `arguments` (may be null): every parameter with a non-null value in
/// the arguments needs its header, in plain or `=?base64?...?=` form, with the same value
/// (integers compare as numbers). nullopt when they agree; else the mismatch, as a sentence.
std::optional<std::string> check_header_params(const std::vector<header_param>& params,
                                               const rapidjson::Value* arguments,
                                               const param_headers& headers);

}  // namespace mcprt::actors::catalog
