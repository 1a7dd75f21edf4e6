// libFuzzer target for the JSON-RPC decoder: any bytes in, and whatever mcprt would answer is
// JSON that reads back (no crash, no stack exhaustion, no invalid UTF-8 or numbers out).
// Built by `make fuzz` with clang; not part of the server.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/json_rpc.hpp"

namespace {

// Stops the run with a finding when `answer` is not JSON that parse_json accepts.
void must_read_back(const std::string& answer) {
  rapidjson::Document d;
  if (mcprt::parse_json(d, answer)) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto decoded = rpc::decode(body);
  if (auto* bad = std::get_if<rpc::decode_failure>(&decoded)) {
    must_read_back(rpc::encode_error(bad->id, bad->error));
  } else {
    const auto& m = std::get<rpc::message>(decoded);
    // The answers that echo what the client sent: its method in an error, its params back.
    must_read_back(rpc::encode_error(
        m.id, make_error(rpc_code::method_not_found, "Method not found: " + m.method)));
    if (m.params && !m.id.empty()) {
      must_read_back(rpc::encode_result(m.id, to_json(*m.params)));
    }
  }
  // Any bytes quote into a JSON string literal.
  must_read_back(quote(body));
  return 0;
}
