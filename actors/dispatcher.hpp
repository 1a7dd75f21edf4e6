// The method table shared by both eras: ping, server/discover, tools, resources, prompts and
// completion.
// Runs on the caller (an I/O thread for stateless requests, the session actor for 2025
// sessions); only tools/call hops, to the tool's own actor.
#pragma once

#include <string>

#include "actors/catalog.hpp"
#include "runtime/json_rpc.hpp"
#include "runtime/responder.hpp"

namespace mcprt::actors {

/// What the server says about itself, from config.
struct server_profile {
  std::string instructions;     ///< Optional `instructions`; empty when unset.
  int64_t list_ttl_ms = 60000;  ///< `ttlMs` of modern list results.
  size_t page_size = 100;       ///< Tools per `tools/list` page.
};

/// What dispatch reads: the current catalog and the profile.
struct dispatch_env {
  catalog_ptr tools;
  const server_profile* profile = nullptr;
};

/// Answers `msg` through `out` when the method is one of the shared ones.
/// Returns false, and answers nothing, for a method it does not know.
bool dispatch(const rpc::message& msg, const responder& out, const dispatch_env& env);

/// Answers resources/*, prompts/* and completion/complete; false for any other method.
bool dispatch_resources_and_prompts(const rpc::message& msg, const responder& out,
                                    const dispatch_env& env);

/// The server capabilities object for this catalog.
std::string capabilities_json(const catalog& tools);

/// The `initialize` result for a negotiated legacy version.
std::string initialize_result(std::string_view version, const dispatch_env& env);

/// Picks the legacy version to answer `initialize` with: the client's when supported,
/// else the newest legacy one.
std::string_view negotiate_legacy_version(std::string_view requested);

}  // namespace mcprt::actors
