// The worker line protocol.
#include "actors/adapters/worker_protocol.hpp"

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/json_rpc.hpp"

namespace mcprt::actors::adapters {

std::string request_frame(int64_t id, std::string_view method, std::string_view params) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":)" + quote(method) +
         R"(,"params":)" + std::string(params) + "}";
}

std::string call_frame(int64_t id, std::string_view tool, const rapidjson::Value* arguments,
                       const principal& caller, const trace_context& trace) {
  return forward_frame(id, "tools/call", tool, arguments, caller, trace);
}

std::string forward_frame(int64_t id, std::string_view method, std::string_view target,
                          const rapidjson::Value* arguments, const principal& caller,
                          const trace_context& trace) {
  std::string params;
  if (method == "resources/read") {
    params = R"({"uri":)" + quote(target);
  } else {
    params = R"({"name":)" + quote(target) + R"(,"arguments":)" +
             (arguments != nullptr ? to_json(*arguments) : "{}");
  }
  params += R"(,"_meta":{"progressToken":)" + std::to_string(id);
  // The caller's trace continues in the worker (SEP-414: trace context rides in _meta).
  params += trace.meta_members();
  if (!caller.anonymous()) {
    // Who calls, for the worker's own decisions; the token itself never leaves mcprt.
    params += "," + quote(meta_key::principal) + R"(:{"issuer":)" + quote(caller.issuer) +
              R"(,"subject":)" + quote(caller.subject) + R"(,"clientId":)" +
              quote(caller.client_id) + R"(,"scopes":[)";
    for (size_t i = 0; i < caller.scopes.size(); ++i) {
      params += (i > 0 ? "," : "") + quote(caller.scopes[i]);
    }
    params += "]}";
  }
  return request_frame(id, method, params + "}}");
}

namespace {

void read_notification(worker_line& out, std::string_view method) {
  out.what = worker_line::kind::notification;
  auto* params = find_member(out.message, "params");
  if (params == nullptr || !params->IsObject()) {
    return;
  }
  if (method == "notifications/progress") {
    auto* token = find_member(*params, "progressToken");
    auto* progress = find_member(*params, "progress");
    if (token == nullptr || !token->IsInt64() || progress == nullptr || !progress->IsNumber()) {
      return;
    }
    out.what = worker_line::kind::progress;
    out.id = token->GetInt64();
    out.progress = progress->GetDouble();
    if (auto* total = find_member(*params, "total"); total != nullptr && total->IsNumber()) {
      out.total = total->GetDouble();
    }
    out.text = std::string(string_member(*params, "message").value_or(""));
  } else if (method == "notifications/message") {
    out.what = worker_line::kind::log;
    auto* data = find_member(*params, "data");
    out.text = data != nullptr ? to_json(*data) : "null";
    parse_log_level(string_member(*params, "level").value_or("info"), out.level);
    out.logger = std::string(string_member(*params, "logger").value_or(""));
  }
}

}  // namespace

worker_line read_worker_line(const std::string& line) {
  worker_line out;
  if (parse_json(out.message, line) || !out.message.IsObject()) {
    return out;
  }
  auto* method = find_member(out.message, "method");
  auto* id = find_member(out.message, "id");
  if (method != nullptr && method->IsString()) {
    out.method = method->GetString();
    if (id != nullptr) {
      out.what = worker_line::kind::request;
      out.request_id_json = to_json(*id);
    } else {
      read_notification(out, out.method);
    }
  } else if (id != nullptr && id->IsInt64()) {
    out.what = worker_line::kind::answer;
    out.id = id->GetInt64();
  } else {
    out.what = worker_line::kind::notification;  // JSON-RPC we have no use for: ignored.
  }
  return out;
}

std::string answer_worker_request(const std::string& request_id_json, std::string_view method) {
  if (method == "ping") {
    return rpc::encode_result(request_id_json, "{}");
  }
  return rpc::encode_error(request_id_json, make_error(rpc_code::method_not_found,
                                                       "mcprt adapters do not forward " +
                                                           std::string(method) + " to clients"));
}

}  // namespace mcprt::actors::adapters
