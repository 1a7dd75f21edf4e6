// The subscriber queue: policies on offer, control-first batches on pull, SSE or raw framing
// built from pieces that point into shared notes, so fan-out copies no payload.
#include "runtime/io/outbox.hpp"

#include <algorithm>

#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/note_queue.hpp"
#include "runtime/io/sse.hpp"
#include "runtime/io/wake_gathering.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt {
inline namespace io {

struct outbox::item {
  note_ptr note;                             // A feed note, or
  std::shared_ptr<const std::string> frame;  // a control frame (JSON), or
  std::shared_ptr<const std::string> bytes;  // bytes written as they are.
  uint64_t event_id = 0;                     // Preassigned (replay); 0: assign when written.
  frame_role role = frame_role::other;
  std::string latest_key;  // A note that a newer one with the same key replaces.
};

namespace {

constexpr std::string_view comma = ",";

}  // namespace

std::shared_ptr<const shared_note> shared_note::make(std::string_view method,
                                                     std::string_view params_object,
                                                     std::string coalesce_key) {
  auto n = std::make_shared<shared_note>();
  n->text = rpc::encode_notification(method, params_object.empty() ? "{}" : params_object);
  // The text ends with the params object's `}` and then the message's `}`.
  n->params_close = n->text.size() - 2;
  n->params_empty = params_object.empty() || params_object == "{}";
  n->coalesce_key = std::move(coalesce_key);
  return n;
}

bool parse_overflow_policy(std::string_view text, overflow_policy& out) {
  if (text == "coalesce") {
    out = overflow_policy::coalesce;
  } else if (text == "drop_oldest") {
    out = overflow_policy::drop_oldest;
  } else if (text == "disconnect") {
    out = overflow_policy::disconnect;
  } else {
    return false;
  }
  return true;
}

outbox::outbox(outbox_limits limits, stream_format format, std::shared_ptr<mcprt::metrics> metrics,
               std::shared_ptr<event_log> log)
    : limits_(limits), metrics_(std::move(metrics)), format_(format), log_(std::move(log)) {
  limits_.capacity = std::max<size_t>(1, limits_.capacity);
  limits_.batch = std::max<size_t>(1, limits_.batch);
  if (metrics_) {
    metrics_->subscribers_add(1);
  }
}

outbox::~outbox() {
  if (metrics_) {
    metrics_->subscribers_add(-1);
  }
}

outbox::hooks& outbox::hooks_now() {
  if (!hooks_) {
    hooks_ = std::make_unique<hooks>();
  }
  return *hooks_;
}

void outbox::set_tag(std::string meta_member) {
  std::lock_guard<std::mutex> g(mutex_);
  tag_ = std::move(meta_member);
}

void outbox::wake_locked(waker_ref& to_call, bool urgent) {
  // Once per idle period; for a writer that may hold notes (attach_writer), again when
  // something urgent follows a note's wake, so it does not hold an answer with them.
  auto next = urgent && sink_ ? awake::urgent : awake::note;
  if ((sink_ != nullptr || waker_) && next > awake_) {
    awake_ = next;
    if (sink_) {
      // Only queues the wake: called here, nothing copied. A publish loop gathers note wakes.
      if (urgent || !wake_gathering::gather(*sink_, sink_token_)) {
        sink_->wake(sink_token_, urgent);
      }
    } else {
      to_call = waker_;
    }
  }
}

std::chrono::steady_clock::duration outbox::queue_age_locked(const shared_note& newest) const {
  if (feed_.empty()) {
    return {};
  }
  return newest.published - feed_.front()->published;
}

offer_outcome outbox::offer(const note_ptr& note, overflow_policy policy) {
  waker_ref wake;
  offer_outcome outcome = offer_outcome::queued;
  size_t depth = 0;
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (closed_) {
      return offer_outcome::closed;
    }
    auto congested = static_cast<double>(feed_.size()) >=
                     limits_.watermark * static_cast<double>(limits_.capacity);
    auto too_old = limits_.max_age.count() > 0 && queue_age_locked(*note) > limits_.max_age;
    if (congested || too_old || feed_.size() >= limits_.capacity) {
      switch (policy) {
        case overflow_policy::disconnect:
          closed_ = true;
          close_reason_ =
              too_old && !congested
                  ? "subscriber too slow: its oldest queued notification is " +
                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           queue_age_locked(*note))
                                           .count()) +
                        " ms behind"
                  : "subscriber too slow: its queue passed the watermark (" +
                        std::to_string(feed_.size()) + " of " + std::to_string(limits_.capacity) +
                        " notifications)";
          feed_.clear();
          outcome = offer_outcome::disconnected;
          break;
        case overflow_policy::coalesce:
          if (!note->coalesce_key.empty()) {
            auto same = std::find_if(feed_.begin(), feed_.end(), [&](const note_ptr& queued) {
              return queued->coalesce_key == note->coalesce_key;
            });
            if (same != feed_.end()) {
              *same = note;  // The latest wins; the position in the queue is kept.
              outcome = offer_outcome::coalesced;
              break;
            }
          }
          [[fallthrough]];
        case overflow_policy::drop_oldest:
          if (feed_.size() >= limits_.capacity ||
              (policy == overflow_policy::drop_oldest && congested)) {
            feed_.pop_front();
            outcome = offer_outcome::dropped_oldest;
            ++dropped;
          }
          // Too far behind: what is older than the bound goes, so the reader catches up.
          while (too_old && !feed_.empty() && queue_age_locked(*note) > limits_.max_age) {
            feed_.pop_front();
            outcome = offer_outcome::dropped_oldest;
            ++dropped;
          }
          feed_.push_back(note);
          break;
      }
    } else {
      feed_.push_back(note);
    }
    if (outcome != offer_outcome::coalesced) {
      wake_locked(wake, false);
    }
    depth = feed_.size();
  }
  if (metrics_) {
    metrics_->subscriber_depth(depth);
  }
  if (metrics_) {
    switch (outcome) {
      case offer_outcome::coalesced:
        metrics_->notification_outcome("coalesced");
        break;
      case offer_outcome::dropped_oldest:
        metrics_->notification_outcome("dropped", static_cast<double>(dropped));
        break;
      case offer_outcome::disconnected:
        metrics_->notification_outcome("disconnected");
        break;
      default:
        break;
    }
  }
  call(wake, false);
  return outcome;
}

