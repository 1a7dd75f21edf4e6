// RFC 6570 level-1 URI templates (`{name}` simple string expansion), parsed once and matched
// against request URIs to find a resource template and its variables. Pure; no actors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcprt::actors::catalog {

/// A parsed template: literal text around each variable (`literals.size() == names.size() + 1`).
struct uri_template {
  std::vector<std::string> literals;
  std::vector<std::string> names;
};

/// Parses a level-1 template; nullopt for unbalanced braces, empty or operator-prefixed names
/// (levels 2-4), or two variables with no literal between them (ambiguous to match).
std::optional<uri_template> parse_uri_template(std::string_view text);

/// The variables of `uri` when it matches; a value is non-empty and holds no '/' (level-1
/// expansion percent-encodes reserved characters).
std::optional<std::map<std::string, std::string>> match_uri(const uri_template& t,
                                                            std::string_view uri);

}  // namespace mcprt::actors::catalog
