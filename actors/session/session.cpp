// A 2025 session: a state machine that only exists after a successful initialize, serves its
// requests in order on the threads that bring them, and removes itself on DELETE or when
// idle (its table's clock sweeps for that).
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
  explicit session_link(std::weak_ptr<session> s) : session_(std::move(s)) {}
  void ask(const responder& related, std::string method, std::string params_json,
           client_reply_fn on_reply) override {
    // Weak, so a handler's link never keeps its session alive.
    if (auto strong = session_.lock()) {
      strong->ask(
          client_ask{related, std::move(method), std::move(params_json), std::move(on_reply)});
      return;
    }
    on_reply(client_reply{{}, make_error(rpc_code::session_not_found, "The session has ended")});
  }

 private:
  std::weak_ptr<session> session_;
};

}  // namespace

struct session_state {
  session_init init;
  std::weak_ptr<session_table> table;  // init.table is moved here: the table holds the session.
  std::unique_ptr<client_requests> asks;
  std::unique_ptr<session_feed> feed;
  client_link_ptr link;
  log_level level = log_level::info;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  // Requests in flight by id (JSON text), for notifications/cancelled.
  // Weak: a request the table alone holds is already answered (as abandoned) by its responder.
  // Made with the first request that is not answered at once.
  std::unique_ptr<std::unordered_map<std::string, responder::weak>> inflight;
  const std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  bool ended = false;  // Takes nothing more.

  // The feed, made on first use for a session of its own (an idle one holds none); a
  // connection's session has its feed from the start, to hear of list changes at once.
  session_feed* feed_now() {
    if (!feed && init.node->notifier) {
      const auto& node = *init.node;
      feed = std::make_unique<session_feed>(init.id, init.version, node.streams, node.notifier,
                                            node.metrics, init.connection_box);
    }
    return feed.get();
  }

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

namespace {

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
    auto* feed = st_.feed_now();
    if (feed == nullptr) {
      out.error(no_stream(msg));
      return;
    }
    feed->subscribe(msg, out, *st_.init.node->tools->current());
  }
  void unsubscribe(const rpc::message& msg, const responder& out) override {
    auto* feed = st_.feed_now();
    if (feed == nullptr) {
      out.error(no_stream(msg));
      return;
    }
    feed->unsubscribe(msg, out);
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
  if (!st.inflight) {
    st.inflight = std::make_unique<std::unordered_map<std::string, responder::weak>>();
  }
  if (st.inflight->size() >= 64) {
    std::erase_if(*st.inflight, [](const auto& kv) {
      auto out = kv.second.lock();
      return !out || out->done();
    });
  }
  st.inflight->insert_or_assign(id, out.weak_ref());
}

// Forgets an answered request; an empty table is let go (a subscriber's session answers a
// few requests at its start, then only listens).
void untrack(session_state& st, const std::string& id) {
  if (!st.inflight) {
    return;
  }
  st.inflight->erase(id);
  if (st.inflight->empty()) {
    st.inflight.reset();
  }
}

// notifications/cancelled: the request stops, and no result is sent for it.
void cancel_request(session_state& st, const rpc::message& msg) {
  auto* id = msg.params ? find_member(*msg.params, "requestId") : nullptr;
  if (id == nullptr || !(id->IsString() || id->IsInt64() || id->IsUint64())) {
    return;  // A notification cannot be answered with an error; ignore it.
  }
  if (!st.inflight) {
    return;
  }
  auto it = st.inflight->find(to_json(*id));
  if (it != st.inflight->end()) {
    if (auto out = it->second.lock()) {
      out->cancel();
    }
    st.inflight->erase(it);
  }
}

void end_session(session_state& st, std::string_view reason) {
  auto table = st.table.lock();
  if (table && table->erase(st.init.id)) {
    st.init.node->metrics->sessions_add(-1);
    st.init.node->metrics->session_ended(reason);
    log::debug("session ended session=" + st.init.id + " reason=" + std::string(reason));
  }
  st.asks->fail_all("The session ended before the client answered");
  if (st.feed) {
    st.feed->close("session " + std::string(reason));
  }
  st.ended = true;
}

void serve_request(session_state& st, session_request& req) {
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
  if (auto* feed = st.feed_now()) {
    feed->make_resumable(req.out);
  }
  track(st, msg.id, req.out);
  auto env = dispatch::env_of(*st.init.node);
  env.version = st.init.version;
  if (!dispatch::dispatch(msg, req.out, env)) {
    req.out.error(make_error(rpc_code::method_not_found, "Method not found: " + msg.method));
  }
  if (req.out.done()) {
    untrack(st, msg.id);  // Answered at once (initialize, a subscribe): nothing to cancel.
  }
}

void open_feed(session_state& st, open_stream& req) {
  auto* feed = st.feed_now();
  if (feed == nullptr) {
    req.exchange->respond({405,
                           "application/json",
                           rpc::encode_error({}, make_error(rpc_code::legacy_bad_request,
                                                            "Method Not Allowed: this "
                                                            "session has no GET stream")),
                           {{"Allow", "POST, DELETE"}}});
    return;
  }
  feed->open(req);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
      .count();
}

// The table's clock: every sweep period it hands each session idle too long a check (which
// ends it unless a GET stream keeps it busy), and it runs sessions' delayed steps.
session_clock_actor::behavior_type clock_impl(session_clock_actor::pointer self,
                                              const std::weak_ptr<session_table>& table) {
  if (auto t = table.lock()) {
    self->delayed_send(self, t->sweep_period(), sweep_atom::value);
  }
  return {
      [self, table](sweep_atom) {
        auto t = table.lock();
        if (!t) {
          self->quit();
          return;
        }
        for (const auto& s : t->idle_at(clock::now())) {
          s->check_idle();
        }
        self->delayed_send(self, t->sweep_period(), sweep_atom::value);
      },
      [](tool_step& step) { step.run(); },
  };
}

// The table's clock, started by its first session.
const session_clock_actor& clock_of(session_table& table, const std::weak_ptr<session_table>& weak,
                                    caf::actor_system& sys) {
  return table.clock([&] { return sys.spawn(clock_impl, weak); });
}

}  // namespace

