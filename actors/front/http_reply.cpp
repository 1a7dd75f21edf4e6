// Switches an answer from JSON to SSE on its first notification; in 2025-11-25 sessions numbers
// the events so the stream can be resumed.
#include "actors/front/http_reply.hpp"

#include "runtime/io/outbox.hpp"
#include "runtime/io/sse.hpp"

namespace mcprt::actors::front {

void http_reply::make_resumable(std::shared_ptr<event_log> log, std::shared_ptr<outbox> fallback,
                                std::chrono::milliseconds retry) {
  std::lock_guard<std::mutex> guard(mutex_);
  log_ = std::move(log);
  fallback_ = std::move(fallback);
  retry_ = retry;
}

void http_reply::start_locked() {
  streaming_ = true;
  exchange_->start_stream(headers_);
  if (log_) {
    // Numbered only now: most answers are plain JSON and never become a stream.
    stream_ = log_->next_stream();
    // The priming event: an id to resume from before anything else happens, and how soon.
    auto id = log_->next_id();
    log_->keep(logged_event{id, stream_, {}, {}});
    exchange_->write_stream(sse::priming(log_->format_id(id), retry_), note_overflow::keep());
  }
}

std::string http_reply::event_locked(std::string frame) {
  if (!log_) {
    return sse::event(frame);
  }
  auto id = log_->next_id();
  auto kept = std::make_shared<const std::string>(std::move(frame));  // The history owns it.
  log_->keep(logged_event{id, stream_, {}, kept});
  return sse::event(*kept, log_->format_id(id));
}

void http_reply::notify(std::string frame, note_overflow overflow) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  if (closed_by_server_) {
    // The client resumes on its GET stream.
    fallback_->push_control(std::move(frame), frame_role::note, overflow);
    return;
  }
  if (!streaming_) {
    start_locked();
  }
  exchange_->write_stream(event_locked(std::move(frame)), std::move(overflow));
}

void http_reply::finish(unsigned http_status, std::string frame) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  if (closed_by_server_) {
    fallback_->push_control(std::move(frame), frame_role::answer);
  } else if (streaming_) {
    exchange_->write_stream(event_locked(std::move(frame)), note_overflow::keep());
    exchange_->end_stream();
  } else {
    exchange_->respond(http_response{http_status, "application/json", std::move(frame), headers_});
  }
}

void http_reply::close_stream() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_ || closed_by_server_ || !log_ || !fallback_) {
    return;
  }
  if (!streaming_) {
    start_locked();
  }
  closed_by_server_ = true;
  exchange_->end_stream();
}

void http_reply::cancel() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  if (closed_by_server_) {
    return;
  }
  if (streaming_) {
    exchange_->end_stream();
  } else {
    exchange_->abort();
  }
}

}  // namespace mcprt::actors::front
