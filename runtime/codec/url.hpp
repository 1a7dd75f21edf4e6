// Absolute http(s) URLs as mcprt meets them in configuration and metadata documents: the
// issuer, the public resource URL, a `jwks_uri`. Only what an HTTP client needs; no
// percent-decoding, no relative references.
#pragma once

#include <string>
#include <string_view>

#include "runtime/codec/expected.hpp"

namespace mcprt {
inline namespace codec {

/// An absolute `http://` or `https://` URL, split.
struct http_url {
  std::string scheme;  ///< "http" or "https", lower case.
  std::string host;    ///< Lower case; an IPv6 literal keeps its brackets.
  std::string port;    ///< Explicit, or the scheme's default ("80", "443").
  std::string target;  ///< Path and query, at least "/"; never a fragment.

  /// True for 127.0.0.0/8, ::1 and `localhost`: the only hosts plain HTTP is allowed to.
  bool is_loopback() const;
  /// scheme://host[:port], the port only when not the default.
  std::string origin() const;
};

/// True for 127.0.0.0/8, ::1 (bracketed or not) and `localhost`.
bool is_loopback_host(std::string_view host);

/// Splits `text`; a one-line reason when it is not an absolute http(s) URL without user
/// info or fragment.
expected<http_url, std::string> parse_http_url(std::string_view text);

}  // namespace codec
}  // namespace mcprt
