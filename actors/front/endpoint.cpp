// Streamable HTTP routing for both eras. The order of checks follows docs/architecture.md
// ("A request's path"): path, Host/Origin, HTTP method, media types, JSON-RPC shape, era,
// era-specific headers, admission, then a handler.
#include "actors/front/endpoint.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <cctype>

#include "actors/front/http_reply.hpp"
#include "actors/front/legacy_sse.hpp"
#include "actors/front/listen.hpp"
#include "actors/front/message_peer.hpp"
#include "actors/session/session.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::front {

namespace {

using clock = std::chrono::steady_clock;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// True when a comma-separated Accept value lists `type` (or a matching wildcard).
bool accepts(const std::string& accept, std::string_view type) {
  auto a = lower(accept);
  if (a.find(type) != std::string::npos || a.find("*/*") != std::string::npos) {
    return true;
  }
  auto major = std::string(type.substr(0, type.find('/'))) + "/*";
  return a.find(major) != std::string::npos;
}

bool is_json_media_type(const std::string& content_type) {
  auto ct = lower(content_type);
  auto semi = ct.find(';');
  auto media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') {
    media.pop_back();
  }
  return media == "application/json";
}

// The host name of a Host header value, without port or IPv6 brackets kept as written.
std::string host_name(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return lower(host.substr(0, close == std::string::npos ? host.size() : close + 1));
  }
  return lower(host.substr(0, host.find(':')));
}

rpc_error error(rpc_code code, std::string message) {
  return make_error(code, std::move(message));
}

// Methods whose target name travels in Mcp-Name, and the params member it mirrors.
std::string_view name_member_of(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") {
    return "name";
  }
  if (method == "resources/read") {
    return "uri";
  }
  if (method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel") {
    return "taskId";  // SEP-2663's routing headers.
  }
  return {};
}

// Control traffic is never refused for load.
bool exempt_from_admission(std::string_view method) {
  return method == "initialize" || method == "ping" || method == "server/discover";
}

}  // namespace

endpoint::endpoint(endpoint_options options, endpoint_parts parts)
    : options_(std::move(options)), parts_(std::move(parts)) {
  // Host names and origins compare case-insensitively: normalize the lists once.
  for (auto* list : {&options_.allowed_hosts, &options_.allowed_origins}) {
    for (auto& entry : *list) {
      entry = lower(entry);
    }
  }
  legacy_ = std::make_unique<legacy_sse>(
      [this](std::shared_ptr<outbox> box) { return make_peer(std::move(box)); },
      options_.streams.limits, options_.streams.keep_alive, options_.max_legacy_streams,
      parts_.metrics);
}

endpoint::~endpoint() = default;

std::shared_ptr<message_peer> endpoint::make_peer(std::shared_ptr<outbox> box) const {
  return std::make_shared<message_peer>(
      peer_parts{parts_.system, parts_.tools, parts_.profile, parts_.metrics, std::move(box),
                 options_.client_request_timeout, parts_.notifier, options_.streams,
                 parts_.bound_sessions, parts_.jobs});
}

http_response endpoint::refusal(http_refusal why, std::string_view detail) const {
  struct row {
    unsigned status;
    std::string_view metric;
    std::string_view message;
  };
  // Indexed by http_refusal.
  static constexpr row rows[] = {
      {413, "payload_too_large", "Payload Too Large: the body exceeds limits.maxPayloadKb"},
      {431, "header_too_large", "Request Header Fields Too Large"},
      {414, "uri_too_long", "URI Too Long"},
      {400, "bad_http", "Bad Request: malformed HTTP/1.1"},
      {429, "connection_limit",
       "Too Many Requests: this address holds limits.maxConnectionsPerAddress connections"},
  };
  const auto& r = rows[static_cast<size_t>(why)];
  std::string message(r.message);
  if (why == http_refusal::payload_too_large) {
    message += " (" + std::to_string(options_.max_payload_bytes / 1024) + " KiB)";
  } else if (!detail.empty()) {
    message += " (" + std::string(detail) + ")";
  }
  parts_.metrics->rejected(r.metric);
  // The transport closes the connection after this answer (and says so in its header).
  auto answer = error_response(r.status, error(rpc_code::invalid_request, std::move(message)));
  if (why == http_refusal::too_many_connections) {
    answer.headers.emplace_back("Retry-After", "1");
  }
  return answer;
}

