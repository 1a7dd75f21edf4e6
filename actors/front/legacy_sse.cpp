// Streams by id; a stream and its session end when its connection does.
#include "actors/front/legacy_sse.hpp"

#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/io/sse.hpp"
#include "runtime/mcp/ids.hpp"

namespace mcprt::actors::front {

legacy_sse::legacy_sse(peer_factory make_peer, std::shared_ptr<const live_outbox_limits> limits,
                       std::chrono::milliseconds keep_alive, size_t max_streams,
                       std::shared_ptr<mcprt::metrics> metrics, id_issuer ids)
    : make_peer_(std::move(make_peer)),
      limits_(std::move(limits)),
      keep_alive_(keep_alive),
      max_streams_(max_streams),
      metrics_(std::move(metrics)),
      ids_(std::move(ids)) {}

void legacy_sse::open(const http_exchange_ptr& exchange, const principal& caller) {
  auto id = ids_.new_session_id();
  auto box = std::make_shared<outbox>(limits_->current(), stream_format::sse, metrics_);
  auto s = std::make_shared<stream>();
  s->owner = caller.owner();
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (streams_.size() >= max_streams_) {
      exchange->respond(error_response(503, rpc_code::server_overloaded,
                                       "Service Unavailable: too many HTTP+SSE streams are open"));
      return;
    }
    streams_.emplace(id, s);
  }
  s->peer = make_peer_(box, caller);
  box->push_bytes(sse::named_event("endpoint", "/messages?sessionId=" + id));
  // The stream is the session: when the client goes, both end.
  box->on_detach([this, id] { close(id); });
  exchange->pump(box, {}, keep_alive_);
}

void legacy_sse::close(const std::string& id) {
  std::shared_ptr<stream> gone;  // Destroyed outside the lock: it ends the session.
  std::lock_guard<std::mutex> g(mutex_);
  if (auto it = streams_.find(id); it != streams_.end()) {
    gone = std::move(it->second);
    streams_.erase(it);
  }
}

http_response legacy_sse::post(const std::string& query, const std::string& body,
                               const principal& caller, bool& foreign) {
  auto id = query_value(query, "sessionId");
  std::shared_ptr<stream> s;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (auto it = streams_.find(id); it != streams_.end()) {
      s = it->second;
    }
  }
  if (s && s->owner != caller.owner()) {
    foreign = true;
    s.reset();
  }
  if (!s) {
    return error_response(404, rpc_code::session_not_found,
                          id.empty() ? "Not Found: POST /messages needs ?sessionId= from the "
                                       "endpoint event of GET /sse"
                                     : "Session not found: its SSE stream is closed");
  }
  std::lock_guard<std::mutex> g(s->reading);
  s->peer->on_message(body);
  return http_response{202, "text/plain", "Accepted", {}};
}

size_t legacy_sse::size() const {
  std::lock_guard<std::mutex> g(mutex_);
  return streams_.size();
}

std::string legacy_sse::query_value(const std::string& query, std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    auto pair = std::string_view(query).substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return {};
}

}  // namespace mcprt::actors::front
