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
#include "actors/front/media_types.hpp"
#include "actors/front/message_peer.hpp"
#include "actors/session/session.hpp"
#include "runtime/codec/ascii.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::front {

namespace {

using namespace std::chrono_literals;

rpc_error error(rpc_code code, std::string message) {
  return make_error(code, std::move(message));
}

// The paths that reach MCP (Streamable HTTP, WebSocket, HTTP+SSE).
bool serves_mcp(std::string_view path) {
  return path == "/mcp" || path == "/sse" || path == "/messages";
}

// How long the caller's credential stays valid; nullopt when it does not expire.

std::optional<std::chrono::milliseconds> time_left(const principal& caller) {
  if (caller.expires_at <= 0) {
    return std::nullopt;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  auto left = std::chrono::milliseconds(caller.expires_at * 1000) - now;
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

endpoint::endpoint(endpoint_options options, endpoint_parts parts)
    : options_(std::move(options)),
      request_timeout_ms_(options_.request_timeout.count()),
      max_payload_bytes_(options_.max_payload_bytes),
      parts_(std::move(parts)) {
  // Host names and origins compare case-insensitively: normalize the lists once.
  for (auto* list : {&options_.allowed_hosts, &options_.allowed_origins}) {
    for (auto& entry : *list) {
      entry = ascii_lowered(entry);
    }
  }
  legacy_ = std::make_unique<legacy_sse>(
      [this](std::shared_ptr<outbox> box, const principal& caller) {
        return make_peer(std::move(box), wire::legacy_sse, caller);
      },
      parts_.node->streams.limits, parts_.node->streams.keep_alive, options_.max_legacy_streams,
      parts_.node->metrics, parts_.node->ids);
}

endpoint::~endpoint() = default;

void endpoint::set_limits(std::chrono::milliseconds request_timeout, size_t max_payload_bytes) {
  request_timeout_ms_.store(request_timeout.count(), std::memory_order_relaxed);
  max_payload_bytes_.store(max_payload_bytes, std::memory_order_relaxed);
}

std::shared_ptr<message_peer> endpoint::make_peer(std::shared_ptr<outbox> box, wire kind,
                                                  const principal& caller) const {
  // The caller of a server without authentication is the default principal: none is kept.
  bool nobody = caller.anonymous() && caller.client_id.empty() && caller.scopes.empty() &&
                caller.expires_at == 0;
  auto who = nobody ? nullptr : std::make_shared<const principal>(caller);
  return std::make_shared<message_peer>(peer_parts{parts_.node, std::move(box),
                                                   parts_.bound_sessions, std::move(who), kind,
                                                   parts_.admission, parts_.forwarder});
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
    message +=
        " (" + std::to_string(max_payload_bytes_.load(std::memory_order_relaxed) / 1024) + " KiB)";
  } else if (!detail.empty()) {
    message += " (" + std::string(detail) + ")";
  }
  parts_.node->metrics->rejected(r.metric);
  // The transport closes the connection after this answer (and says so in its header).
  auto answer = error_response(r.status, error(rpc_code::invalid_request, std::move(message)));
  if (why == http_refusal::too_many_connections) {
    answer.headers.emplace_back("Retry-After", "1");
  }
  return answer;
}

std::optional<std::string> endpoint::mismatched_param_headers(const rpc::message& msg,
                                                              const mcp_request& req) const {
  if (msg.method != "tools/call" || !msg.params) {
    return std::nullopt;
  }
  auto name = string_member(*msg.params, "name");
  auto tools = parts_.node->tools->current();
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
  auto o = ascii_lowered(origin);
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

void endpoint::handle(http_request request, const http_exchange_ptr& ex) {
  auto req = read_mcp_request(std::move(request));
  if (parts_.admission->draining() && serves_mcp(req.path) && req.method != "OPTIONS") {
    // Shutting down: balancers and clients go elsewhere while admitted calls finish.
    parts_.node->metrics->rejected("draining");
    auto r = error_response(503, make_error(rpc_code::internal_error,
                                            "Service Unavailable: the server is shutting down"));
    r.headers.emplace_back("Retry-After", "5");
    r.headers.emplace_back("Connection", "close");
    ex->respond(std::move(r));
    return;
  }
  const auto& gate = parts_.gate;
  if (gate && gate->is_metadata_path(req.path)) {
    ex->respond(gate->metadata_response(req.method));
    return;
  }
  // What reaches MCP, and the capabilities document (adapters, limits): not for strangers.
  bool gated = gate && gate->enabled() && req.method != "OPTIONS" &&
               (serves_mcp(req.path) || req.path == "/mcp/capabilities");
  // Host and Origin first, once: a foreign page learns nothing, not even that a token is needed.
  if (serves_mcp(req.path) || gated) {
    if (auto refusal = refuse_foreign(req)) {
      ex->respond(std::move(*refusal));
      return;
    }
  }
  if (!gated) {
    return route(req, ex);
  }
  guard(
      req, [ex](http_response denial) { ex->respond(std::move(denial)); },
      [this, ex](mcp_request& r) {
        if (r.method == "GET") {  // A stream: GET /mcp, GET /sse (listen: post.cpp).
          end_at_expiry(r.caller, ex);
        }
        route(r, ex);
      });
}

void endpoint::guard(mcp_request& req, std::function<void(http_response)> refuse,
                     std::function<void(mcp_request&)> next) const {
  auto what = req.method + " " + req.path;
  // Most requests are answered at once (a token seen before, a key, a refusal): no need to
  // keep the request for later.
  if (auto now = parts_.gate->authenticate_now(req.has_authorization ? &req.authorization : nullptr,
                                               req.query, req.client_subject, what)) {
    if (!*now) {
      return refuse(parts_.gate->denial_response(now->error()));
    }
    req.caller = std::move(now->value());
    return next(req);
  }
  auto held = std::make_shared<mcp_request>(std::move(req));
  parts_.gate->authenticate(held->has_authorization ? &held->authorization : nullptr, held->query,
                            held->client_subject, std::move(what),
                            [this, held, refuse = std::move(refuse),
                             next = std::move(next)](identity::auth_outcome outcome) {
                              if (!outcome) {
                                refuse(parts_.gate->denial_response(outcome.error()));
                                return;
                              }
                              held->caller = std::move(outcome.value());
                              next(*held);
                            });
}

void endpoint::end_at_expiry(const principal& caller, const http_exchange_ptr& ex) const {
  // A stream (a GET stream, /sse, subscriptions/listen) ends when its token does; a request
  // with its own deadline replaces this one.
  if (auto left = time_left(caller)) {
    ex->arm_deadline(*left, [ex] { ex->abort(); });
  }
}

std::function<void()> endpoint::drain_waits_for(cluster::wire::forward_kind kind) const {
  if (kind == cluster::wire::forward_kind::get) {
    return {};  // A stream, not a call: a draining node ends it with a reconnect hint.
  }
  // A relayed call holds no slot here (the owner admits it), but a draining node waits for it.
  parts_.admission->pipe_call_started();
  return [admission = parts_.admission] { admission->pipe_call_answered(); };
}

bool endpoint::relay_to_owner(const mcp_request& req, std::string_view id,
                              cluster::wire::forward_kind kind, std::string_view rpc_id,
                              const http_exchange_ptr& ex) const {
  if (!parts_.forwarder || req.forwarded) {
    return false;  // One node, or already relayed once: never a second hop.
  }
  auto owner = parts_.forwarder->elsewhere(id);
  if (!owner) {
    return false;
  }
  parts_.forwarder->forward(*owner, kind, forwardable(req), req.caller, std::string(rpc_id), ex,
                            drain_waits_for(kind));
  return true;
}

bool endpoint::relay_stateless(const mcp_request& req, const rpc::message& msg,
                               const rapidjson::Value* meta, const http_exchange_ptr& ex) const {
  if (!parts_.forwarder || req.forwarded) {
    return false;
  }
  auto target = parts_.forwarder->home_of_stateless(msg, meta, req.caller);
  if (!target) {
    return false;
  }
  parts_.forwarder->forward({target->node, std::nullopt}, target->kind, forwardable(req),
                            req.caller, msg.id, ex, drain_waits_for(target->kind));
  return true;
}

void endpoint::serve_forwarded(http_request request, principal caller,
                               const http_exchange_ptr& ex) {
  bool from_pipe = request.header(relayed_from_pipe_header) != nullptr;
  auto req = read_mcp_request(std::move(request));
  req.caller = std::move(caller);
  req.forwarded = true;
  req.from_pipe = from_pipe;
  if (parts_.admission->draining()) {
    parts_.node->metrics->rejected("draining");
    auto r = error_response(503, make_error(rpc_code::internal_error,
                                            "Service Unavailable: the server is shutting down"));
    r.headers.emplace_back("Retry-After", "5");
    ex->respond(std::move(r));
    return;
  }
  route(req, ex);
}

session::session_ptr endpoint::find_session(const mcp_request& req) const {
  bool foreign = false;
  auto session = parts_.sessions->find(req.session_id, req.caller.owner(), &foreign);
  if (foreign) {
    parts_.node->metrics->cross_principal("session", req.caller, req.method + " " + req.path);
  }
  return session;
}

void endpoint::route(mcp_request& req, const http_exchange_ptr& ex) {
  if (req.path == "/mcp") {
    handle_mcp(req, ex);
  } else if (req.path == "/mcp/capabilities" && req.method == "GET" && parts_.capabilities) {
    ex->respond({200, "application/json", parts_.capabilities(), {}});
  } else if (req.path == "/sse" || req.path == "/messages") {
    handle_legacy_sse(req, ex);
  } else if (req.path == "/healthz" && req.method == "GET") {
    ex->respond({200, "application/json", R"({"status":"ok"})", {}});
  } else if (req.path == "/readyz" && req.method == "GET") {
    ex->respond(readiness());
  } else if (req.path == "/metrics" && req.method == "GET") {
    ex->respond({200, "text/plain; version=0.0.4", parts_.node->metrics->render(), {}});
  } else {
    ex->respond({404, "text/plain", "Not Found: the MCP endpoint is /mcp\n", {}});
  }
}

http_response endpoint::readiness() const {
  if (parts_.admission->draining()) {
    return {503, "application/json", R"({"status":"draining"})", {{"Retry-After", "5"}}};
  }
  auto degraded =
      parts_.degraded_adapters ? parts_.degraded_adapters() : std::vector<std::string>{};
  auto [cluster, peer_down] =
      parts_.cluster_state ? parts_.cluster_state() : std::pair<std::string, bool>{};
  // Still ready when degraded: everything else is served, and the adapters' own calls (or
  // requests for a down peer's sessions) say what is missing.
  std::string body =
      degraded.empty() && !peer_down ? R"({"status":"ready")" : R"({"status":"degraded")";
  if (!degraded.empty()) {
    body += R"(,"adapters":[)";
    for (size_t i = 0; i < degraded.size(); ++i) {
      body += (i > 0 ? "," : "") + quote(degraded[i]);
    }
    body += "]";
  }
  if (!cluster.empty()) {
    body += R"(,"cluster":)" + cluster;
  }
  return {200, "application/json", body + "}", {}};
}

std::optional<http_response> endpoint::refuse_foreign(const mcp_request& req) const {
  // DNS-rebinding protection comes before anything else looks at the request.
  if (!host_allowed(req.host)) {
    parts_.node->metrics->rejected("host");
    return error_response(403, error(rpc_code::legacy_bad_request,
                                     "Forbidden: Host '" + req.host + "' is not allowed"));
  }
  if (req.has_origin && !origin_allowed(req.origin)) {
    parts_.node->metrics->rejected("origin");
    return error_response(403, error(rpc_code::legacy_bad_request,
                                     "Forbidden: Origin '" + req.origin + "' is not allowed"));
  }
  return std::nullopt;
}

void endpoint::handle_legacy_sse(mcp_request& req, const http_exchange_ptr& ex) {
  if (req.path == "/sse" && req.method == "GET") {
    if (!accepts(req.accept, "text/event-stream")) {
      ex->respond(error_response(406, error(rpc_code::legacy_bad_request,
                                            "Not Acceptable: GET /sse needs Accept: "
                                            "text/event-stream")));
      return;
    }
    legacy_->open(ex, req.caller);
  } else if (req.path == "/messages" && req.method == "POST") {
    if (!is_json_media_type(req.content_type)) {
      ex->respond(error_response(415, error(rpc_code::legacy_bad_request,
                                            "Unsupported Media Type: Content-Type must be "
                                            "application/json")));
      return;
    }
    if (relay_to_owner(req, legacy_sse::query_value(req.query, "sessionId"),
                       cluster::wire::forward_kind::legacy_post, {}, ex)) {
      return;
    }
    bool foreign = false;
    ex->respond(legacy_->post(req.query, req.body, req.caller, foreign));
    if (foreign) {
      parts_.node->metrics->cross_principal("legacy_session", req.caller, "POST /messages");
    }
  } else {
    ex->respond({405,
                 "application/json",
                 rpc::encode_error({}, error(rpc_code::legacy_bad_request,
                                             "Method Not Allowed: GET /sse, POST /messages")),
                 {{"Allow", req.path == "/sse" ? "GET" : "POST"}}});
  }
}

void endpoint::handle_mcp(mcp_request& req, const http_exchange_ptr& ex) {
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

void endpoint::upgrade(http_request request, const std::string& subprotocols,
                       std::function<void(upgrade_decision)> decide) {
  auto req = read_mcp_request(std::move(request));
  if (req.path != "/mcp") {
    return decide(http_response{404, "text/plain", "Not Found: the MCP endpoint is /mcp\n", {}});
  }
  if (auto refusal = refuse_foreign(req)) {
    return decide(std::move(*refusal));
  }
  if (!parts_.gate || !parts_.gate->enabled()) {
    return decide(bind_websocket(req, subprotocols));
  }
  // The upgrade request carries the token; the connection then belongs to its principal.
  guard(
      req, [decide](http_response denial) { decide(std::move(denial)); },
      [this, subprotocols, decide](mcp_request& r) { decide(bind_websocket(r, subprotocols)); });
}

http_handler::upgrade_decision endpoint::bind_websocket(const mcp_request& req,
                                                        const std::string& subprotocols) {
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
    parts_.node->metrics->rejected("bad_request");
    return error_response(400, error(rpc_code::legacy_bad_request,
                                     "Bad Request: a WebSocket on /mcp needs the subprotocol "
                                     "'mcp' (Sec-WebSocket-Protocol: mcp)"));
  }
  auto box = std::make_shared<outbox>(parts_.node->streams.limits->current(), stream_format::raw,
                                      parts_.node->metrics);
  auto peer = make_peer(box, wire::websocket, req.caller);
  return websocket_binding{std::move(peer), std::move(box), time_left(req.caller).value_or(0ms)};
}

void endpoint::handle_get(const mcp_request& req, const http_exchange_ptr& ex) {
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
  if (relay_to_owner(req, req.session_id, cluster::wire::forward_kind::get, {}, ex)) {
    return;
  }
  auto session = find_session(req);
  if (!session) {
    ex->respond(error_response(404, error(rpc_code::session_not_found, "Session not found")));
    return;
  }
  session->open(open_stream{ex, req.last_event_id, req.has_last_event_id});
}

void endpoint::handle_delete(const mcp_request& req, const http_exchange_ptr& ex) {
  if (!req.has_session_id) {
    ex->respond(error_response(400, error(rpc_code::legacy_bad_request,
                                          "Bad Request: DELETE needs an Mcp-Session-Id header")));
    return;
  }
  if (relay_to_owner(req, req.session_id, cluster::wire::forward_kind::del, {}, ex)) {
    return;
  }
  auto session = find_session(req);
  if (!session || !parts_.sessions->erase(req.session_id)) {
    ex->respond(error_response(404, error(rpc_code::session_not_found, "Session not found")));
    return;
  }
  // Erased here, synchronously, so the next request with this id already gets 404.
  parts_.node->metrics->sessions_add(-1);
  parts_.node->metrics->session_ended("deleted");
  session->end();
  ex->respond({200, {}, {}, {}});
}

}  // namespace mcprt::actors::front
