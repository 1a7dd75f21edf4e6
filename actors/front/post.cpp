// POST /mcp: one JSON-RPC message. Media types and decoding, then the era: a 2026-07-28
// request is checked against its headers and dispatched statelessly; a 2025 one opens a
// session (initialize) or goes to its session. Not the other HTTP methods (endpoint.cpp).
#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/dispatch/method_table.hpp"
#include "actors/front/endpoint.hpp"
#include "actors/front/http_reply.hpp"
#include "actors/front/listen.hpp"
#include "actors/front/mcp_front.hpp"
#include "actors/front/media_types.hpp"
#include "actors/front/modern_headers.hpp"
#include "actors/session/session.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "runtime/observe/access_log.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::front {

namespace {

using clock = std::chrono::steady_clock;

// Control traffic (initialize, ping, server/discover) is never refused for load.
bool exempt_from_admission(std::string_view method) {
  const auto* entry = dispatch::method_table::builtin().find(method);
  return entry != nullptr && entry->exempt_from_admission;
}

const http_response accepted{202, {}, {}, {}};

}  // namespace

void endpoint::reject(const http_exchange_ptr& ex, const refusal_reason& why,
                      std::string_view id) const {
  parts_.node->metrics->rejected("bad_request");
  ex->respond(error_response(why.status, why.error, id));
}

finish_hook endpoint::request_hook(bool admitted) const {
  return [metrics = parts_.node->metrics, admission = parts_.admission, start = clock::now(),
          admitted](const request_info& info, outcome how) {
    std::chrono::duration<double> took = clock::now() - start;
    metrics->request_finished(info, how, took.count());
    log::access(info, how, took.count());
    if (admitted) {
      admission->release();
      metrics->inflight_add(-1);
    }
  };
}

bool endpoint::admit(const http_exchange_ptr& ex, std::string_view id) const {
  if (parts_.admission->try_acquire()) {
    parts_.node->metrics->inflight_add(1);
    return true;
  }
  parts_.node->metrics->rejected("overloaded");
  auto resp = error_response(
      429,
      rpc_error{rpc_code::server_overloaded, "Server overloaded: too many requests in flight",
                R"({"retryable":true,"retryAfterMs":1000})"},
      id);
  resp.headers.emplace_back("Retry-After", "1");
  ex->respond(std::move(resp));
  return false;
}

void endpoint::arm_deadline(const http_exchange_ptr& ex, const responder& out) const {
  // Weak: a request nobody holds any more is answered when it is dropped, not here.
  ex->arm_deadline(std::chrono::milliseconds(request_timeout_ms_.load(std::memory_order_relaxed)),
                   [ref = out.weak_ref()] {
                     if (auto out = ref.lock()) {
                       out->error(make_error(rpc_code::request_timeout, "Request timed out"),
                                  outcome::timeout);
                     }
                   });
}

void endpoint::handle_post(mcp_request& req, const http_exchange_ptr& ex) {
  if (!accepts(req.accept, "application/json") || !accepts(req.accept, "text/event-stream")) {
    reject(ex, {406, make_error(rpc_code::legacy_bad_request,
                                "Not Acceptable: Accept must list application/json and "
                                "text/event-stream")});
    return;
  }
  if (!is_json_media_type(req.content_type)) {
    reject(ex, {415, make_error(rpc_code::legacy_bad_request,
                                "Unsupported Media Type: Content-Type must be application/json")});
    return;
  }
  auto decoded = rpc::decode(req.body);
  if (auto* failure = std::get_if<rpc::decode_failure>(&decoded)) {
    reject(ex, {400, make_error(failure->error.code, failure->error.message)}, failure->id);
    return;
  }
  auto& msg = std::get<rpc::message>(decoded);
  if (auto needed = scopes_lacking(
          parts_.node->scopes ? parts_.node->scopes->current().get() : nullptr, req.caller, msg);
      needed && parts_.gate) {
    // Decided before anything streams: an HTTP 403 the client can step up from.
    ex->respond(parts_.gate->denial_response(
        parts_.gate->insufficient_scope(std::move(*needed), msg.method, req.caller)));
    return;
  }
  const auto* meta = request_meta(msg);
  const auto* body_version =
      meta != nullptr ? find_member(*meta, meta_key::protocol_version) : nullptr;
  // The era: a version in `_meta` or in the header, or server/discover, is 2026-07-28.
  if (body_version != nullptr || is_modern_version(req.protocol_version) ||
      msg.method == "server/discover") {
    post_modern(req, msg, meta, body_version, ex);
  } else {
    post_legacy(req, msg, meta, ex);
  }
}

