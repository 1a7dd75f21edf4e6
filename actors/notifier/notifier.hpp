// The fan-out notifier: topics (resource URIs, list changes, plugin channels) mapped to
// subscriber outboxes, sharded by topic hash over several actors. A note is serialized once
// by the publisher; each shard offers the same bytes to every subscriber of the topic, and
// each outbox applies the topic's overflow policy. Publishing never waits for a subscriber.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
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

/// Where a cluster node's notifier meets its peers (actors/cluster implements it).
class topic_federation {
 public:
  virtual ~topic_federation() = default;
  /// The node's first local subscriber of `topic` came (true), or its last one left (false).
  virtual void local_interest(const std::string& topic, bool wanted) = 0;
  /// A note published on this node: a copy goes to each peer that wants the topic.
  virtual void published(const std::string& topic, const note_ptr& note,
                         overflow_policy policy) = 0;
};

/// True for the topics a cluster shares: not a node's own catalog changes (`list:`, every node
/// has its catalog) nor a 2025 session's tasks (`tasks:`, they live with the session).
bool federated_topic(std::string_view topic);

/// The node's notifier. Thread-safe; every call is one asynchronous message to one shard.
class notifier {
 public:
  notifier(caf::actor_system& sys, size_t shards, std::shared_ptr<mcprt::metrics> metrics);
  ~notifier();

  /// Delivers the topic's future notes to `box` until unsubscribed or the box closes.
  void subscribe(const std::string& topic, std::shared_ptr<outbox> box);
  /// Stops delivering the topic to `box`.
  void unsubscribe(const std::string& topic, const std::shared_ptr<outbox>& box);
  /// Offers `note` to every subscriber of `topic` under `policy` (in a cluster, also to the
  /// peers that want the topic).
  void publish(const std::string& topic, note_ptr note, overflow_policy policy);
  /// The same for this node's subscribers only: a note a peer published.
  void deliver(const std::string& topic, note_ptr note, overflow_policy policy);
  /// In a cluster: tells `f` which topics have local subscribers and what is published here.
  /// Set once, at start, before clients subscribe.
  void federate(std::shared_ptr<topic_federation> f);
  /// Stops the shards (shutdown).
  void stop();

  /// The shards, for the node's supervisor.
  std::vector<caf::actor_addr> shard_addresses() const;
  /// Puts a fresh shard in the place of `dead` (a shard that ended on its own), holding the
  /// subscriptions the dead one held; its address, or an empty one when `dead` is no shard of
  /// this notifier. Notes that reached the dead shard's mailbox are lost.
  caf::actor_addr replace_shard(const caf::actor_addr& dead);

  /// Who follows which topic in one shard. Only the shard's actor touches it while it lives;
  /// a replacement takes it over once the old one has ended.
  using topic_map = std::unordered_map<std::string, std::vector<std::shared_ptr<outbox>>>;

 private:
  caf::actor shard_for(const std::string& topic) const;

  caf::actor_system& system_;
  mutable std::shared_mutex shards_mutex_;  // Publishers read; a replacement writes.
  std::vector<caf::actor> shards_;
  std::vector<std::shared_ptr<topic_map>> topics_;      // One per shard.
  std::shared_ptr<struct federation_slot> federation_;  // Shared with the shards.
  std::shared_ptr<mcprt::metrics> metrics_;
};

}  // namespace mcprt::actors::notifier
