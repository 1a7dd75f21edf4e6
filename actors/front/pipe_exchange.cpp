#include "actors/front/pipe_exchange.hpp"

#include <mutex>
#include <string_view>

#include "runtime/codec/json_rpc.hpp"

namespace mcprt::actors::front {

namespace {

// Each `data:` line of whole SSE events, as one JSON message (ids and comments stay behind).
template <class F>
void each_data_line(std::string_view events, F f) {
  while (!events.empty()) {
    auto end = events.find('\n');
    auto line = events.substr(0, end);
    events = end == std::string_view::npos ? std::string_view() : events.substr(end + 1);
    if (line.starts_with("data: ") && line.size() > 6) {
      f(std::string(line.substr(6)));
    }
  }
}

// A streamed answer: whoever queues into `source` drains it into the pipe, until it closes.
struct stream_copy {
  std::mutex mutex;
  std::shared_ptr<outbox> source;
  std::shared_ptr<outbox> pipe;
  uint64_t gen = 0;

  void drain() {
    std::lock_guard<std::mutex> g(mutex);
    if (!source || gen == 0) {
      return;  // Not attached yet: the attaching thread drains next.
    }
    source->drain_messages(gen, [&](const std::string& events, frame_role role) {
      each_data_line(events, [&](std::string m) { pipe->push_control(std::move(m), role); });
    });
    if (source->closed()) {
      source->detach(gen);  // Drops the waker, and with it this.
      source.reset();
    }
  }
};

}  // namespace

pipe_exchange::pipe_exchange(std::shared_ptr<outbox> box, std::string rpc_id)
    : box_(std::move(box)), rpc_id_(std::move(rpc_id)) {}

void pipe_exchange::respond(http_response response) {
  if (!response.body.empty()) {
    box_->push_control(std::move(response.body), frame_role::answer);
  }
}

void pipe_exchange::write_stream(std::string bytes, note_overflow overflow) {
  auto role =
      overflow.when_behind == note_overflow::rule::keep ? frame_role::other : frame_role::note;
  each_data_line(bytes, [&](std::string m) { box_->push_control(std::move(m), role, overflow); });
}

void pipe_exchange::pump(std::shared_ptr<outbox> source, http_headers, std::chrono::milliseconds) {
  // A relayed answer that streams (its notes, then the answer) arrives through a queue.
  auto copy = std::make_shared<stream_copy>();
  copy->pipe = box_;
  copy->source = source;
  auto gen = source->attach([copy] { copy->drain(); });  // May wake at once: too early.
  {
    std::lock_guard<std::mutex> g(copy->mutex);
    copy->gen = gen;
  }
  copy->drain();
}

void pipe_exchange::abort() {
  box_->push_control(
      rpc::encode_error(rpc_id_, make_error(rpc_code::internal_error,
                                            "Internal error: the node that holds the work gave "
                                            "no answer")),
      frame_role::answer);
}

}  // namespace mcprt::actors::front
