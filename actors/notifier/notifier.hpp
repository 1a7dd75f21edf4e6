// The fan-out notifier: topics (resource URIs, list changes, plugin channels) mapped to
// subscriber outboxes, sharded by topic hash over several actors. A note is serialized once
// by the publisher; each shard offers the same bytes to every subscriber of the topic, and
// each outbox applies the topic's overflow policy. Publishing never waits for a subscriber.
#pragma once

#include <caf/fwd.hpp>
#include <memory>
#include <string>
#include <vector>

#include "runtime/api/messages.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::notifier {

/// Topic names: one namespace for every kind, so a shard needs no other key.
namespace topic {
inline std::string resource(std::string_view uri) {
  return "resource:" + std::string(uri);
}
inline std::string list_changed(std::string_view what) {  // "tools", "resources", "prompts"
  return "list:" + std::string(what);
}
/// A 2025 session's tasks: their status, progress and logs (the session's own stream).
inline std::string tasks_of(std::string_view session_id) {
  return "tasks:" + std::string(session_id);
}
/// The lists whose changes are announced.
inline constexpr std::string_view list_kinds[] = {"tools", "resources", "prompts"};
}  // namespace topic

/// The node's notifier. Thread-safe; every call is one asynchronous message to one shard.
class notifier {
 public:
  notifier(caf::actor_system& sys, size_t shards, std::shared_ptr<mcprt::metrics> metrics);
  ~notifier();

  /// Delivers the topic's future notes to `box` until unsubscribed or the box closes.
  void subscribe(const std::string& topic, std::shared_ptr<outbox> box);
  /// Stops delivering the topic to `box`.
  void unsubscribe(const std::string& topic, const std::shared_ptr<outbox>& box);
  /// Offers `note` to every subscriber of `topic` under `policy`.
  void publish(const std::string& topic, note_ptr note, overflow_policy policy);
  /// Stops the shards (shutdown).
  void stop();

 private:
  const caf::actor& shard_for(const std::string& topic) const;
  std::vector<caf::actor> shards_;
  std::shared_ptr<mcprt::metrics> metrics_;
};

}  // namespace mcprt::actors::notifier
