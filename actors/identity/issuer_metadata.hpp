// An authorization server's metadata (RFC 8414, or OpenID Connect discovery as a fallback):
// where to find it for an issuer, and the members a resource server uses from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/codec/expected.hpp"

namespace mcprt::actors::identity {

/// What mcprt reads from the metadata.
struct issuer_metadata {
  std::string jwks_uri;
  std::string introspection_endpoint;  ///< Empty when the server offers none.
};

/// The metadata URLs to try, in order: RFC 8414 (path inserted after the host), then OpenID
/// Connect discovery (path appended).
std::vector<std::string> metadata_urls(const std::string& issuer);

/// True when `url` may be fetched: https, or http to a loopback host (tests only).
bool fetchable(std::string_view url);

/// Reads a metadata document; its `issuer` must equal `issuer` exactly (RFC 8414 §3.3) and its
/// endpoints must be fetchable. A one-line reason otherwise.
expected<issuer_metadata, std::string> read_issuer_metadata(std::string_view body,
                                                            const std::string& issuer);

}  // namespace mcprt::actors::identity