std::optional<std::string> endpoint::mismatched_param_headers(const rpc::message& msg,
                                                              const http_request& req) const {
  if (msg.method != "tools/call" || !msg.params) {
    return std::nullopt;
  }
  auto name = string_member(*msg.params, "name");
  auto tools = parts_.tools->current();
  const auto* tool = name ? tools->find(*name) : nullptr;
  if (tool == nullptr || tool->header_params.empty()) {
    return std::nullopt;  // An unknown tool is answered by dispatch.
  }
  return catalog::check_header_params(tool->header_params, find_member(*msg.params, "arguments"),
                                      req.mcp_params);
}

bool endpoint::host_allowed(const std::string& host) const {
  auto name = host_name(host);
  return std::any_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(),
                     [&](const std::string& a) { return a == "*" || a == name; });
}

bool endpoint::origin_allowed(const std::string& origin) const {
  auto o = lower(origin);
  for (const auto& allowed : options_.allowed_origins) {
    if (allowed == "*" || allowed == o) {
      return true;
    }
    // An allowed origin without a port matches every port of that scheme and host.
    auto scheme_end = allowed.find("://");
    bool has_port = scheme_end != std::string::npos &&
                    allowed.find(':', scheme_end + 3) != std::string::npos && allowed.back() != ']';
    if (!has_port && o.size() > allowed.size() && o.compare(0, allowed.size(), allowed) == 0 &&
        o[allowed.size()] == ':') {
      return true;
    }
  }
  return false;
}

void endpoint::handle(http_request req, const http_exchange_ptr& ex) {
  if (req.path == "/mcp") {
    handle_mcp(req, ex);
  } else if (req.path == "/mcp/capabilities" && req.method == "GET" && parts_.capabilities) {
    ex->respond({200, "application/json", parts_.capabilities(), {}});
  } else if (req.path == "/sse" || req.path == "/messages") {
    handle_legacy_sse(req, ex);
  } else if (req.path == "/healthz" && req.method == "GET") {
    ex->respond({200, "application/json", R"({"status":"ok"})", {}});
  } else if (req.path == "/metrics" && req.method == "GET") {
    ex->respond({200, "text/plain; version=0.0.4", parts_.metrics->render(), {}});
  } else {
    ex->respond({404, "text/plain", "Not Found: the MCP endpoint is /mcp\n", {}});
  }
}

std::optional<http_response> endpoint::refuse_foreign(const http_request& req) const {
  // DNS-rebinding protection comes before anything else looks at the request.
  if (!host_allowed(req.host)) {
    parts_.metrics->rejected("host");
    return error_response(403, error(rpc_code::legacy_bad_request,
                                     "Forbidden: Host '" + req.host + "' is not allowed"));
  }
  if (req.has_origin && !origin_allowed(req.origin)) {
    parts_.metrics->rejected("origin");
    return error_response(403, error(rpc_code::legacy_bad_request,
                                     "Forbidden: Origin '" + req.origin + "' is not allowed"));
  }
  return std::nullopt;
}

void endpoint::handle_legacy_sse(http_request& req, const http_exchange_ptr& ex) {
  if (auto refusal = refuse_foreign(req)) {
    ex->respond(std::move(*refusal));
  } else if (req.path == "/sse" && req.method == "GET") {
    if (!accepts(req.accept, "text/event-stream")) {
      ex->respond(error_response(406, error(rpc_code::legacy_bad_request,
                                            "Not Acceptable: GET /sse needs Accept: "
                                            "text/event-stream")));
      return;
    }
    legacy_->open(ex);
  } else if (req.path == "/messages" && req.method == "POST") {
    if (!is_json_media_type(req.content_type)) {
      ex->respond(error_response(415, error(rpc_code::legacy_bad_request,
                                            "Unsupported Media Type: Content-Type must be "
                                            "application/json")));
      return;
    }
    ex->respond(legacy_->post(req.query, req.body));
  } else {
    ex->respond({405,
                 "application/json",
                 rpc::encode_error({}, error(rpc_code::legacy_bad_request,
                                             "Method Not Allowed: GET /sse, POST /messages")),
                 {{"Allow", req.path == "/sse" ? "GET" : "POST"}}});
  }
}