void outbox::push_control(std::string frame, frame_role role, const note_overflow& overflow) {
  waker_ref wake;
  auto outcome = note_outcome::queued;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (closed_) {
      return;
    }
    item it{{}, std::make_shared<const std::string>(std::move(frame)), {}, 0, role, {}};
    outcome = offer_frame(control_, std::move(it),
                          role == frame_role::note ? overflow : note_overflow::keep(),
                          watermark_depth(limits_.capacity, limits_.watermark));
    if (outcome != note_outcome::dropped) {
      wake_locked(wake, true);
    }
  }
  if (metrics_ && outcome != note_outcome::queued) {
    metrics_->request_note_outcome(lost_label(outcome));
  }
  call(wake, true);
}

void outbox::push_replay(const std::vector<logged_event>& events) {
  waker_ref wake;
  {
    std::lock_guard<std::mutex> g(mutex_);
    // In front of everything queued, oldest first.
    for (size_t i = events.size(); i-- > 0;) {
      const auto& ev = events[i];
      control_.push_front(item{ev.note, ev.frame, {}, ev.id, frame_role::other, {}});
    }
    wake_locked(wake, true);
  }
  call(wake, true);
}

void outbox::push_bytes(std::string bytes) {
  waker_ref wake;
  {
    std::lock_guard<std::mutex> g(mutex_);
    control_.push_front(item{
        {}, {}, std::make_shared<const std::string>(std::move(bytes)), 0, frame_role::other, {}});
    wake_locked(wake, true);
  }
  call(wake, true);
}

void outbox::close(std::string reason) {
  waker_ref wake;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (closed_) {
      return;
    }
    closed_ = true;
    close_reason_ = std::move(reason);
    feed_.clear();
    wake_locked(wake, true);
  }
  call(wake, true);
}

bool offer_each(std::span<const std::shared_ptr<outbox>> boxes, const note_ptr& note,
                overflow_policy policy) {
  constexpr size_t ahead = 4;
  for (size_t i = 0; i < std::min(ahead, boxes.size()); ++i) {
    boxes[i]->warm();
  }
  bool any_closed = false;
  for (size_t i = 0; i < boxes.size(); ++i) {
    if (i + ahead < boxes.size()) {
      boxes[i + ahead]->warm();
    }
    any_closed = boxes[i]->offer(note, policy) == offer_outcome::closed || any_closed;
  }
  return any_closed;
}

