// 2026-07-28 `subscriptions/listen`: a POST whose SSE answer stays open and carries the
// notification types the client opted in to, each tagged with the listen request's id.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "actors/catalog/catalog.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/codec/errors.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/codec/json_rpc.hpp"

namespace mcprt::actors::front {

/// The notification types a listen asked for, cut down to what this node serves.
struct listen_filter {
  std::vector<std::string> lists;  ///< "tools", "prompts", "resources"
  std::vector<std::string> uris;   ///< resourceSubscriptions
  /// The honored subset as the acknowledgement's `notifications` object.
  std::string honored_json() const;
};

/// Reads `params.notifications`: -32602 when it is missing or malformed, names an unknown
/// resource, or asks for nothing this node can send.
expected<listen_filter> read_listen(const rpc::message& msg, const catalog::catalog& c,
                                    size_t max_uris);

/// Opens the subscription into `box`: the acknowledgement first, then every note of the
/// chosen topics, tagged with `request_id`; the subscriptions end when the box detaches.
/// Returns the topics it subscribed, for owners that end the subscription themselves.
std::vector<std::string> open_listen(const listen_filter& filter, const std::string& request_id,
                                     const std::shared_ptr<outbox>& box,
                                     const std::shared_ptr<notifier::notifier>& notes);

}  // namespace mcprt::actors::front