const std::string& session::id() const {
  return st_->init.id;
}

session::session(session_init init)
    : st_(std::make_unique<session_state>()), last_active_ns_(now_ns()) {
  auto& st = *st_;
  st.table = init.table;
  init.table.reset();
  st.init = std::move(init);
  st.asks = std::make_unique<client_requests>(client_caps_from_json(st.init.client_capabilities));
  if (st.init.connection_box) {
    st.feed_now();
  }
  // Read once, into asks: not kept as text.
  std::string().swap(st.init.client_capabilities);
  std::string().swap(st.init.client_info);
}

session::~session() = default;

void session::request(session_request req) {
  submit(std::move(req));
}
void session::answer(client_answer answer) {
  submit(std::move(answer));
}
void session::ask(client_ask ask) {
  submit(std::move(ask));
}
void session::open(open_stream req) {
  submit(std::move(req));
}
void session::end() {
  submit(ending{"deleted"});
}
void session::check_idle() {
  submit(idle_check{});
}

void session::stop() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    queue_.clear();  // Dropped: their responders answer them as abandoned.
  }
  submit(stopping{});
}

bool session::idle_too_long(std::chrono::steady_clock::time_point now) const {
  auto idle = std::chrono::nanoseconds(now.time_since_epoch().count() -
                                       last_active_ns_.load(std::memory_order_relaxed));
  return idle >= st_->init.idle_timeout;  // Set before the session is in its table.
}

void session::touch() {
  last_active_ns_.store(now_ns(), std::memory_order_relaxed);
}

// Runs `w` now if no other thread runs the session, then whatever arrived meanwhile; else
// queues it for that thread. Never holds the lock while work runs.
void session::submit(work w) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (running_) {
      queue_.push_back(std::move(w));
      return;
    }
    running_ = true;
  }
  auto keep = shared_from_this();  // Work may erase the table's reference.
  handle(w);
  std::vector<work> batch;
  for (;;) {
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (queue_.empty()) {
        running_ = false;
        return;
      }
      batch.swap(queue_);
    }
    for (auto& next : batch) {
      handle(next);
    }
    batch.clear();
  }
}

void session::handle(work& w) {
  auto& st = *st_;
  if (st.ended) {
    return;  // What still comes is dropped: its responder answers it as abandoned.
  }
  if (auto* req = std::get_if<session_request>(&w)) {
    touch();
    if (!st.link && req->msg.type == rpc::kind::request) {  // Made when a handler may ask.
      st.link = std::make_shared<session_link>(weak_from_this());
    }
    serve_request(st, *req);
  } else if (auto* answer = std::get_if<client_answer>(&w)) {
    touch();
    bool matched = st.asks->answer(answer->msg);
    if (answer->ack) {
      answer->ack(matched);
    }
  } else if (auto* ask = std::get_if<client_ask>(&w)) {
    auto id = st.asks->send(std::move(*ask));
    auto table = st.table.lock();
    if (!id.empty() && table) {
      caf::delayed_anon_send(clock_of(*table, st.table, *st.init.node->system),
                             st.init.node->client_request_timeout,
                             tool_step{[weak = weak_from_this(), id = std::move(id)] {
                               if (auto s = weak.lock()) {
                                 s->submit(expired_ask{id});
                               }
                             }});
    }
  } else if (auto* req = std::get_if<open_stream>(&w)) {
    touch();
    open_feed(st, *req);
  } else if (auto* end = std::get_if<ending>(&w)) {
    end_session(st, end->reason);
  } else if (std::holds_alternative<stopping>(w)) {  // No end is counted: the node stops.
    st.asks->fail_all("The server is shutting down");
    st.feed.reset();
    st.ended = true;
  } else if (auto* e = std::get_if<expired_ask>(&w)) {
    st.asks->expire(e->id);
  } else {  // idle_check
    if (st.feed && st.feed->streaming()) {
      touch();  // A connected subscriber is not idle.
    } else if (idle_too_long(clock::now())) {
      end_session(st, "expired");
    }
  }
}

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
  auto handle = spawn_session(sys, std::move(init));
  log::debug("session opened session=" + id + " version=" + version);
  return opened_session{std::move(id), std::move(version), std::move(handle)};
}

std::vector<session_ptr> session_table::idle_at(std::chrono::steady_clock::time_point now) const {
  std::shared_lock lock(mutex_);
  std::vector<session_ptr> out;
  for (const auto& [id, e] : sessions_) {
    if (e.s->idle_too_long(now)) {
      out.push_back(e.s);
    }
  }
  return out;
}

void session_table::stop_all() {
  for (const auto& s : all()) {
    s->stop();
  }
  std::call_once(clock_started_, [] {});  // No clock starts after this.
  if (clock_) {
    caf::anon_send_exit(clock_, caf::exit_reason::user_shutdown);
  }
}

session_ptr spawn_session(caf::actor_system& sys, session_init init) {
  auto table = init.table;
  auto metrics = init.node->metrics;
  auto id = init.id;
  auto owner = init.owner;
  auto idle = init.idle_timeout;
  auto s = std::make_shared<session>(std::move(init));
  table->insert(id, s, std::move(owner), idle);
  // After the insert, so the clock's first sweep period follows this session's idle timeout.
  clock_of(*table, table, sys);
  metrics->sessions_add(1);
  return s;
}

}  // namespace mcprt::actors::session