bool outbox::closed() const {
  std::lock_guard<std::mutex> g(mutex_);
  return closed_;
}

std::string outbox::close_reason() const {
  std::lock_guard<std::mutex> g(mutex_);
  return close_reason_;
}

uint64_t outbox::attach(std::function<void()> waker) {
  waker_ref wake;
  uint64_t gen;
  {
    std::lock_guard<std::mutex> g(mutex_);
    waker_ = std::make_shared<const std::function<void(bool)>>(
        [waker = std::move(waker)](bool) { waker(); });
    sink_ = nullptr;
    gen = attach_locked(wake);
  }
  call(wake, true);
  return gen;
}

uint64_t outbox::attach_writer(wake_sink& sink, uint64_t token) {
  waker_ref none;
  std::lock_guard<std::mutex> g(mutex_);
  waker_.reset();
  sink_ = &sink;
  sink_token_ = token;
  return attach_locked(none);
}

uint64_t outbox::attach_locked(waker_ref& to_call) {
  auto gen = ++gen_;
  awake_ = awake::no;
  if (!control_.empty() || !feed_.empty() || closed_) {
    wake_locked(to_call, true);
  }
  return gen;
}

void outbox::detach(uint64_t gen) {
  waker_ref dropped;  // Destroyed (and the hook run) outside the lock.
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (gen == gen_) {
      dropped.swap(waker_);
      sink_ = nullptr;
      if (hooks_) {
        hook.swap(hooks_->on_detach);
      }
      awake_ = awake::no;
    }
  }
  if (hook) {
    hook();
  }
}

void outbox::on_detach(std::function<void()> hook) {
  std::lock_guard<std::mutex> g(mutex_);
  hooks_now().on_detach = std::move(hook);
}

void outbox::on_pulled(std::function<void(size_t bytes)> observer) {
  std::lock_guard<std::mutex> g(mutex_);
  hooks_now().on_pulled = std::move(observer);
}

bool outbox::attached() const {
  std::lock_guard<std::mutex> g(mutex_);
  return waker_ || sink_ != nullptr;
}

bool outbox::is_current(uint64_t gen) const {
  std::lock_guard<std::mutex> g(mutex_);
  return gen == gen_ && (waker_ || sink_ != nullptr);
}

size_t outbox::feed_size() const {
  std::lock_guard<std::mutex> g(mutex_);
  return feed_.size();
}

size_t outbox::drain_messages(uint64_t gen,
                              const std::function<void(std::string, frame_role)>& each) {
  std::vector<out_piece> pieces;
  std::string message;
  size_t n = 0;
  while (pull(gen, pieces)) {
    for (const auto& p : pieces) {
      message += p.bytes;
      if (p.message_end) {
        each(std::move(message), p.role);
        message.clear();
        ++n;
      }
    }
    pieces.clear();
  }
  return n;
}

size_t outbox::control_size() const {
  std::lock_guard<std::mutex> g(mutex_);
  return control_.size();
}

bool outbox::control_congested() const {
  std::lock_guard<std::mutex> g(mutex_);
  return static_cast<double>(control_.size()) >=
         limits_.watermark * static_cast<double>(limits_.capacity);
}

void outbox::encode(item& it, std::vector<out_piece>& out, std::string& scratch) {
  auto first = out.size();
  encode_pieces(it, out, scratch);
  for (auto i = first; i < out.size(); ++i) {
    out[i].role = it.role;
  }
}

namespace {

// Bytes appended to `scratch` (reserved up front, so earlier views stay valid) as a piece.
void push_scratch(std::vector<out_piece>& out, std::string& scratch, std::string_view text) {
  auto start = scratch.size();
  scratch += text;
  out.push_back({nullptr, std::string_view(scratch).substr(start, text.size()), false});
}

}  // namespace

// A message's parts are spent: the owner moves into the message's first piece that needs it.
// A note's count is then touched once by the puller (when the pieces go), not three times,
// which matters while the publishing thread is raising it for the next subscribers.
void outbox::encode_pieces(item& it, std::vector<out_piece>& out, std::string& scratch) {
  if (it.bytes) {
    std::string_view bytes = *it.bytes;
    out.push_back({std::move(it.bytes), bytes, true});
    return;
  }
  event_head(it.event_id, it.note, it.frame, out, scratch);
  if (it.frame) {
    std::string_view frame = *it.frame;
    out.push_back({std::move(it.frame), frame, false});
  } else {
    note_pieces(std::move(it.note), out, scratch);
  }
  end_message(out);
}

