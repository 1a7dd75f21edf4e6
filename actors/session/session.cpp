// The session actor: a state machine that only exists after a successful initialize, serves
// its requests in order, and removes itself on DELETE or when idle.
#include "actors/session/session.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <unordered_map>

#include "actors/dispatch/method_table.hpp"
#include "actors/session/client_requests.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::session {

namespace {

// Hands a handler's client requests to its session, if the session still exists.
class session_link final : public client_link {
 public:
  explicit session_link(caf::weak_actor_ptr session) : session_(std::move(session)) {}
  void ask(const responder& related, std::string method, std::string params_json,
           client_reply_fn on_reply) override {
    // CAF 0.17 has no typed weak handle: the link keeps a weak pointer (so it never keeps the
    // session alive) and promotes it back to the session's own type.
    if (auto strong = session_.lock()) {
      caf::anon_send(
          caf::actor_cast<session_actor>(strong),
          client_ask{related, std::move(method), std::move(params_json), std::move(on_reply)});
      return;
    }
    on_reply(client_reply{{}, make_error(rpc_code::session_not_found, "The session has ended")});
  }

 private:
  caf::weak_actor_ptr session_;
};

struct session_state {
  session_init init;
  std::unique_ptr<client_requests> asks;
  std::unique_ptr<session_feed> feed;
  client_link_ptr link;
  log_level level = log_level::info;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  // Requests in flight by id (JSON text), for notifications/cancelled.
  // Weak: a request the table alone holds is already answered (as abandoned) by its responder.
  std::unordered_map<std::string, responder::weak> inflight;
  const std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  static inline const char* name = "mcprt.session";

  session_state() = default;
  session_state(const session_state&) = delete;
  session_state& operator=(const session_state&) = delete;
  // However it ends (DELETE, expiry, its pipe closing, shutdown), a session's life is measured.
  ~session_state() {
    if (init.node && init.node->metrics) {
      std::chrono::duration<double> lived = std::chrono::steady_clock::now() - opened;
      init.node->metrics->session_finished(init.version, init.wire, lived.count());
    }
  }
};

using clock = std::chrono::steady_clock;

void handle_set_level(session_state& st, const rpc::message& msg, const responder& out) {
  auto level = msg.params ? string_member(*msg.params, "level") : std::nullopt;
  log_level parsed;
  if (!level || !parse_log_level(*level, parsed)) {
    out.error(make_error(rpc_code::invalid_params,
                         "logging/setLevel needs \"level\", one of debug, info, notice, warning, "
                         "error, critical, alert, emergency"));
    return;
  }
  st.level = parsed;
  out.result("{}");
}

// The methods a session serves itself, over its state.
class session_methods final : public dispatch::session_scope {
 public:
  explicit session_methods(session_state& st) : st_(st) {}
  void set_level(const rpc::message& msg, const responder& out) override {
    handle_set_level(st_, msg, out);
  }
  void subscribe(const rpc::message& msg, const responder& out) override {
    if (!st_.feed) {
      out.error(no_stream(msg));
      return;
    }
    st_.feed->subscribe(msg, out, *st_.init.node->tools->current());
  }
  void unsubscribe(const rpc::message& msg, const responder& out) override {
    if (!st_.feed) {
      out.error(no_stream(msg));
      return;
    }
    st_.feed->unsubscribe(msg, out);
  }

