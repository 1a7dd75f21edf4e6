// What a 2025 session receives without asking each time: its resource subscriptions and the
// GET /mcp stream that carries them (one at a time, resumable with Last-Event-ID from a
// bounded per-session history). Owned by the session actor; not thread-safe itself.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "actors/catalog/catalog.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/io/outbox.hpp"

namespace mcprt::actors::session {

/// The node's knobs for long-lived streams.
struct stream_options {
  /// Per-subscriber queue bound, watermark, batch: what new outboxes take (SIGHUP may change).
  std::shared_ptr<live_outbox_limits> limits = std::make_shared<live_outbox_limits>();
  size_t replay_events = 512;                   ///< Events kept per session for Last-Event-ID.
  std::chrono::milliseconds keep_alive{15000};  ///< SSE comment after this much silence.
  std::chrono::milliseconds retry{2000};        ///< `retry:` sent in the priming event.
  size_t max_subscriptions = 1024;              ///< Resource subscriptions per session.
};

/// One session's subscriptions and GET stream.
class session_feed {
 public:
  /// With `bound`, notifications go to that outbox (a WebSocket or stdio connection that is
  /// the session) and there is no GET stream. `session_id` and `version` are the session's
  /// own, which outlive its feed.
  session_feed(std::string_view session_id, std::string_view version, stream_options options,
               std::shared_ptr<notifier::notifier> notes, std::shared_ptr<mcprt::metrics> metrics,
               std::shared_ptr<outbox> bound = {});
  ~session_feed();

  /// GET /mcp: answers 409 while another stream is open (unless resuming), 400 for a
  /// Last-Event-ID that is not this session's; otherwise streams, replaying what was missed.
  void open(open_stream& req);
  /// resources/subscribe and resources/unsubscribe.
  void subscribe(const rpc::message& msg, const responder& out, const catalog::catalog& resources);
  void unsubscribe(const rpc::message& msg, const responder& out);
  /// 2025-11-25 and later over HTTP: numbers `out`'s SSE events from this session's history,
  /// so its stream can be resumed (and closed early: SEP-1699 polling).
  void make_resumable(const responder& out);
  /// True while a GET stream is connected (an active subscriber keeps its session alive).
  bool streaming() const { return !bound_ && box_ && box_->attached(); }
  /// The session ended: subscriptions end and an open stream closes.
  void close(std::string_view reason);

 private:
  std::shared_ptr<outbox> box();
  void follow_lists();

  std::string_view session_id_;  // The session's own (it outlives its feed).
  std::string_view version_;
  stream_options options_;
  std::shared_ptr<notifier::notifier> notifier_;
  std::shared_ptr<mcprt::metrics> metrics_;
  std::shared_ptr<event_log> log_;
  std::shared_ptr<outbox> box_;  // Created on first use; outlives connections.
  bool bound_ = false;
  bool closed_ = false;
  std::set<std::string> uris_;
};

}  // namespace mcprt::actors::session
