// JSON-RPC 2.0 decoding with RapidJSON, and encoding straight into strings.
#include "runtime/codec/json_rpc.hpp"

#include <algorithm>
#include <cstddef>

#include "runtime/codec/json_parse.hpp"

namespace mcprt {
inline namespace codec {
namespace rpc {

namespace {

decode_failure invalid(std::string message, std::string id = {}) {
  return decode_failure{make_error(rpc_code::invalid_request, std::move(message)), std::move(id)};
}

// A request id must be a string or an integer (MCP forbids null and fractions).
bool valid_id(const rapidjson::Value& v) {
  return v.IsString() || v.IsInt64() || v.IsUint64();
}

// A parsed message and its memory in one allocation: the pool's first chunk lives inline, so
// a typical request costs one malloc instead of RapidJSON's default 64 KiB chunk (which churned
// the heap top and showed up as page faults and TLB flushes in the profile).
struct parsed_body {
  static constexpr size_t inline_bytes = 4096;
  alignas(std::max_align_t) char buffer[inline_bytes];
  rapidjson::MemoryPoolAllocator<> pool;
  rapidjson::Document doc;
  explicit parsed_body(size_t body_size)
      : pool(buffer, sizeof buffer, std::max<size_t>(inline_bytes, body_size * 2)), doc(&pool) {}
};

}  // namespace

std::variant<message, decode_failure> decode(std::string_view body) {
  auto owner = std::make_shared<parsed_body>(body.size());
  std::shared_ptr<rapidjson::Document> doc(owner, &owner->doc);
  if (auto bad = parse_json(*doc, body)) {
    return decode_failure{make_error(rpc_code::parse_error, "Parse error: " + describe(*bad)), {}};
  }
  if (doc->IsArray()) {
    return invalid("Invalid Request: JSON-RPC batches are not supported");
  }
  if (!doc->IsObject()) {
    return invalid("Invalid Request: a JSON-RPC message must be an object");
  }
  std::shared_ptr<const rapidjson::Document> root = doc;
  const auto& obj = *root;
  std::string id;
  if (auto* idv = find_member(obj, "id"); idv != nullptr && valid_id(*idv)) {
    id = to_json(*idv);
  }
  auto version = string_member(obj, "jsonrpc");
  if (!version || *version != "2.0") {
    return invalid(R"(Invalid Request: "jsonrpc" must be "2.0")", id);
  }
  auto* idv = find_member(obj, "id");
  auto* method = find_member(obj, "method");
  auto* params = find_member(obj, "params");
  message out;
  out.root = json_ref{root, root.get()};
  if (method == nullptr) {
    // A response to a server-to-client request.
    bool has_result = find_member(obj, "result") != nullptr;
    bool has_error = find_member(obj, "error") != nullptr;
    if (idv == nullptr || has_result == has_error) {
      return invalid(
          "Invalid Request: a message needs \"method\", or \"id\" with one of "
          "\"result\" or \"error\"",
          id);
    }
    out.type = kind::response;
    out.id = std::move(id);
    return out;
  }
  if (!method->IsString()) {
    return invalid("Invalid Request: \"method\" must be a string", id);
  }
  if (params != nullptr && !params->IsObject()) {
    return invalid("Invalid Request: \"params\" must be an object", id);
  }
  if (idv != nullptr && !valid_id(*idv)) {
    return invalid("Invalid Request: \"id\" must be a string or an integer");
  }
  out.type = idv == nullptr ? kind::notification : kind::request;
  out.id = std::move(id);
  out.method.assign(method->GetString(), method->GetStringLength());
  if (params != nullptr) {
    out.params = json_ref{root, params};
  }
  return out;
}

std::string encode_result(std::string_view id, std::string_view result_object) {
  return encode_result(id, result_object, {});
}

std::string encode_result(std::string_view id, std::string_view result_object,
                          std::string_view members) {
  std::string out;
  out.reserve(34 + id.size() + result_object.size() + members.size());
  begin_result(out, id);
  out += result_object;
  end_result(out, members);
  return out;
}

void begin_result(std::string& out, std::string_view id) {
  out += R"({"jsonrpc":"2.0","id":)";
  out += id;
  out += R"(,"result":)";
}

void end_result(std::string& out, std::string_view members) {
  // Only into an object that has at least its braces after `"result":`.
  if (!members.empty() && out.size() >= 2 && out.back() == '}' && out[out.size() - 2] != ':') {
    out.pop_back();
    if (out.back() != '{') {
      out += ',';
    }
    out += members;
    out += '}';
  }
  out += '}';
}

std::string encode_error(std::string_view id, const rpc_error& error) {
  std::string out;
  out += R"({"jsonrpc":"2.0","id":)";
  out += id.empty() ? std::string_view("null") : id;
  out += R"(,"error":{"code":)";
  out += std::to_string(static_cast<int>(error.code));
  out += R"(,"message":)";
  out += quote(error.message);
  if (!error.data_json.empty()) {
    out += R"(,"data":)";
    out += error.data_json;
  }
  out += "}}";
  return out;
}

std::string encode_notification(std::string_view method, std::string_view params_object) {
  std::string out;
  out += R"({"jsonrpc":"2.0","method":)";
  out += quote(method);
  out += R"(,"params":)";
  out += params_object;
  out += '}';
  return out;
}

std::string encode_request(std::string_view id, std::string_view method,
                           std::string_view params_object) {
  std::string out;
  out += R"({"jsonrpc":"2.0","id":)";
  out += id;
  out += R"(,"method":)";
  out += quote(method);
  out += R"(,"params":)";
  out += params_object;
  out += '}';
  return out;
}

rpc_error error_from(const rapidjson::Value& error_object) {
  auto* code = find_member(error_object, "code");
  auto message = string_member(error_object, "message");
  if (code == nullptr || !code->IsInt() || !message) {
    return make_error(rpc_code::internal_error, "The client sent a malformed error object");
  }
  rpc_error e{static_cast<rpc_code>(code->GetInt()), std::string(*message), {}};
  if (auto* data = find_member(error_object, "data")) {
    e.data_json = to_json(*data);
  }
  return e;
}

std::string append_members(std::string object, std::string_view members) {
  if (members.empty() || object.size() < 2 || object.back() != '}') {
    return object;
  }
  object.pop_back();
  if (object.back() != '{') {
    object += ',';
  }
  object += members;
  object += '}';
  return object;
}

}  // namespace rpc
}  // namespace codec
}  // namespace mcprt
