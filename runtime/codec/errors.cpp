// The error-to-status table of docs/architecture.md ("Errors on the wire").
#include "runtime/codec/errors.hpp"

namespace mcprt {
inline namespace codec {

unsigned http_status_for(rpc_code code, bool modern) {
  switch (code) {
    case rpc_code::parse_error:
    case rpc_code::invalid_request:
    case rpc_code::legacy_bad_request:
    case rpc_code::header_mismatch:
    case rpc_code::unsupported_protocol_version:
    case rpc_code::missing_client_capability:
      return 400;
    case rpc_code::session_not_found:
      return 404;
    case rpc_code::insufficient_scope:
      return 403;
    case rpc_code::method_not_found:
      return modern ? 404 : 200;
    case rpc_code::server_overloaded:
      return 429;
    case rpc_code::request_timeout:
      return modern ? 504 : 200;
    case rpc_code::invalid_params:
    case rpc_code::internal_error:
    case rpc_code::resource_not_found:
      return 200;
  }
  return 200;
}

}  // namespace codec
}  // namespace mcprt