 private:
  // A node without a notifier has no subscriptions to offer.
  static rpc_error no_stream(const rpc::message& msg) {
    return make_error(rpc_code::method_not_found, "Method not found: " + msg.method);
  }
  session_state& st_;
};

// Remembers a request until it is answered; answered ones are swept as the table grows.
void track(session_state& st, const std::string& id, const responder& out) {
  if (st.inflight.size() >= 64) {
    std::erase_if(st.inflight, [](const auto& kv) {
      auto out = kv.second.lock();
      return !out || out->done();
    });
  }
  st.inflight.insert_or_assign(id, out.weak_ref());
}

// notifications/cancelled: the request stops, and no result is sent for it.
void cancel_request(session_state& st, const rpc::message& msg) {
  auto* id = msg.params ? find_member(*msg.params, "requestId") : nullptr;
  if (id == nullptr || !(id->IsString() || id->IsInt64() || id->IsUint64())) {
    return;  // A notification cannot be answered with an error; ignore it.
  }
  auto it = st.inflight.find(to_json(*id));
  if (it != st.inflight.end()) {
    if (auto out = it->second.lock()) {
      out->cancel();
    }
    st.inflight.erase(it);
  }
}

void end_session(session_actor::stateful_pointer<session_state> self, std::string_view reason) {
  auto& st = self->state;
  if (st.init.table->erase(st.init.id)) {
    st.init.node->metrics->sessions_add(-1);
    st.init.node->metrics->session_ended(reason);
    log::debug("session ended session=" + st.init.id + " reason=" + std::string(reason));
  }
  st.asks->fail_all("The session ended before the client answered");
  if (st.feed) {
    st.feed->close("session " + std::string(reason));
  }
  self->quit();
}

session_actor::behavior_type session_impl(session_actor::stateful_pointer<session_state> self,
                                          session_init init) {
  self->state.init = std::move(init);
  self->state.asks = std::make_unique<client_requests>(
      client_caps_from_json(self->state.init.client_capabilities));
  self->state.link =
      std::make_shared<session_link>(caf::actor_cast<caf::weak_actor_ptr>(self->ctrl()));
  if (const auto& node = *self->state.init.node; node.notifier) {
    const auto& i = self->state.init;
    self->state.feed = std::make_unique<session_feed>(i.id, i.version, node.streams, node.notifier,
                                                      node.metrics, i.connection_box);
  }
  self->delayed_send(self, self->state.init.idle_timeout, tick_atom::value);
  return {
      [self](session_request& req) {
        auto& st = self->state;
        st.last_active = clock::now();
        const auto& msg = req.msg;
        if (msg.type == rpc::kind::notification) {
          // notifications/initialized needs nothing: a session exists only after initialize.
          if (msg.method == "notifications/cancelled") {
            cancel_request(st, msg);
          }
          return;
        }
        if (msg.type == rpc::kind::response) {
          st.asks->answer(msg);
          return;
        }
        responder_internals::set_min_log(req.out, st.level);
        responder_internals::set_client_link(req.out, st.link);
        const auto* entry = dispatch::method_table::builtin().find(msg.method, era::legacy);
        if (entry != nullptr && entry->in_session != nullptr) {
          session_methods methods(st);
          entry->in_session(methods, msg, req.out);
          return;
        }
        if (st.feed) {
          st.feed->make_resumable(req.out);
        }
        track(st, msg.id, req.out);
        auto env = dispatch::env_of(*st.init.node);
        env.version = st.init.version;
        if (!dispatch::dispatch(msg, req.out, env)) {
          req.out.error(make_error(rpc_code::method_not_found, "Method not found: " + msg.method));
        }
      },
      [self](end_atom) { end_session(self, "deleted"); },
      [self](client_ask& ask) {
        auto id = self->state.asks->send(std::move(ask));
        if (!id.empty()) {
          self->delayed_send(self, self->state.init.node->client_request_timeout,
                             client_ask_expired{std::move(id)});
        }
      },
      [self](client_answer& answer) {
        self->state.last_active = clock::now();
        bool matched = self->state.asks->answer(answer.msg);
        if (answer.ack) {
          answer.ack(matched);
        }
      },
      [self](client_ask_expired& expired) { self->state.asks->expire(expired.id); },
      [self](open_stream& req) {
        auto& st = self->state;
        st.last_active = clock::now();
        if (!st.feed) {
          req.exchange->respond({405,
                                 "application/json",
                                 rpc::encode_error({}, make_error(rpc_code::legacy_bad_request,
                                                                  "Method Not Allowed: this "
                                                                  "session has no GET stream")),
                                 {{"Allow", "POST, DELETE"}}});
          return;
        }
        st.feed->open(req);
      },
      [self](tick_atom) {
        auto& st = self->state;
        if (st.feed && st.feed->streaming()) {
          st.last_active = clock::now();  // A connected subscriber is not idle.
        }
        auto idle = clock::now() - st.last_active;
        if (idle >= st.init.idle_timeout) {
          end_session(self, "expired");
          return;
        }
        self->delayed_send(self, st.init.idle_timeout - idle, tick_atom::value);
      },
  };
}

}  // namespace

session_init session_init_from(const rpc::message& initialize, std::string_view version,
                               const id_issuer& ids) {
  session_init init;
  init.id = ids.new_session_id();
  init.version = std::string(version);
  if (initialize.params) {
    if (auto* ci = find_member(*initialize.params, "clientInfo")) {
      init.client_info = to_json(*ci);
    }
    if (auto* caps = find_member(*initialize.params, "capabilities")) {
      init.client_capabilities = to_json(*caps);
    }
  }
  return init;
}

expected<opened_session> open_session(const rpc::message& initialize, session_init base) {
  auto requested =
      initialize.params ? string_member(*initialize.params, "protocolVersion") : std::nullopt;
  if (!requested) {
    return make_error(rpc_code::invalid_params,
                      "Invalid params: initialize needs \"protocolVersion\"");
  }
  auto version = std::string(dispatch::negotiate_legacy_version(*requested));
  auto init = session_init_from(initialize, version, base.node->ids);
  init.idle_timeout = base.idle_timeout;
  init.node = std::move(base.node);
  init.table = std::move(base.table);
  init.connection_box = std::move(base.connection_box);
  init.owner = std::move(base.owner);
  init.wire = base.wire;
  auto id = init.id;
  auto& sys = *init.node->system;
  auto actor = spawn_session(sys, std::move(init));
  log::debug("session opened session=" + id + " version=" + version);
  return opened_session{std::move(id), std::move(version), std::move(actor)};
}

session_actor spawn_session(caf::actor_system& sys, session_init init) {
  auto table = init.table;
  auto metrics = init.node->metrics;
  auto id = init.id;
  auto owner = init.owner;
  auto actor = sys.spawn(session_impl, std::move(init));
  table->insert(id, actor, std::move(owner));
  metrics->sessions_add(1);
  return actor;
}

}  // namespace mcprt::actors::session
