// OAuth scopes as mcprt compares them. A broader scope covers the narrower ones it prefixes
// at a ':' boundary ("files" covers "files:read" and "files:read:logs"), as the 2026-07-28
// authorization specification requires servers to honour scope hierarchies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcprt {
inline namespace auth {

/// True when `granted` is `needed` or a broader scope of it.
bool scope_covers(std::string_view granted, std::string_view needed);

/// The scopes of `needed` that nothing in `granted` covers, in `needed`'s order.
std::vector<std::string> missing_scopes(const std::vector<std::string>& granted,
                                        const std::vector<std::string>& needed);

/// Splits a space-separated scope string (RFC 6749 §3.3), dropping empty items.
std::vector<std::string> split_scopes(std::string_view text);

/// Joins scopes with single spaces, each once, in first-seen order.
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace auth
}  // namespace mcprt
