// The MCP front for a pipe: era detection per message, the 2026-07-28 `_meta` checks (no
// headers on stdio), and one 2025 session opened by initialize and ended with the pipe.
#include "actors/front/message_peer.hpp"

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <condition_variable>
#include <mutex>

#include "actors/front/listen.hpp"
#include "actors/front/mcp_front.hpp"
#include "actors/front/mcp_request.hpp"
#include "actors/front/pipe_exchange.hpp"
#include "actors/session/session.hpp"
#include "runtime/io/reply_channel.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "runtime/observe/access_log.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::front {

namespace {

// Every frame of a request goes to the pipe as one message, ahead of queued notifications;
// there is no status to carry.
class pipe_channel final : public reply_channel {
 public:
  explicit pipe_channel(std::shared_ptr<outbox> box) : box_(std::move(box)) {}
  void notify(std::string frame, note_overflow overflow) override {
    auto role =
        overflow.when_behind == note_overflow::rule::keep ? frame_role::other : frame_role::note;
    box_->push_control(std::move(frame), role, overflow);
  }
  void finish(unsigned, std::string frame) override {
    box_->push_control(std::move(frame), frame_role::answer);
  }

 private:
  std::shared_ptr<outbox> box_;
};

}  // namespace

// Requests read and not yet answered, so closing stdin can wait for their answers.
struct message_peer::inflight {
  std::mutex mutex;
  std::condition_variable cv;
  int count = 0;
};

message_peer::message_peer(peer_parts parts)
    : parts_(std::move(parts)),
      private_table_(!parts_.sessions),
      inflight_(parts_.wire == wire::stdio ? std::make_shared<inflight>() : nullptr) {
  if (private_table_) {
    parts_.sessions = std::make_shared<session::session_table>();
  }
}

const principal& message_peer::caller() const {
  static const principal anonymous;
  return parts_.caller ? *parts_.caller : anonymous;
}

message_peer::modern_calls& message_peer::modern() {
  if (!modern_) {
    modern_ = std::make_unique<modern_calls>();
  }
  return *modern_;
}

std::function<void()> message_peer::count_call() {
  if (inflight_) {
    std::lock_guard<std::mutex> g(inflight_->mutex);
    ++inflight_->count;
  }
  if (parts_.admitted) {
    parts_.admitted->pipe_call_started();
  }
  return [state = inflight_, admitted = parts_.admitted] {
    if (admitted) {
      admitted->pipe_call_answered();
    }
    if (state) {
      std::lock_guard<std::mutex> g(state->mutex);
      --state->count;
      state->cv.notify_all();
    }
  };
}

responder message_peer::make_responder(request_info info, const rpc::message& msg) {
  info.wire = parts_.wire;
  responder out(std::make_shared<pipe_channel>(parts_.box), std::move(info),
                [answered = count_call(), metrics = parts_.node->metrics,
                 start = std::chrono::steady_clock::now()](const request_info& info, outcome how) {
                  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
                  metrics->request_finished(info, how, took.count());
                  log::access(info, how, took.count());
                  answered();
                });
  responder_internals::keep_alive(out, msg.root.document());
  return out;
}

// On a pipe every subscription shares the connection: each listen gets its own bounded,
// tagged queue, drained into the connection's queue as its messages come.
struct message_peer::listen_subscription {
  std::shared_ptr<outbox> box;
  std::vector<std::string> topics;
  std::shared_ptr<actors::notifier::notifier> notes;
  ~listen_subscription() {
    for (const auto& t : topics) {
      notes->unsubscribe(t, box);
    }
    box->close("the listen ended");
  }
};