void endpoint::post_modern(const mcp_request& req, rpc::message& msg, const rapidjson::Value* meta,
                           const rapidjson::Value* body_version, const http_exchange_ptr& ex) {
  // Every header must agree with the body (Server Validation).
  if (auto bad = check_modern_version(req, body_version)) {
    reject(ex, *bad, msg.id);
    return;
  }
  if (msg.type == rpc::kind::notification || msg.type == rpc::kind::response) {
    ex->respond(accepted);
    return;
  }
  // A message a pipe relayed has no routing headers of its own (the pipe checked its body).
  if (auto bad = req.from_pipe ? std::nullopt : check_modern_routing(msg, req)) {
    reject(ex, *bad, msg.id);
    return;
  }
  if (auto bad = req.from_pipe ? std::nullopt : mismatched_param_headers(msg, req)) {
    reject(ex, {400, make_error(rpc_code::header_mismatch, *bad)}, msg.id);
    return;
  }
  auto request = modern_request(msg, meta, req.caller);
  if (auto* bad = request.failure()) {
    reject(ex, {400, *bad}, msg.id);
    return;
  }
  auto& info = request.value();
  // A task's operations run on its node; a keyed call on its key's home, so a retry that lands
  // anywhere finds the first attempt.
  if (relay_stateless(req, msg, meta, ex)) {
    return;
  }
  if (msg.method == "subscriptions/listen" && parts_.node->notifier) {
    // Long-lived by design: no admission slot, no request deadline.
    auto filter =
        read_listen(msg, *parts_.node->tools->current(), parts_.node->streams.max_subscriptions);
    if (auto* bad = filter.failure()) {
      reject(ex, {http_status_for(bad->code, true), *bad}, msg.id);
      return;
    }
    end_at_expiry(req.caller, ex);  // It lives as long as the token that opened it.
    auto box = std::make_shared<outbox>(parts_.node->streams.limits->current(), stream_format::sse,
                                        parts_.node->metrics);
    open_listen(filter.value(), msg.id, box, parts_.node->notifier);
    ex->pump(box, {}, parts_.node->streams.keep_alive);
    return;
  }
  // Control traffic takes no admission slot, so it is never refused for load.
  bool admitted = !exempt_from_admission(msg.method);
  if (admitted && !admit(ex, msg.id)) {
    return;
  }
  responder out(std::make_shared<http_reply>(ex, http_headers{}), std::move(info),
                request_hook(admitted));
  responder_internals::keep_alive(out, msg.root.document());
  serve(msg, out, *parts_.node);
  // Only for an answer still to come: an inline tool has answered by now, and a timer and a
  // socket watch armed for it would only be undone.
  if (!out.done()) {
    arm_deadline(ex, out);
    // 2026-07-28: closing the request's stream cancels it.
    ex->on_client_close([out] { out.cancel(); });
  }
}

