// Subscriptions and the GET stream of one session.
#include "actors/session/feed.hpp"

#include "runtime/io/error_response.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/io/sse.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::session {

session_feed::session_feed(std::string_view session_id, std::string_view version,
                           stream_options options, std::shared_ptr<notifier::notifier> notes,
                           std::shared_ptr<mcprt::metrics> metrics, std::shared_ptr<outbox> bound)
    : session_id_(session_id),
      version_(version),
      options_(std::move(options)),
      notifier_(std::move(notes)),
      metrics_(std::move(metrics)),
      box_(std::move(bound)),
      bound_(box_ != nullptr) {
  if (bound_) {
    follow_lists();  // The connection is the session: it hears of list changes at once.
  }
}

session_feed::~session_feed() {
  close("session ended");
}

std::shared_ptr<outbox> session_feed::box() {
  if (!box_) {
    log_ = std::make_shared<event_log>(random_hex(4), options_.replay_events);
    box_ = std::make_shared<outbox>(options_.limits->current(), stream_format::sse, metrics_, log_);
    follow_lists();
  }
  return box_;
}

void session_feed::follow_lists() {
  for (auto what : notifier::topic::list_kinds) {
    notifier_->subscribe(notifier::topic::list_changed(what), box_);
  }
  notifier_->subscribe(notifier::topic::tasks_of(session_id_), box_);
}

void session_feed::open(open_stream& req) {
  if (bound_) {
    req.exchange->respond(error_response(405, rpc_code::legacy_bad_request,
                                         "Method Not Allowed: this session's notifications travel "
                                         "on its own connection"));
    return;
  }
  auto b = box();
  std::vector<logged_event> missed;
  if (req.resume) {
    switch (log_->after(req.last_event_id, missed)) {
      case event_log::resume::foreign:
        metrics_->rejected("bad_request");
        req.exchange->respond(error_response(400, rpc_code::legacy_bad_request,
                                             "Bad Request: Last-Event-ID '" + req.last_event_id +
                                                 "' is not an event of this session"));
        return;
      case event_log::resume::too_old:
        log::warn("session=" + std::string(session_id_) + " resumed after " + req.last_event_id +
                  ", older than its event history (session.replayEvents): events were lost");
        break;
      case event_log::resume::replay:
        break;
    }
  } else if (b->attached()) {
    metrics_->rejected("conflict");
    req.exchange->respond(
        error_response(409, rpc_code::legacy_bad_request,
                       "Conflict: this session already has a GET stream open (one per session)"));
    return;
  }
  b->push_replay(missed);
  if (version_ >= "2025-11-25" && !req.resume) {
    // The priming event: an id to resume from before anything else happens, and how soon.
    auto id = log_->next_id();
    log_->keep(logged_event{id, 0, {}, {}});
    b->push_bytes(sse::priming(log_->format_id(id), options_.retry));
  }
  req.exchange->pump(b, {{"Mcp-Session-Id", std::string(session_id_)}}, options_.keep_alive);
}

void session_feed::make_resumable(const responder& out) {
  if (bound_ || version_ < "2025-11-25") {
    return;
  }
  auto b = box();
  responder_internals::make_resumable(out, log_, b, options_.retry);
}

void session_feed::subscribe(const rpc::message& msg, const responder& out,
                             const catalog::catalog& resources) {
  auto uri = msg.params ? string_member(*msg.params, "uri") : std::nullopt;
  if (!uri) {
    out.error(invalid_params("resources/subscribe needs a string \"uri\""));
    return;
  }
  std::string u(*uri);
  std::map<std::string, std::string> vars;
  if (resources.find_resource(u) == nullptr && resources.match_template(u, vars) == nullptr) {
    resource_request(u, {}, out).not_found();
    return;
  }
  if (!uris_.contains(u)) {
    if (uris_.size() >= options_.max_subscriptions) {
      out.error(invalid_params("Too many subscriptions in this session (limit " +
                               std::to_string(options_.max_subscriptions) + ")"));
      return;
    }
    uris_.insert(u);
    notifier_->subscribe(notifier::topic::resource(u), box());
  }
  out.result("{}");
}

void session_feed::unsubscribe(const rpc::message& msg, const responder& out) {
  auto uri = msg.params ? string_member(*msg.params, "uri") : std::nullopt;
  if (!uri) {
    out.error(invalid_params("resources/unsubscribe needs a string \"uri\""));
    return;
  }
  // Unsubscribing from something not subscribed is not an error: the end state is the same.
  if (auto it = uris_.find(std::string(*uri)); it != uris_.end()) {
    notifier_->unsubscribe(notifier::topic::resource(*it), box_);
    uris_.erase(it);
  }
  out.result("{}");
}

void session_feed::close(std::string_view reason) {
  if (closed_) {
    return;
  }
  closed_ = true;
  for (const auto& u : uris_) {
    notifier_->unsubscribe(notifier::topic::resource(u), box_);
  }
  uris_.clear();
  if (box_) {
    for (auto what : notifier::topic::list_kinds) {
      notifier_->unsubscribe(notifier::topic::list_changed(what), box_);
    }
    notifier_->unsubscribe(notifier::topic::tasks_of(session_id_), box_);
  }
  if (box_ && !bound_) {
    box_->close(std::string(reason));  // A bound box belongs to its connection.
  }
}

}  // namespace mcprt::actors::session