void message_peer::listen(const rpc::message& msg) {
  auto filter =
      read_listen(msg, *parts_.node->tools->current(), parts_.node->streams.max_subscriptions);
  if (auto* bad = filter.failure()) {
    write(rpc::encode_error(msg.id, *bad));
    return;
  }
  auto sub = std::make_shared<listen_subscription>();
  sub->box = std::make_shared<outbox>(parts_.node->streams.limits->current(), stream_format::raw,
                                      parts_.node->metrics);
  sub->notes = parts_.node->notifier;
  std::weak_ptr<outbox> from = sub->box;
  std::weak_ptr<outbox> to = parts_.box;
  auto gen = std::make_shared<uint64_t>(0);
  *gen = sub->box->attach([from, to, gen] {
    auto src = from.lock();
    auto dst = to.lock();
    if (!src || !dst) {
      return;
    }
    src->drain_messages(*gen,
                        [&dst](std::string m, frame_role) { dst->push_control(std::move(m)); });
  });
  sub->topics = open_listen(filter.value(), msg.id, sub->box, parts_.node->notifier);
  modern().listens.insert_or_assign(msg.id, std::move(sub));
}

bool message_peer::relay_elsewhere(const rpc::message& msg, const rapidjson::Value* meta,
                                   const std::string& text) {
  if (!parts_.forwarder) {
    return false;
  }
  auto target = parts_.forwarder->home_of_stateless(msg, meta, caller());
  if (!target) {
    return false;
  }
  // As an HTTP request, marked as a pipe's (it has no routing headers of its own).
  http_request r;
  r.method = "POST";
  r.path = "/mcp";
  r.headers = {{"Content-Type", "application/json"},
               {"Accept", "application/json, text/event-stream"},
               {"MCP-Protocol-Version", std::string(modern_version)},
               {std::string(relayed_from_pipe_header), "1"}};
  r.body = text;
  auto counted = count_call();
  parts_.forwarder->forward({target->node, std::nullopt}, target->kind, std::move(r), caller(),
                            msg.id, std::make_shared<pipe_exchange>(parts_.box, msg.id), counted);
  return true;
}

void message_peer::write(std::string message) {
  parts_.box->push_control(std::move(message));
}

int message_peer::drain(std::chrono::milliseconds at_most) {
  if (!inflight_) {
    return 0;
  }
  std::unique_lock<std::mutex> l(inflight_->mutex);
  inflight_->cv.wait_for(l, at_most, [this] { return inflight_->count == 0; });
  return inflight_->count;
}

message_peer::~message_peer() {
  if (session_) {
    // The pipe is the session: it ends with it.
    parts_.sessions->erase(session_->id());
    parts_.node->metrics->sessions_add(-1);
    parts_.node->metrics->session_ended("deleted");
    session_->stop();
  }
  if (private_table_) {
    parts_.sessions->stop_all();  // A private table's clock must not outlive the peer's system.
  }
}

void message_peer::on_oversized() {
  write(rpc::encode_error({}, make_error(rpc_code::invalid_request,
                                         "Invalid Request: message exceeds limits.maxPayloadKb")));
}

