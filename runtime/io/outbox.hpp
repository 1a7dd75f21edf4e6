// One subscriber's outbound queue: a control lane (responses, server→client requests; never
// dropped, always first) and a bounded feed lane (notifications) with the overflow policies
// of DESIGN.md §3. Transport-neutral: a transport pulls encoded pieces from it and writes
// them; producers on any thread offer frames and wake the transport when work appears.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/io/event_log.hpp"
#include "runtime/io/frame_kind.hpp"
#include "runtime/io/prefetch.hpp"
#include "runtime/io/ring_queue.hpp"
#include "runtime/io/wake_sink.hpp"

namespace mcprt {
inline namespace observe {
class metrics;
}  // namespace observe
}  // namespace mcprt

namespace mcprt {
inline namespace io {

/// A notification serialized once; every subscriber that receives it shares these bytes.
struct shared_note {
  std::string text;          ///< The whole JSON-RPC notification.
  size_t params_close = 0;   ///< Offset of the `}` that closes `params` (for per-subscriber tags).
  bool params_empty = true;  ///< `params` is `{}`.
  std::string coalesce_key;  ///< Notes with equal keys replace each other; empty: never.
  std::chrono::steady_clock::time_point published = std::chrono::steady_clock::now();

  /// Builds a note for `method` with `params_object` (a JSON object's text).
  static std::shared_ptr<const shared_note> make(std::string_view method,
                                                 std::string_view params_object,
                                                 std::string coalesce_key = {});
};

using note_ptr = std::shared_ptr<const shared_note>;

/// What happened to one offered note.
enum class offer_outcome { queued, coalesced, dropped_oldest, disconnected, closed };

/// How a stream's bytes are framed.
enum class stream_format {
  sse,  ///< `id: N` (when event ids are on) + `data: <json>` events.
  raw,  ///< One JSON text per message (WebSocket frames, stdio lines).
};

/// One piece of bytes to write, kept alive by `owner`. The pieces of one pull are released
/// together, so of a message's pieces that point into the same bytes only one holds them.
struct out_piece {
  std::shared_ptr<const void> owner;
  std::string_view bytes;
  bool message_end = false;  ///< Last piece of one message (raw format: a frame boundary).
  frame_role role = frame_role::other;  ///< The role of the message the piece belongs to.
};

/// Limits of one outbox.
struct outbox_limits {
  size_t capacity = 1024;   ///< Most queued feed notes.
  double watermark = 0.75;  ///< Fraction of capacity where the policy applies.
  size_t batch = 64;        ///< Most messages handed out per pull (one gathered write).
  /// The queue is congested once its oldest note was published this much before the newest
  /// offered, whatever its length, so latency cannot grow past it unnoticed; 0: length only.
  std::chrono::milliseconds max_age{0};
};

/// The limits the next outboxes are made with; SIGHUP replaces them while the server runs (an
/// outbox keeps the limits it was made with). Thread-safe; the three may be read torn across a
/// replacement, and any mix of valid values is valid.
class live_outbox_limits {
 public:
  explicit live_outbox_limits(outbox_limits l = {}) { set(l); }
  outbox_limits current() const {
    return {capacity_.load(std::memory_order_relaxed), watermark_.load(std::memory_order_relaxed),
            batch_.load(std::memory_order_relaxed),
            std::chrono::milliseconds(max_age_ms_.load(std::memory_order_relaxed))};
  }
  void set(const outbox_limits& l) {
    capacity_.store(l.capacity, std::memory_order_relaxed);
    watermark_.store(l.watermark, std::memory_order_relaxed);
    batch_.store(l.batch, std::memory_order_relaxed);
    max_age_ms_.store(l.max_age.count(), std::memory_order_relaxed);
  }

 private:
  std::atomic<size_t> capacity_{0};
  std::atomic<double> watermark_{0};
  std::atomic<size_t> batch_{0};
  std::atomic<int64_t> max_age_ms_{0};
};

/// One subscriber's queue. Thread-safe.
class outbox {
 public:
  outbox(outbox_limits limits, stream_format format, std::shared_ptr<mcprt::metrics> metrics,
         std::shared_ptr<event_log> log = {});
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  /// A per-subscriber tag inserted into every note's params (2026: the subscription id
  /// member `"io.modelcontextprotocol/subscriptionId":"..."` inside `_meta`). Set before use.
  void set_tag(std::string meta_member);

  /// Offers a note to the feed lane, applying `policy` above the watermark.
  offer_outcome offer(const note_ptr& note, overflow_policy policy);
  /// Queues a control frame: a response (`answer`), a server→client request, or a note of an
  /// in-flight request. Only notes may be lost: above the watermark `overflow` applies to them
  /// (counted in mcprt_request_notifications_total).
  void push_control(std::string frame, frame_role role = frame_role::other,
                    const note_overflow& overflow = {});
  /// Queues events to go out again with their original ids, before anything else (a stream
  /// resumed with Last-Event-ID).
  void push_replay(const std::vector<logged_event>& events);
  /// Queues bytes written as they are, before anything else (an SSE priming event).
  void push_bytes(std::string bytes);
  /// Closes the outbox: nothing more is accepted; the transport ends the stream (or the
  /// socket) with `reason` once what is queued for control is written.
  void close(std::string reason);
  bool closed() const;
  std::string close_reason() const;

  // --- The transport's side. ---

  /// Makes a transport the outbox's writer: `waker` is called (on a producer's thread) when
  /// work appears after pull() found none; the transport posts onto its I/O thread from it.
  /// Returns the attachment's number; a later attach() replaces this one.
  uint64_t attach(std::function<void()> waker);
  /// attach() for a writer that may hold a wake for notes a while (a flush window): `sink` is
  /// told `token` and `urgent`, false when a feed note woke it, true for the rest (control
  /// frames, a replay, bytes, the close, work already queued at attach). `sink` must outlive
  /// the attachment.
  uint64_t attach_writer(wake_sink& sink, uint64_t token);
  /// The transport of attachment `gen` is gone (its connection closed).
  void detach(uint64_t gen);
  /// Runs `hook` (once) when the current transport detaches: for a stream that cannot be
  /// resumed, whose subscriptions end with its connection. Set before attaching.
  void on_detach(std::function<void()> hook);
  /// Runs `observer` with the bytes each pull hands out, on the puller's thread: a relay
  /// grants its remote sender credit as the client's socket takes bytes. Set before attaching.
  void on_pulled(std::function<void(size_t bytes)> observer);
  /// True while a transport is attached.
  bool attached() const;
  /// True while attachment `gen` is the current one.
  bool is_current(uint64_t gen) const;
  /// Moves up to limits.batch messages' pieces into `out`, control first, for attachment
  /// `gen`. Returns false when nothing was queued (or `gen` was replaced); the transport then
  /// waits for its waker (or, if replaced or closed, ends its stream). With `drained` given,
  /// a pull that returns true sets it when it emptied the queues of an open outbox: the
  /// transport may then wait for its waker without pulling again (the next message, or the
  /// close, wakes it, even while it is still writing).
  bool pull(uint64_t gen, std::vector<out_piece>& out, bool* drained = nullptr);
  /// Pulls until nothing is queued, handing each whole message (pieces joined) and its role to
  /// `each`: for transports that write messages one by one from the producer's thread (stdio,
  /// a listen queue draining into its connection's). Returns the number of messages.
  size_t drain_messages(uint64_t gen, const std::function<void(std::string, frame_role)>& each);
  /// Asks for the lines a pull reads (the lock, the lanes, the limits, the tag) without
  /// waiting: a transport's drain warms the outboxes it is about to pull from.
  [[gnu::always_inline]] void warm() const {
    // A line from each group the two read: twice a delivery, so no loop over the bytes.
    prefetch_line_for_write(&mutex_);
    prefetch_line_for_write(&feed_);
    prefetch_line_for_write(&limits_);
    prefetch_line_for_write(&tag_);
  }
  /// Queued feed notes (for tests and gauges).
  size_t feed_size() const;
  /// Queued control frames: a transport stops reading requests while this is above the
  /// watermark, so a client that does not read its answers is slowed down by TCP.
  size_t control_size() const;
  /// True when the control lane is above the watermark.
  bool control_congested() const;

 private:
  struct item;
  // Shared, so a wake copies a pointer out of the lock, not the waker and what it holds.
  using waker_ref = std::shared_ptr<const std::function<void(bool urgent)>>;
  void wake_locked(waker_ref& to_call, bool urgent);
  uint64_t attach_locked(waker_ref& to_call);
  // Calls a waker taken by wake_locked, out of the lock.
  static void call(const waker_ref& wake, bool urgent) {
    if (wake) {
      (*wake)(urgent);
    }
  }
  // How long before `newest` the oldest queued feed note was published (zero when none is).
  std::chrono::steady_clock::duration queue_age_locked(const shared_note& newest) const;
  void encode(item& it, std::vector<out_piece>& out, std::string& scratch);
  void encode_pieces(item& it, std::vector<out_piece>& out, std::string& scratch);
  void encode_note(note_ptr&& note, std::vector<out_piece>& out, std::string& scratch);
  // The SSE event head (assigning and logging the id when it has none); nothing when raw.
  void event_head(uint64_t id, const note_ptr& note,
                  const std::shared_ptr<const std::string>& frame, std::vector<out_piece>& out,
                  std::string& scratch);
  // A note's bytes, with this outbox's tag inserted into its params when it has one.
  void note_pieces(note_ptr&& note, std::vector<out_piece>& out, std::string& scratch);
  void end_message(std::vector<out_piece>& out) const;

  // Laid out in the order an offer and a pull read: a delivery's two threads (the notifier's
  // and the I/O thread's) pass each other three or four lines of it, not six.
  mutable std::mutex mutex_;
  wake_sink* sink_ = nullptr;  // attach_writer()'s, called under the lock,
  uint64_t sink_token_ = 0;    // with this; or waker_ below.
  uint64_t gen_ = 0;
  // Feed notes come steadily: their lane keeps its few slots (a pointer each). Answers and
  // request notes are rare on a subscriber's connection, so an empty lane keeps no slots.
  ring_queue<note_ptr> feed_;
  ring_queue<item, 0> control_;
  outbox_limits limits_;
  std::shared_ptr<mcprt::metrics> metrics_;
  // How the transport was woken since it last found nothing to pull: it pulls until it finds
  // nothing, and is woken again only for something more urgent than what woke it.
  enum class awake : unsigned char { no, note, urgent };
  awake awake_ = awake::no;
  bool closed_ = false;
  stream_format format_;
  // Hooks few outboxes have (a subscriber's connection has neither), set before attaching:
  // made then, and only read after.
  struct hooks {
    std::function<void()> on_detach;
    std::function<void(size_t)> on_pulled;
  };
  hooks& hooks_now();  // Under the lock.
  std::unique_ptr<hooks> hooks_;
  std::string tag_;
  waker_ref waker_;  // attach()'s, called outside the lock.
  std::shared_ptr<event_log> log_;
  std::string close_reason_;
};

/// Offers `note` to each of `boxes` in order, as a publish loop does. Each outbox was last
/// touched by its writer's thread: asked for a few ahead of its offer, its lines arrive while
/// this thread offers to the ones before. True when one of them was closed (it may leave).
bool offer_each(std::span<const std::shared_ptr<outbox>> boxes, const note_ptr& note,
                overflow_policy policy);

}  // namespace io
}  // namespace mcprt
