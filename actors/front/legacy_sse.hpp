// The 2024-11-05 HTTP+SSE transport: `GET /sse` opens a stream whose first event names the
// endpoint (`/messages?sessionId=...`) to POST messages to; every answer and notification
// travels back on that stream. Each stream is one message peer (its session after initialize).
#pragma once

#include <caf/fwd.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/front/message_peer.hpp"
#include "runtime/io/http_exchange.hpp"

namespace mcprt::actors::front {

/// The open legacy streams of this node. Thread-safe.
class legacy_sse {
 public:
  /// `make_peer` builds the peer of a new stream around its outbox, for its caller.
  using peer_factory =
      std::function<std::shared_ptr<message_peer>(std::shared_ptr<outbox>, const principal&)>;

  legacy_sse(peer_factory make_peer, std::shared_ptr<const live_outbox_limits> limits,
             std::chrono::milliseconds keep_alive, size_t max_streams,
             std::shared_ptr<mcprt::metrics> metrics, id_issuer ids);

  /// GET /sse: a new stream of `caller`, announced with its `endpoint` event.
  void open(const http_exchange_ptr& exchange, const principal& caller);
  /// POST /messages?sessionId=ID: hands the body to that stream's peer; 202, or 404 for a
  /// stream that is not (or no longer) open, or that another principal opened (`foreign`
  /// then says so).
  http_response post(const std::string& query, const std::string& body, const principal& caller,
                     bool& foreign);
  /// Open streams.
  size_t size() const;
  /// The value of `name` in a query string (no percent-decoding: ids are hex), or empty.
  static std::string query_value(const std::string& query, std::string_view name);

 private:
  struct stream {
    std::mutex reading;  // A peer reads one message at a time; POSTs may race.
    std::shared_ptr<message_peer> peer;
    std::string owner;  // principal::owner() of who opened it.
  };
  void close(const std::string& id);

  peer_factory make_peer_;
  std::shared_ptr<const live_outbox_limits> limits_;
  std::chrono::milliseconds keep_alive_;
  size_t max_streams_;
  std::shared_ptr<mcprt::metrics> metrics_;
  id_issuer ids_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<stream>> streams_;
};

}  // namespace mcprt::actors::front
