// The method table shared by both eras: ping, server/discover, tools, resources, prompts and
// completion.
// Runs on the caller (an I/O thread for stateless requests, the session actor for 2025
// sessions); only tools/call hops, to the tool's own actor.
#pragma once

#include <string>

#include "actors/catalog/catalog.hpp"
#include "runtime/auth/scope_policy.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/responder.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::dispatch {

/// What the server says about itself, from config.
struct server_profile {
  std::string instructions;     ///< Optional `instructions`; empty when unset.
  int64_t list_ttl_ms = 60000;  ///< `ttlMs` of modern list results.
  size_t page_size = 100;       ///< Tools per `tools/list` page.
};

/// What dispatch reads: the current catalog, the profile, the node's jobs and who asks.
struct dispatch_env {
  catalog::catalog_ptr tools;
  const server_profile* profile = nullptr;
  jobs::job_service* jobs = nullptr;  ///< Null: no tasks (and idempotency keys are ignored).
  std::string_view version;           ///< The 2025 session's negotiated version; empty if none.
  mcprt::metrics* metrics = nullptr;  ///< Counts refusals of other principals' objects.
  std::shared_ptr<const scope_policy> scopes;  ///< Null: lists show everything.
};

/// The environment of anything holding `tools`, `profile` and `jobs` (endpoint, peer, session).
template <class Parts>
dispatch_env env_of(const Parts& parts) {
  dispatch_env env;
  env.tools = parts.tools->current();
  env.profile = parts.profile.get();
  env.jobs = parts.jobs.get();
  env.metrics = parts.metrics.get();
  if (parts.scopes) {
    env.scopes = parts.scopes->current();
  }
  return env;
}

/// Answers `msg` through `out` by the method table (method_table.hpp) when the method exists
/// in the request's era and is served statelessly. Returns false, and answers nothing,
/// otherwise (the caller answers "method not found").
bool dispatch(const rpc::message& msg, const responder& out, const dispatch_env& env);

/// Runs a tools/call as a job when it should be one (a task, or a call with an idempotency
/// key), or refuses it (task support rules); false when it is a plain call after all.
bool call_as_job(const rpc::message& msg, const catalog::catalog_tool& tool,
                 const json_ref& arguments, const responder& out, const dispatch_env& env);

/// Runs one (validated) call of `tool`, answering through `out`.
void run_tool(const catalog::catalog_tool& tool, const json_ref& arguments, const responder& out);

/// The server capabilities object for this catalog; `tasks` adds the task capability of the
/// version asking (2025-11-25 `tasks`, 2026 the tasks extension).
std::string capabilities_json(const catalog::catalog& tools, era e = era::legacy,
                              bool tasks = false);

/// The `initialize` result for a negotiated legacy version.
std::string initialize_result(std::string_view version, const dispatch_env& env);

/// Picks the legacy version to answer `initialize` with: the client's when supported,
/// else the newest legacy one.
std::string_view negotiate_legacy_version(std::string_view requested);

}  // namespace mcprt::actors::dispatch