void endpoint::post_legacy(const mcp_request& req, rpc::message& msg, const rapidjson::Value* meta,
                           const http_exchange_ptr& ex) {
  if (req.has_protocol_version && !is_legacy_version(req.protocol_version)) {
    reject(ex,
           {400, rpc_error{rpc_code::legacy_bad_request,
                           "Bad Request: unsupported MCP-Protocol-Version '" +
                               req.protocol_version + "'",
                           unsupported_version_data(req.protocol_version)}},
           msg.id);
    return;
  }
  if (msg.method == "initialize" && msg.type == rpc::kind::request) {
    open_session(req, msg, ex);
    return;
  }
  if (!req.has_session_id) {
    reject(ex,
           {400, make_error(rpc_code::legacy_bad_request,
                            "Bad Request: Mcp-Session-Id header is required (send initialize "
                            "first, or use protocol version 2026-07-28 with params._meta)")},
           msg.id);
    return;
  }
  auto kind = msg.type == rpc::kind::response ? cluster::wire::forward_kind::answer
                                              : cluster::wire::forward_kind::post;
  if (relay_to_owner(req, req.session_id, kind, msg.id, ex)) {
    return;
  }
  auto session = find_session(req);
  if (!session) {
    ex->respond(
        error_response(404, make_error(rpc_code::session_not_found, "Session not found"), msg.id));
    return;
  }
  if (msg.type == rpc::kind::response) {
    forward_answer(*session, msg, ex);
    return;
  }
  if (msg.type != rpc::kind::request) {
    session->request(session_request{std::move(msg), responder{}});
    ex->respond(accepted);
    return;
  }
  bool admitted = !exempt_from_admission(msg.method);
  if (admitted && !admit(ex, msg.id)) {
    return;
  }
  request_info info{era::legacy,
                    req.has_protocol_version ? req.protocol_version : std::string(),
                    msg.id,
                    msg.method,
                    progress_token_of(meta),
                    log_level::info};
  info.session_id = req.session_id;
  info.caller = req.caller;
  info.trace = trace_context_of(meta);
  responder out(std::make_shared<http_reply>(ex, http_headers{{"Mcp-Session-Id", req.session_id}}),
                std::move(info), request_hook(admitted));
  responder_internals::keep_alive(out, msg.root.document());
  session->request(session_request{std::move(msg), out});
  if (!out.done()) {  // As for post_modern: nothing to arm for an answer already given.
    arm_deadline(ex, out);
  }
}

void endpoint::open_session(const mcp_request& req, const rpc::message& msg,
                            const http_exchange_ptr& ex) {
  if (req.has_session_id && find_session(req)) {
    reject(ex,
           {400, make_error(rpc_code::invalid_request,
                            "Invalid Request: the session is already initialized")},
           msg.id);
    return;
  }
  session::session_init base;
  base.idle_timeout = options_.session_idle_timeout;
  base.node = parts_.node;
  base.table = parts_.sessions;
  base.owner = req.caller.owner();
  auto opened = session::open_session(msg, std::move(base));
  if (auto* bad = opened.failure()) {
    reject(ex, {400, *bad}, msg.id);
    return;
  }
  auto& session = opened.value();
  request_info info{era::legacy, session.version, msg.id, msg.method, {}, log_level::off};
  responder out(std::make_shared<http_reply>(ex, http_headers{{"Mcp-Session-Id", session.id}}),
                std::move(info), request_hook(false));  // initialize takes no slot.
  auto env = dispatch::env_of(*parts_.node);
  out.result(dispatch::initialize_result(session.version, env));
}

void endpoint::forward_answer(session::session& session, rpc::message& msg,
                              const http_exchange_ptr& ex) {
  // The answer to a server→client request: accepted only if the session still waits for it.
  auto id = msg.id;
  ex->arm_deadline(
      std::chrono::milliseconds(request_timeout_ms_.load(std::memory_order_relaxed)), [ex] {
        ex->respond(
            error_response(404, make_error(rpc_code::session_not_found, "Session not found")));
      });
  auto on_matched = [ex, id, metrics = parts_.node->metrics](bool matched) {
    if (matched) {
      ex->respond(accepted);
      return;
    }
    metrics->rejected("unknown_response");
    ex->respond(error_response(
        400, make_error(rpc_code::invalid_request,
                        "Invalid Request: this session has no outstanding request with id " + id +
                            " (never sent, already answered, or timed out)")));
  };
  session.answer(client_answer{std::move(msg), std::move(on_matched)});
}

}  // namespace mcprt::actors::front
