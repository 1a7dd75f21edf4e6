#include "runtime/codec/url.hpp"

#include "runtime/codec/ascii.hpp"

namespace mcprt {
inline namespace codec {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !s.empty() && s.size() <= 5;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.substr(0, 4) == "127.";
}

bool http_url::is_loopback() const {
  return is_loopback_host(host);
}

std::string http_url::origin() const {
  bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  return scheme + "://" + host + (default_port ? "" : ":" + port);
}

expected<http_url, std::string> parse_http_url(std::string_view text) {
  http_url u;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return "'" + std::string(text) + "' is not an absolute URL";
  }
  u.scheme = ascii_lowered(text.substr(0, scheme_end));
  if (u.scheme != "http" && u.scheme != "https") {
    return "'" + std::string(text) + "' is not an http or https URL";
  }
  if (text.find('#') != std::string_view::npos) {
    return "'" + std::string(text) + "' has a fragment";
  }
  auto rest = text.substr(scheme_end + 3);
  auto authority_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, authority_end);
  u.target =
      authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (u.target.front() == '?') {
    u.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return "'" + std::string(text) + "' carries user info";
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return "'" + std::string(text) + "' has an unterminated IPv6 literal";
    }
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return "'" + std::string(text) + "' has junk after its IPv6 literal";
      }
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host.find_first_of(" \t\r\n\\") != std::string_view::npos) {
    return "'" + std::string(text) + "' has no valid host";
  }
  if (!port.empty() && !all_digits(port)) {
    return "'" + std::string(text) + "' has an invalid port";
  }
  u.host = ascii_lowered(host);
  u.port = port.empty() ? (u.scheme == "https" ? "443" : "80") : std::string(port);
  return u;
}

}  // namespace codec
}  // namespace mcprt
