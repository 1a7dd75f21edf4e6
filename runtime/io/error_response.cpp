// A JSON-RPC error as a whole HTTP response.
#include "runtime/io/error_response.hpp"

#include "runtime/codec/json_rpc.hpp"

namespace mcprt {
inline namespace io {

http_response error_response(unsigned status, const rpc_error& err, std::string_view id) {
  return http_response{status, "application/json", rpc::encode_error(id, err), {}};
}

http_response error_response(unsigned status, rpc_code code, std::string message) {
  return error_response(status, make_error(code, std::move(message)));
}

}  // namespace io
}  // namespace mcprt
