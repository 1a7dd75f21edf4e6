// The issuer's keys, kept fresh by one actor: it discovers the issuer's metadata, fetches the
// JWKS (through an http_fetcher, so no request thread ever waits on the network), publishes it
// to a key_cache, refreshes it periodically, and fetches again when a token names a key it
// lacks — at most once per `min_refetch`, so a flood of unknown `kid`s cannot turn into a
// flood of fetches. When the issuer is unreachable the last keys stay in use.
#pragma once

#include <caf/typed_actor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/identity/auth_metrics.hpp"
#include "actors/identity/key_cache.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/io/http_fetch.hpp"

namespace mcprt::actors::identity {

/// gate -> keys: a token named a key the cache lacks (or failed its signature). `done` runs
/// on the actor's thread once a fetch has ended, or at once when one ran too recently.
struct keys_wanted {
  std::function<void()> done;
};

/// Which document a fetch was for.
enum class fetch_step { metadata, jwks };

/// fetcher -> keys: a document arrived, or `error` says why not.
struct keys_fetched {
  fetch_step step = fetch_step::metadata;
  size_t candidate = 0;  ///< metadata: which of metadata_urls() it was.
  bool ok = false;
  fetch_response response;
  std::string error;
};

using issuer_keys_actor = caf::typed_actor<caf::reacts_to<keys_wanted>,
                                           caf::reacts_to<keys_fetched>, caf::reacts_to<tick_atom>>;

struct issuer_options {
  std::string issuer;
  std::chrono::seconds refresh{600};     ///< Periodic refetch of the key set.
  std::chrono::seconds min_refetch{30};  ///< Least time between two on-demand fetches.
  std::chrono::milliseconds fetch_timeout{5000};
};

/// Spawns the actor; it starts fetching at once.
issuer_keys_actor spawn_issuer_keys(caf::actor_system& sys, issuer_options options,
                                    std::shared_ptr<key_cache> cache,
                                    std::shared_ptr<http_fetcher> fetcher,
                                    std::shared_ptr<auth_metrics> metrics);

}  // namespace mcprt::actors::identity

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::identity::keys_wanted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::identity::keys_fetched)
