// Switches an answer from JSON to SSE on its first notification.
#include "actors/http_reply.hpp"

namespace mcprt::actors {

std::string http_reply::sse_event(const std::string& frame) {
  std::string ev;
  ev.reserve(frame.size() + 24);
  ev += "event: message\ndata: ";
  ev += frame;
  ev += "\n\n";
  return ev;
}

void http_reply::notify(std::string frame) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  if (!streaming_) {
    streaming_ = true;
    exchange_->start_stream(headers_);
  }
  exchange_->write_stream(sse_event(frame));
}

void http_reply::finish(unsigned http_status, std::string frame) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  if (streaming_) {
    exchange_->write_stream(sse_event(frame));
    exchange_->end_stream();
  } else {
    exchange_->respond(http_response{http_status, "application/json", std::move(frame), headers_});
  }
}

void http_reply::cancel() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  if (streaming_) {
    exchange_->end_stream();
  } else {
    exchange_->abort();
  }
}

}  // namespace mcprt::actors
