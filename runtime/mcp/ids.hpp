// Unguessable ids (sessions, legacy streams, jobs, event logs) from OpenSSL's CSPRNG.
// Not a counter: the random part is the capability that lets a client reach what it names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace mcp {

/// `bytes` random bytes from OpenSSL's CSPRNG as lower-case hex; aborts if the CSPRNG fails
/// (never a weak fallback).
std::string random_hex(size_t bytes);

/// `x` as 16 lower-case hex digits (a node's incarnation in ids and logs).
std::string hex64(uint64_t x);

/// Who issues ids. In a cluster an id names its owner, so any node can route a request for it
/// (docs/cluster.md); the random part stays the capability. Without a node name ids are bare.
struct id_issuer {
  std::string node;          ///< cluster.nodeName; empty on a single node.
  uint64_t incarnation = 0;  ///< Random per process start.

  /// `<node>.<incarnation, 16 hex>.<32 hex>`: a session (or HTTP+SSE stream) dies with its
  /// process, so a restarted node's old ids name an incarnation that is gone.
  std::string new_session_id() const;
  /// `<node>.<32 hex>`: a task is durable in its node's store and outlives restarts.
  std::string new_task_id() const;
};

/// The node (and, for a session, the incarnation) an id names.
struct id_owner {
  std::string_view node;
  std::optional<uint64_t> incarnation;  ///< Absent in a task id.
};

/// A node name as ids carry it: 1 to 16 of a-z, 0-9 and '-' (cluster.nodeName).
bool valid_node_name(std::string_view name);

/// The owner `id` names, or nullopt for an id that names none: a bare id (a single node's, or
/// one issued before the cluster) or a malformed one, both looked up locally.
std::optional<id_owner> owner_of(std::string_view id);

}  // namespace mcp
}  // namespace mcprt