void message_peer::on_message(const std::string& text) {
  auto decoded = rpc::decode(text);
  if (auto* failure = std::get_if<rpc::decode_failure>(&decoded)) {
    write(rpc::encode_error(failure->id, failure->error));
    return;
  }
  auto& msg = std::get<rpc::message>(decoded);
  if (msg.type == rpc::kind::response) {
    // The answer to a server→client request; one nobody waits for is dropped (it cannot be
    // answered), and said so on stderr.
    if (session_) {
      session_->answer(client_answer{std::move(msg), [](bool matched) {
                                       if (!matched) {
                                         log::warn(
                                             "stdio: response to an unknown "
                                             "request ignored");
                                       }
                                     }});
    }
    return;
  }
  auto reply = [this, &msg](const rpc_error& e) {
    if (msg.type == rpc::kind::request) {
      write(rpc::encode_error(msg.id, e));
    }
  };
  if (msg.type == rpc::kind::request && parts_.admitted && parts_.admitted->draining()) {
    // As over HTTP (503): calls already read finish; the connection closes with 1012 after.
    parts_.node->metrics->rejected("draining");
    reply(make_error(rpc_code::internal_error, "Service Unavailable: the server is shutting down"));
    return;
  }
  if (auto needed = scopes_lacking(
          parts_.node->scopes ? parts_.node->scopes->current().get() : nullptr, caller(), msg)) {
    // A pipe has no HTTP status left to send: a JSON-RPC error naming every scope needed.
    parts_.node->metrics->rejected("insufficient_scope");
    reply(insufficient_scope_error(*needed));
    return;
  }
  if (msg.type == rpc::kind::notification && msg.method == "notifications/cancelled") {
    // On stdio both eras cancel with this notification; a 2025 session cancels its own.
    auto* id = msg.params ? find_member(*msg.params, "requestId") : nullptr;
    if (id != nullptr && modern_) {
      auto key = to_json(*id);
      if (modern_->listens.erase(key) > 0) {
        return;  // The listen ends (its subscription's destructor unsubscribes).
      }
      if (auto it = modern_->inflight.find(key); it != modern_->inflight.end()) {
        if (auto out = it->second.lock()) {
          out->cancel();
        }
        modern_->inflight.erase(it);
        return;
      }
    }
    if (session_) {
      session_->request(session_request{std::move(msg), responder{}});
    }
    return;
  }
  const auto* meta = request_meta(msg);
  auto* version = meta != nullptr ? find_member(*meta, meta_key::protocol_version) : nullptr;
  if (version != nullptr || msg.method == "server/discover") {
    // 2026-07-28: stateless, everything the request needs is in its _meta.
    if (version == nullptr || !version->IsString() ||
        !is_modern_version(std::string_view(version->GetString(), version->GetStringLength()))) {
      std::string requested = version != nullptr && version->IsString() ? version->GetString() : "";
      reply(rpc_error{rpc_code::unsupported_protocol_version, "Unsupported protocol version",
                      unsupported_version_data(requested)});
      return;
    }
    if (msg.type != rpc::kind::request) {
      return;
    }
    auto request = modern_request(msg, meta, caller());
    if (auto* bad = request.failure()) {
      reply(*bad);
      return;
    }
    if (msg.method == "subscriptions/listen" && parts_.node->notifier) {
      listen(msg);
      return;
    }
    if (relay_elsewhere(msg, meta, text)) {
      return;
    }
    auto out = make_responder(std::move(request.value()), msg);
    auto& inflight = modern().inflight;
    if (inflight.size() >= 64) {
      std::erase_if(inflight, [](const auto& kv) {
        auto out = kv.second.lock();
        return !out || out->done();
      });
    }
    inflight.insert_or_assign(msg.id, out.weak_ref());
    serve(msg, out, *parts_.node);
    return;
  }
  if (msg.method == "initialize" && msg.type == rpc::kind::request) {
    if (session_) {
      reply(make_error(rpc_code::invalid_request, "Invalid Request: already initialized"));
      return;
    }
    session::session_init base;
    base.idle_timeout = std::chrono::hours(24 * 365);  // Lives as long as the pipe.
    base.node = parts_.node;
    base.table = parts_.sessions;
    base.connection_box = parts_.box;
    base.owner = caller().owner();
    base.wire = parts_.wire;
    auto opened = session::open_session(msg, std::move(base));
    if (auto* bad = opened.failure()) {
      reply(*bad);
      return;
    }
    auto& session = opened.value();
    session_ = session.handle;
    auto env = dispatch::env_of(*parts_.node);
    write(rpc::encode_result(msg.id, dispatch::initialize_result(session.version, env)));
    return;
  }
  if (!session_) {
    reply(make_error(rpc_code::invalid_request,
                     "Invalid Request: send initialize first, or use protocol version "
                     "2026-07-28 with params._meta"));
    return;
  }
  responder out;
  if (msg.type == rpc::kind::request) {
    request_info info{era::legacy,    {}, msg.id, msg.method, progress_token_of(meta),
                      log_level::info};
    info.session_id = session_->id();
    info.caller = caller();
    info.trace = trace_context_of(meta);
    out = make_responder(std::move(info), msg);
  }
  session_->request(session_request{std::move(msg), out});
}

}  // namespace mcprt::actors::front
