#include "runtime/auth/bearer.hpp"

#include <array>

#include "runtime/auth/scopes.hpp"

namespace mcprt {
inline namespace auth {

namespace {

constexpr size_t max_token_bytes = size_t{16} * 1024;

// token68's characters as a table: every request's token (often 800+ bytes) is scanned.
constexpr std::array<bool, 256> token68_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) {
    int lower = c + ('a' - 'A');
    t[static_cast<size_t>(c)] = true;
    t[static_cast<size_t>(lower)] = true;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (char c : {'-', '.', '_', '~', '+', '/'}) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}();

bool is_token68_char(char c) {
  return token68_chars[static_cast<unsigned char>(c)];
}

bool starts_with_bearer(std::string_view v) {
  constexpr std::string_view scheme = "bearer";
  if (v.size() < scheme.size()) {
    return false;
  }
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
    if (c != scheme[i]) {
      return false;
    }
  }
  return true;
}

// A parameter value for a quoted-string: no quote, backslash or control character.
std::string quotable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  return out;
}

}  // namespace

expected<std::string_view, credential_fault> read_bearer(const std::string* authorization) {
  if (authorization == nullptr) {
    return credential_fault::missing;
  }
  std::string_view v = *authorization;
  if (!starts_with_bearer(v) || v.size() == 6 || v[6] != ' ') {
    return credential_fault::malformed;
  }
  v.remove_prefix(6);
  while (!v.empty() && v.front() == ' ') {
    v.remove_prefix(1);
  }
  while (!v.empty() && v.back() == ' ') {
    v.remove_suffix(1);
  }
  // token68: the characters above, then any '=' padding; nothing after.
  size_t end = 0;
  while (end < v.size() && is_token68_char(v[end])) {
    ++end;
  }
  if (end == 0 || v.size() > max_token_bytes) {
    return credential_fault::malformed;
  }
  while (end < v.size() && v[end] == '=') {
    ++end;
  }
  if (end != v.size()) {
    return credential_fault::malformed;
  }
  return v;
}

std::string_view unchecked_bearer(std::string_view authorization) {
  if (!starts_with_bearer(authorization) || authorization.size() <= 7 || authorization[6] != ' ') {
    return {};
  }
  return authorization.substr(7);
}

bool query_carries_token(std::string_view query) {
  constexpr std::string_view name = "access_token";
  size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    auto item =
        query.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto key = item.substr(0, item.find('='));
    if (key == name) {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return false;
}

std::string write_challenge(const bearer_challenge& c) {
  std::string out = "Bearer ";
  auto param = [&out](std::string_view name, const std::string& value) {
    if (out.back() == '"') {
      out += ", ";
    }
    out += std::string(name) + "=\"" + quotable(value) + '"';
  };
  if (!c.error.empty()) {
    param("error", c.error);
  }
  if (!c.description.empty()) {
    param("error_description", c.description);
  }
  if (auto scope = join_scopes(c.scopes); !scope.empty()) {
    param("scope", scope);
  }
  if (!c.resource_metadata.empty()) {
    param("resource_metadata", c.resource_metadata);
  }
  if (out.back() == ' ') {
    out.pop_back();  // A bare "Bearer" challenge.
  }
  return out;
}

}  // namespace auth
}  // namespace mcprt
