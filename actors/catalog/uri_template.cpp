// Level-1 template parsing and a left-to-right match: each variable extends to the first
// occurrence of the literal after it.
#include "actors/catalog/uri_template.hpp"

namespace mcprt::actors::catalog {

std::optional<uri_template> parse_uri_template(std::string_view text) {
  uri_template t;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      return std::nullopt;
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    auto name = text.substr(i + 1, close - i - 1);
    if (name.empty() || name.find_first_of("+#./;?&=,!@|{") != std::string_view::npos) {
      return std::nullopt;
    }
    if (!t.names.empty() && literal.empty()) {
      return std::nullopt;
    }
    t.literals.push_back(std::move(literal));
    literal.clear();
    t.names.emplace_back(name);
    i = close;
  }
  t.literals.push_back(std::move(literal));
  return t;
}

std::optional<std::map<std::string, std::string>> match_uri(const uri_template& t,
                                                            std::string_view uri) {
  const auto& first = t.literals.front();
  if (uri.substr(0, first.size()) != first) {
    return std::nullopt;
  }
  size_t pos = first.size();
  std::map<std::string, std::string> vars;
  for (size_t i = 0; i < t.names.size(); ++i) {
    const auto& next = t.literals[i + 1];
    size_t end = next.empty() ? uri.size() : uri.find(next, pos);
    if (end == std::string_view::npos || end == pos) {
      return std::nullopt;
    }
    auto value = uri.substr(pos, end - pos);
    if (value.find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    // A name used twice stands for one value (RFC 6570 expands it the same each time).
    auto [it, added] = vars.emplace(t.names[i], std::string(value));
    if (!added && it->second != value) {
      return std::nullopt;
    }
    pos = end + next.size();
  }
  if (pos != uri.size()) {
    return std::nullopt;
  }
  return vars;
}

}  // namespace mcprt::actors::catalog
