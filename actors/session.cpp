// The session actor: a state machine that only exists after a successful initialize, serves
// its requests in order, and removes itself on DELETE or when idle.
#include "actors/session.hpp"

#include <openssl/rand.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <unordered_map>

#include "runtime/log.hpp"

namespace mcprt::actors {

namespace {

struct session_state {
  session_init init;
  log_level level = log_level::info;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  // Requests in flight by id (JSON text), for notifications/cancelled.
  std::unordered_map<std::string, responder> inflight;
  static inline const char* name = "mcprt.session";
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

// Remembers a request until it is answered; answered ones are swept as the table grows.
void track(session_state& st, const std::string& id, const responder& out) {
  if (st.inflight.size() >= 64) {
    std::erase_if(st.inflight, [](const auto& kv) { return kv.second.done(); });
  }
  st.inflight.insert_or_assign(id, out);
}

// notifications/cancelled: the request stops, and no result is sent for it.
void cancel_request(session_state& st, const rpc::message& msg) {
  auto* id = msg.params ? find_member(*msg.params, "requestId") : nullptr;
  if (id == nullptr || !(id->IsString() || id->IsInt64() || id->IsUint64())) {
    return;  // A notification cannot be answered with an error; ignore it.
  }
  auto it = st.inflight.find(to_json(*id));
  if (it != st.inflight.end()) {
    it->second.cancel();
    st.inflight.erase(it);
  }
}

void end_session(session_actor::stateful_pointer<session_state> self, std::string_view reason) {
  auto& st = self->state;
  if (st.init.table->erase(st.init.id)) {
    st.init.metrics->sessions_add(-1);
    st.init.metrics->session_ended(reason);
    log::debug("session ended session=" + st.init.id + " reason=" + std::string(reason));
  }
  self->quit();
}

session_actor::behavior_type session_impl(session_actor::stateful_pointer<session_state> self,
                                          session_init init) {
  self->state.init = std::move(init);
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
          return;  // No server-to-client requests are outstanding yet.
        }
        req.out.set_min_log(st.level);
        if (msg.method == "logging/setLevel") {
          handle_set_level(st, msg, req.out);
          return;
        }
        if (msg.method == "initialize") {
          req.out.error(make_error(rpc_code::invalid_request,
                                   "Invalid Request: the session is already initialized"));
          return;
        }
        track(st, msg.id, req.out);
        dispatch_env env{st.init.tools->current(), st.init.profile.get()};
        if (!dispatch(msg, req.out, env)) {
          req.out.error(make_error(rpc_code::method_not_found, "Method not found: " + msg.method));
        }
      },
      [self](end_atom) { end_session(self, "deleted"); },
      [self](tick_atom) {
        auto& st = self->state;
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

std::string new_session_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // The CSPRNG failing is fatal for unguessable ids; never fall back to a weak source.
    std::abort();
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (auto b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

session_init session_init_from(const rpc::message& initialize, std::string_view version) {
  session_init init;
  init.id = new_session_id();
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

session_actor spawn_session(caf::actor_system& sys, session_init init) {
  auto table = init.table;
  auto metrics = init.metrics;
  auto id = init.id;
  auto actor = sys.spawn(session_impl, std::move(init));
  table->insert(id, actor);
  metrics->sessions_add(1);
  return actor;
}

}  // namespace mcprt::actors
