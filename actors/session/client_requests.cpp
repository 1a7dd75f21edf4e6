// Server→client requests of one session.
#include "actors/session/client_requests.hpp"

#include "runtime/io/responder_internals.hpp"

namespace mcprt::actors::session {

namespace {

// The capability a method needs, or nullptr when every client can answer it (ping).
const bool* needed_ability(const client_caps& a, std::string_view method) {
  if (method == "sampling/createMessage") {
    return &a.sampling;
  }
  if (method == "elicitation/create") {
    return &a.elicitation;
  }
  if (method == "roots/list") {
    return &a.roots;
  }
  return nullptr;
}

void refuse(const client_reply_fn& on_reply, rpc_code code, std::string message) {
  on_reply(client_reply{{}, make_error(code, std::move(message))});
}

}  // namespace

std::string client_requests::send(client_ask ask) {
  if (const bool* able = needed_ability(caps_, ask.method); able != nullptr && !*able) {
    refuse(ask.on_reply, rpc_code::missing_client_capability,
           "The client did not declare the capability " + ask.method + " needs");
    return {};
  }
  if (pending_.size() >= max_outstanding) {
    refuse(ask.on_reply, rpc_code::server_overloaded,
           "Too many requests to the client are outstanding in this session");
    return {};
  }
  auto id = std::to_string(next_id_++);
  if (!responder_internals::send_related(ask.related,
                                         rpc::encode_request(id, ask.method, ask.params))) {
    refuse(ask.on_reply, rpc_code::invalid_request,
           "The request this " + ask.method + " belongs to is already answered");
    return {};
  }
  pending_.emplace(id, pending{std::move(ask.related), std::move(ask.on_reply)});
  return id;
}

bool client_requests::answer(const rpc::message& response) {
  auto it = pending_.find(response.id);
  if (it == pending_.end()) {
    return false;
  }
  auto p = std::move(it->second);
  pending_.erase(it);
  client_reply reply;
  if (auto result = response.root.member("result")) {
    reply.result = result;
  } else if (auto err = response.root.member("error"); err && err->IsObject()) {
    reply.error = rpc::error_from(*err);
  } else {
    reply.error = make_error(rpc_code::invalid_request, "The client's response has no result");
  }
  p.on_reply(std::move(reply));
  return true;
}

void client_requests::expire(const std::string& id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    return;
  }
  auto p = std::move(it->second);
  pending_.erase(it);
  responder_internals::send_related(
      p.related, rpc::encode_notification("notifications/cancelled",
                                          R"({"requestId":)" + id + R"(,"reason":"timed out"})"));
  refuse(p.on_reply, rpc_code::request_timeout, "The client did not answer in time");
}

void client_requests::fail_all(std::string_view reason) {
  auto all = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : all) {
    refuse(p.on_reply, rpc_code::internal_error, std::string(reason));
  }
}

}  // namespace mcprt::actors::session
