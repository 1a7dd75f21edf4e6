// The federated notifier: each node tells its peers which topics it has local subscribers for
// (one interest per topic per node); a note published here goes once to each interested peer,
// which delivers it to its own subscribers only (no relays, no loops). What is in flight to a
// peer is bounded by its acknowledgements; past the bound, notes wait in a short queue where
// the topic's overflow policy applies, and what is dropped is counted.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "actors/notifier/notifier.hpp"

namespace mcprt::actors::cluster {

struct cluster_metrics;

/// membership -> federator: peer `name` is up with this gateway (a new link: interests and
/// counts start over), or down.
using fed_up_atom = caf::atom_constant<caf::atom("fd_up")>;
using fed_down_atom = caf::atom_constant<caf::atom("fd_down")>;

/// How the federation behaves.
struct federation_options {
  std::string node;                           ///< This node's name.
  size_t window_bytes = size_t{1024} * 1024;  ///< Note bytes in flight to one peer.
  size_t queue_notes = 1024;                  ///< Notes waiting for one peer past the window.
};

/// Spawns the node's federator (it takes wire::interest, remote_note and notes_ack from peers,
/// and the atoms above from the membership) and connects `notes` to it.
caf::actor start_federation(caf::actor_system& sys, federation_options options,
                            std::shared_ptr<notifier::notifier> notes,
                            std::shared_ptr<cluster_metrics> metrics);

}  // namespace mcprt::actors::cluster