void endpoint::handle_mcp(http_request& req, const http_exchange_ptr& ex) {
  if (auto refusal = refuse_foreign(req)) {
    ex->respond(std::move(*refusal));
    return;
  }
  if (req.method == "POST") {
    handle_post(req, ex);
  } else if (req.method == "DELETE") {
    handle_delete(req, ex);
  } else if (req.method == "GET") {
    if (!accepts(req.accept, "text/event-stream")) {
      ex->respond(
          error_response(406, error(rpc_code::legacy_bad_request,
                                    "Not Acceptable: GET needs Accept: text/event-stream")));
      return;
    }
    handle_get(req, ex);
  } else {
    ex->respond({405,
                 "application/json",
                 rpc::encode_error({}, error(rpc_code::legacy_bad_request,
                                             "Method Not Allowed: use POST, GET or DELETE")),
                 {{"Allow", "GET, POST, DELETE"}}});
  }
}

std::variant<http_response, websocket_binding> endpoint::upgrade(const http_request& req,
                                                                 const std::string& subprotocols) {
  if (req.path != "/mcp") {
    return http_response{404, "text/plain", "Not Found: the MCP endpoint is /mcp\n", {}};
  }
  if (auto refusal = refuse_foreign(req)) {
    return std::move(*refusal);
  }
  bool offers_mcp = false;
  for (size_t start = 0; start <= subprotocols.size();) {
    auto comma = subprotocols.find(',', start);
    auto item =
        subprotocols.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    offers_mcp = offers_mcp || item == "mcp";
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (!offers_mcp) {
    parts_.metrics->rejected("bad_request");
    return error_response(400, error(rpc_code::legacy_bad_request,
                                     "Bad Request: a WebSocket on /mcp needs the subprotocol "
                                     "'mcp' (Sec-WebSocket-Protocol: mcp)"));
  }
  auto box = std::make_shared<outbox>(options_.streams.limits, stream_format::raw, parts_.metrics);
  auto peer = make_peer(box);
  return websocket_binding{std::move(peer), std::move(box)};
}

void endpoint::handle_get(const http_request& req, const http_exchange_ptr& ex) {
  // The GET stream belongs to a 2025 session; 2026-07-28 has none (it listens by POST).
  if (!req.has_session_id) {
    ex->respond({405,
                 "application/json",
                 rpc::encode_error({}, error(rpc_code::legacy_bad_request,
                                             "Method Not Allowed: a GET stream needs an "
                                             "Mcp-Session-Id (2026-07-28 uses "
                                             "subscriptions/listen)")),
                 {{"Allow", "POST, DELETE"}}});
    return;
  }
  if (req.has_protocol_version && !is_legacy_version(req.protocol_version)) {
    ex->respond(error_response(
        400, error(rpc_code::legacy_bad_request, "Bad Request: unsupported MCP-Protocol-Version '" +
                                                     req.protocol_version + "'")));
    return;
  }
  auto session = parts_.sessions->find(req.session_id);
  if (!session) {
    ex->respond(error_response(404, error(rpc_code::session_not_found, "Session not found")));
    return;
  }
  caf::anon_send(*session, open_stream{ex, req.last_event_id, req.has_last_event_id});
}

void endpoint::handle_delete(const http_request& req, const http_exchange_ptr& ex) {
  if (!req.has_session_id) {
    ex->respond(error_response(400, error(rpc_code::legacy_bad_request,
                                          "Bad Request: DELETE needs an Mcp-Session-Id header")));
    return;
  }
  auto session = parts_.sessions->find(req.session_id);
  if (!session || !parts_.sessions->erase(req.session_id)) {
    ex->respond(error_response(404, error(rpc_code::session_not_found, "Session not found")));
    return;
  }
  // Erased here, synchronously, so the next request with this id already gets 404.
  parts_.metrics->sessions_add(-1);
  parts_.metrics->session_ended("deleted");
  caf::anon_send(*session, end_atom::value);
  ex->respond({200, {}, {}, {}});
}

void endpoint::handle_post(http_request& req, const http_exchange_ptr& ex) {
  auto reject = [&](unsigned status, rpc_code code, std::string message, std::string_view id = {},
                    std::string data = {}) {
    parts_.metrics->rejected("bad_request");
    ex->respond(error_response(status, rpc_error{code, std::move(message), std::move(data)}, id));
  };
  if (!accepts(req.accept, "application/json") || !accepts(req.accept, "text/event-stream")) {
    reject(406, rpc_code::legacy_bad_request,
           "Not Acceptable: Accept must list application/json and text/event-stream");
    return;
  }
  if (!is_json_media_type(req.content_type)) {
    reject(415, rpc_code::legacy_bad_request,
           "Unsupported Media Type: Content-Type must be application/json");
    return;
  }
  auto decoded = rpc::decode(req.body);
  if (auto* failure = std::get_if<rpc::decode_failure>(&decoded)) {
    reject(400, failure->error.code, failure->error.message, failure->id);
    return;
  }
  auto& msg = std::get<rpc::message>(decoded);
  const auto* meta = request_meta(msg);
  const rapidjson::Value* body_version =
      meta != nullptr ? find_member(*meta, meta_key::protocol_version) : nullptr;
  bool modern = body_version != nullptr || is_modern_version(req.protocol_version) ||
                msg.method == "server/discover";
  auto finish_hook = [metrics = parts_.metrics, admission = parts_.admission, start = clock::now()](
                         const request_info& info, outcome how) {
    std::chrono::duration<double> took = clock::now() - start;
    metrics->request_finished(info.method, how, took.count());
    if (!exempt_from_admission(info.method)) {
      admission->release();
      metrics->inflight_add(-1);
    }
  };
  auto admit = [&](const std::string& method, std::string_view id) {
    if (exempt_from_admission(method) || parts_.admission->try_acquire()) {
      if (!exempt_from_admission(method)) {
        parts_.metrics->inflight_add(1);
      }
      return true;
    }
    parts_.metrics->rejected("overloaded");
    auto resp = error_response(
        429,
        rpc_error{rpc_code::server_overloaded, "Server overloaded: too many requests in flight",
                  R"({"retryable":true,"retryAfterMs":1000})"},
        id);
    resp.headers.emplace_back("Retry-After", "1");
    ex->respond(std::move(resp));
    return false;
  };
  auto arm = [&](const responder& out) {
    // Weak: a request nobody holds any more is answered when it is dropped, not here.
    ex->arm_deadline(options_.request_timeout, [ref = out.weak_ref()] {
      if (auto out = ref.lock()) {
        out->error(make_error(rpc_code::request_timeout, "Request timed out"), outcome::timeout);
      }
    });
  };

  if (modern) {
    // 2026-07-28: every header must agree with the body (Server Validation).
    if (!req.has_protocol_version) {
      reject(400, rpc_code::header_mismatch,
             "Header mismatch: the MCP-Protocol-Version header is required", msg.id);
      return;
    }
    if (!is_supported_version(req.protocol_version)) {
      reject(400, rpc_code::unsupported_protocol_version, "Unsupported protocol version", msg.id,
             unsupported_version_data(req.protocol_version));
      return;
    }
    if (body_version == nullptr || !body_version->IsString()) {
      // The body is malformed rather than disagreeing with its header: Invalid params.
      reject(400, rpc_code::invalid_params,
             "Invalid params: params._meta needs a string \"" +
                 std::string(meta_key::protocol_version) + "\"",
             msg.id);
      return;
    }
    std::string_view declared(body_version->GetString(), body_version->GetStringLength());
    if (declared != req.protocol_version) {
      reject(400, rpc_code::header_mismatch,
             "Header mismatch: MCP-Protocol-Version header value '" + req.protocol_version +
                 "' does not match body value '" + std::string(declared) + "'",
             msg.id);
      return;
    }
    if (!is_modern_version(declared)) {
      reject(400, rpc_code::unsupported_protocol_version,
             "Unsupported protocol version: " + std::string(declared) +
                 " needs an initialize handshake",
             msg.id, unsupported_version_data(declared));
      return;
    }
    if (msg.type == rpc::kind::notification || msg.type == rpc::kind::response) {
      ex->respond({202, {}, {}, {}});
      return;
    }
    if (!req.has_mcp_method || req.mcp_method != msg.method) {
      reject(400, rpc_code::header_mismatch,
             req.has_mcp_method ? "Header mismatch: Mcp-Method header value '" + req.mcp_method +
                                      "' does not match body value '" + msg.method + "'"
                                : std::string("Header mismatch: the Mcp-Method header is required"),
             msg.id);
      return;
    }
    if (auto member = name_member_of(msg.method); !member.empty()) {
      auto body_name = msg.params ? string_member(*msg.params, member) : std::nullopt;
      auto header_name = req.has_mcp_name ? decode_header_value(req.mcp_name) : std::nullopt;
      if (!req.has_mcp_name || !header_name) {
        reject(400, rpc_code::header_mismatch,
               req.has_mcp_name
                   ? "Header mismatch: Mcp-Name holds invalid base64"
                   : "Header mismatch: the Mcp-Name header is required for " + msg.method,
               msg.id);
        return;
      }
      if (!body_name || *body_name != *header_name) {
        reject(400, rpc_code::header_mismatch,
               "Header mismatch: Mcp-Name header value '" + *header_name +
                   "' does not match body value '" + std::string(body_name.value_or("")) + "'",
               msg.id);
        return;
      }
    }
    if (auto bad = mismatched_param_headers(msg, req)) {
      reject(400, rpc_code::header_mismatch, *bad, msg.id);
      return;
    }
    if (!has_client_capabilities(meta)) {
      reject(400, rpc_code::invalid_params,
             "Invalid params: params._meta needs an object \"" +
                 std::string(meta_key::client_capabilities) + "\"",
             msg.id);
      return;
    }
    request_info info{era::modern, std::string(declared),   msg.id,
                      msg.method,  progress_token_of(meta), requested_log_level(meta)};
    if (auto bad = read_modern_inputs(msg, info)) {
      reject(400, bad->code, bad->message, msg.id);
      return;
    }
    if (msg.method == "subscriptions/listen" && parts_.notifier) {
      // Long-lived by design: no admission slot, no request deadline.
      auto filter = read_listen(msg, *parts_.tools->current(), options_.streams.max_subscriptions);
      if (auto* bad = std::get_if<rpc_error>(&filter)) {
        reject(http_status_for(bad->code, true), bad->code, bad->message, msg.id, bad->data_json);
        return;
      }
      auto box =
          std::make_shared<outbox>(options_.streams.limits, stream_format::sse, parts_.metrics);
      open_listen(std::get<listen_filter>(filter), msg.id, box, parts_.notifier);
      ex->pump(box, {}, options_.streams.keep_alive);
      return;
    }
    if (!admit(msg.method, msg.id)) {
      return;
    }
    responder out(std::make_shared<http_reply>(ex, http_headers{}), std::move(info), finish_hook);
    out.keep_alive(msg.root.document());
    arm(out);
    // 2026-07-28: closing the request's stream cancels it.
    ex->on_client_close([out] { out.cancel(); });
    auto env = dispatch::env_of(parts_);
    if (!dispatch::dispatch(msg, out, env)) {
      out.error(error(rpc_code::method_not_found, "Method not found: " + msg.method));
    }
    return;
  }

  // 2025-era and earlier: sessions.
  if (req.has_protocol_version && !is_legacy_version(req.protocol_version)) {
    reject(400, rpc_code::legacy_bad_request,
           "Bad Request: unsupported MCP-Protocol-Version '" + req.protocol_version + "'", msg.id,
           unsupported_version_data(req.protocol_version));
    return;
  }
  if (msg.method == "initialize" && msg.type == rpc::kind::request) {
    if (req.has_session_id && parts_.sessions->find(req.session_id)) {
      reject(400, rpc_code::invalid_request, "Invalid Request: the session is already initialized",
             msg.id);
      return;
    }
    auto requested = msg.params ? string_member(*msg.params, "protocolVersion") : std::nullopt;
    if (!requested) {
      reject(400, rpc_code::invalid_params, "Invalid params: initialize needs \"protocolVersion\"",
             msg.id);
      return;
    }
    auto version = std::string(dispatch::negotiate_legacy_version(*requested));
    auto init = session::session_init_from(msg, version);
    init.idle_timeout = options_.session_idle_timeout;
    init.client_request_timeout = options_.client_request_timeout;
    init.notifier = parts_.notifier;
    init.jobs = parts_.jobs;
    init.streams = options_.streams;
    init.table = parts_.sessions;
    init.tools = parts_.tools;
    init.profile = parts_.profile;
    init.metrics = parts_.metrics;
    auto id = init.id;
    session::spawn_session(*parts_.system, std::move(init));
    log::debug("session opened session=" + id + " version=" + version);
    request_info info{era::legacy, version, msg.id, msg.method, {}, log_level::off};
    responder out(std::make_shared<http_reply>(ex, http_headers{{"Mcp-Session-Id", id}}),
                  std::move(info), finish_hook);
    auto env = dispatch::env_of(parts_);
    out.result(dispatch::initialize_result(version, env));
    return;
  }
  if (!req.has_session_id) {
    reject(400, rpc_code::legacy_bad_request,
           "Bad Request: Mcp-Session-Id header is required (send initialize first, or use "
           "protocol version 2026-07-28 with params._meta)",
           msg.id);
    return;
  }
  auto session = parts_.sessions->find(req.session_id);
  if (!session) {
    ex->respond(
        error_response(404, error(rpc_code::session_not_found, "Session not found"), msg.id));
    return;
  }
  if (msg.type == rpc::kind::response) {
    // The answer to a server→client request: accepted only if the session still waits for it.
    auto id = msg.id;
    ex->arm_deadline(options_.request_timeout, [ex] {
      ex->respond(error_response(404, error(rpc_code::session_not_found, "Session not found")));
    });
    caf::anon_send(*session,
                   client_answer{std::move(msg), [ex, id, metrics = parts_.metrics](bool matched) {
                                   if (matched) {
                                     ex->respond({202, {}, {}, {}});
                                     return;
                                   }
                                   metrics->rejected("unknown_response");
                                   ex->respond(error_response(
                                       400, error(rpc_code::invalid_request,
                                                  "Invalid Request: this session has no "
                                                  "outstanding request with id " +
                                                      id +
                                                      " (never sent, already answered, "
                                                      "or timed out)")));
                                 }});
    return;
  }
  if (msg.type != rpc::kind::request) {
    caf::anon_send(*session, session_request{std::move(msg), responder{}});
    ex->respond({202, {}, {}, {}});
    return;
  }
  if (!admit(msg.method, msg.id)) {
    return;
  }
  request_info info{era::legacy,
                    req.has_protocol_version ? req.protocol_version : std::string(),
                    msg.id,
                    msg.method,
                    progress_token_of(meta),
                    log_level::info};
  info.session_id = req.session_id;
  responder out(std::make_shared<http_reply>(ex, http_headers{{"Mcp-Session-Id", req.session_id}}),
                std::move(info), finish_hook);
  out.keep_alive(msg.root.document());
  arm(out);
  caf::anon_send(*session, session_request{std::move(msg), out});
}

}  // namespace mcprt::actors::front
