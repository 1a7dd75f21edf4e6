// Test doubles that record what the runtime sends: a reply_channel and an http_exchange.
// Waits are bounded and event-driven (condition variables), never sleeps.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/io/http_exchange.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/io/reply_channel.hpp"

namespace mcprt::test {

/// Records the frames of one request.
class capture_channel final : public reply_channel {
 public:
  void notify(std::string frame, note_overflow /*overflow*/) override {
    std::lock_guard<std::mutex> g(m_);
    notes_.push_back(std::move(frame));
  }
  void finish(unsigned status, std::string frame) override {
    std::lock_guard<std::mutex> g(m_);
    final_.emplace(status, std::move(frame));
    cv_.notify_all();
  }
  /// The final (status, frame), waiting up to 5 s; nullopt if none came.
  std::optional<std::pair<unsigned, std::string>> wait() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait_for(l, std::chrono::seconds(5), [this] { return final_.has_value(); });
    return final_;
  }
  /// The final (status, frame) if one came already, without waiting.
  std::optional<std::pair<unsigned, std::string>> peek() {
    std::lock_guard<std::mutex> g(m_);
    return final_;
  }
  std::vector<std::string> notes() {
    std::lock_guard<std::mutex> g(m_);
    return notes_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::string> notes_;
  std::optional<std::pair<unsigned, std::string>> final_;
};

/// Records one HTTP answer (complete or streamed).
class capture_exchange final : public http_exchange {
 public:
  void respond(http_response r) override {
    std::function<void()> dropped;  // The armed deadline holds the responder: release it.
    std::lock_guard<std::mutex> g(m_);
    response_ = std::move(r);
    done_ = true;
    dropped.swap(deadline_);
    cv_.notify_all();
  }
  void start_stream(http_headers headers) override {
    std::lock_guard<std::mutex> g(m_);
    response_ = http_response{200, "text/event-stream", {}, std::move(headers)};
  }
  void write_stream(std::string bytes, note_overflow /*overflow*/) override {
    std::lock_guard<std::mutex> g(m_);
    response_->body += bytes;
  }
  void end_stream() override {
    std::function<void()> dropped;
    std::lock_guard<std::mutex> g(m_);
    done_ = true;
    dropped.swap(deadline_);
    cv_.notify_all();
  }
  void abort() override {
    std::function<void()> dropped;
    std::lock_guard<std::mutex> g(m_);
    response_ = http_response{0, {}, {}, {}};
    done_ = true;
    dropped.swap(deadline_);
    cv_.notify_all();
  }
  void on_client_close(std::function<void()>) override {}
  void pump(std::shared_ptr<outbox> source, http_headers headers,
            std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> g(m_);
    response_ = http_response{200, "text/event-stream", {}, std::move(headers)};
    pumped_ = std::move(source);
    done_ = true;
    cv_.notify_all();
  }
  /// The outbox a GET stream was given to, if any.
  std::shared_ptr<outbox> pumped() {
    std::lock_guard<std::mutex> g(m_);
    return pumped_;
  }
  void arm_deadline(std::chrono::milliseconds, std::function<void()> fire) override {
    std::lock_guard<std::mutex> g(m_);
    deadline_ = std::move(fire);
  }
  /// The answer, waiting up to 5 s.
  std::optional<http_response> wait() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait_for(l, std::chrono::seconds(5), [this] { return done_; });
    return done_ ? response_ : std::nullopt;
  }
  /// True when an answer is complete now.
  bool done() {
    std::lock_guard<std::mutex> g(m_);
    return done_;
  }
  /// Fires the armed deadline as the transport's timer would.
  void expire() {
    std::function<void()> f;
    {
      std::lock_guard<std::mutex> g(m_);
      f = deadline_;
    }
    if (f) {
      f();
    }
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::optional<http_response> response_;
  std::function<void()> deadline_;
  bool done_ = false;
  std::shared_ptr<outbox> pumped_;
};

}  // namespace mcprt::test