void outbox::encode_note(note_ptr&& note, std::vector<out_piece>& out, std::string& scratch) {
  event_head(0, note, nullptr, out, scratch);
  note_pieces(std::move(note), out, scratch);
  end_message(out);
}

void outbox::event_head(uint64_t id, const note_ptr& note,
                        const std::shared_ptr<const std::string>& frame,
                        std::vector<out_piece>& out, std::string& scratch) {
  if (format_ != stream_format::sse) {
    return;
  }
  if (log_ && id == 0) {
    id = log_->next_id();
    log_->keep(logged_event{id, 0, note, frame});
  }
  push_scratch(out, scratch, sse::head(id != 0 ? log_->format_id(id) : std::string()));
}

void outbox::note_pieces(note_ptr&& note, std::vector<out_piece>& out, std::string& scratch) {
  const auto& n = *note;
  std::string_view text = n.text;
  if (tag_.empty()) {
    out.push_back({std::move(note), text, false});
    return;
  }
  auto params_close = n.params_close;
  auto params_empty = n.params_empty;
  out.push_back({std::move(note), text.substr(0, params_close), false});
  if (!params_empty) {
    out.push_back({nullptr, comma, false});
  }
  push_scratch(out, scratch, tag_);
  out.push_back({nullptr, text.substr(params_close), false});  // Held by the first.
}

void outbox::end_message(std::vector<out_piece>& out) const {
  if (format_ == stream_format::sse) {
    out.push_back({nullptr, sse::end, true});
  } else {
    out.back().message_end = true;
  }
}

bool outbox::pull(uint64_t gen, std::vector<out_piece>& out, bool* drained) {
  // Reused by each thread's pulls: no allocation per pull. Cleared before return, so the
  // notes they held are released with the pieces. Feed notes move as bare pointers: a whole
  // item for each would be made and destroyed for nothing.
  thread_local std::vector<item> taken;
  thread_local std::vector<note_ptr> notes;
  taken.clear();
  notes.clear();
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (gen != gen_) {
      return false;
    }
    size_t n = 0;
    while (n < limits_.batch && !control_.empty()) {
      taken.push_back(std::move(control_.front()));
      control_.pop_front();
      ++n;
    }
    while (n < limits_.batch && !feed_.empty()) {
      notes.push_back(std::move(feed_.front()));
      feed_.pop_front();
      ++n;
    }
    if (n == 0) {
      awake_ = awake::no;  // The transport idles: the next message wakes it.
      return false;
    }
    if (drained != nullptr) {
      // Closed: not drained, so the transport pulls again and learns it.
      *drained = control_.empty() && feed_.empty() && !closed_;
      if (*drained) {
        awake_ = awake::no;
      }
    }
  }
  // Raw untagged messages need no scratch bytes: no allocation for them on the hot path.
  std::shared_ptr<std::string> scratch;
  std::string none;
  if (format_ == stream_format::sse || !tag_.empty()) {
    scratch = std::make_shared<std::string>();
    scratch->reserve((taken.size() + notes.size()) * (48 + tag_.size()));
  }
  size_t first = out.size();
  size_t delivered = notes.size();
  for (auto& it : taken) {
    delivered += it.note ? 1 : 0;
    encode(it, out, scratch ? *scratch : none);
  }
  for (auto& note : notes) {
    encode_note(std::move(note), out, scratch ? *scratch : none);
  }
  taken.clear();
  notes.clear();
  // Pieces in scratch are kept alive by it.
  for (size_t i = first; scratch && i < out.size(); ++i) {
    if (!out[i].owner) {
      out[i].owner = scratch;
    }
  }
  if (metrics_ && delivered > 0) {
    metrics_->notification_outcome("delivered", static_cast<double>(delivered));
  }
  if (hooks_ && hooks_->on_pulled) {  // Set before attach(): no lock needed to read them.
    size_t bytes = 0;
    for (size_t i = first; i < out.size(); ++i) {
      bytes += out[i].bytes.size();
    }
    hooks_->on_pulled(bytes);
  }
  return true;
}

}  // namespace io
}  // namespace mcprt
