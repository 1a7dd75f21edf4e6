// The method table: one entry per MCP method with what every room asks of it — which eras
// have it, whether a 2025 session serves it itself, whether admission may refuse it, what
// its Mcp-Name header mirrors, and the handler dispatch runs. Adding a method is adding an
// entry here (and its handler).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/dispatch/dispatcher.hpp"

namespace mcprt::actors::dispatch {

/// The eras a method exists in (a bit set).
enum era_set : unsigned { in_modern = 1U, in_legacy = 2U, in_both = 3U };

/// Where a method is served.
enum class method_scope {
  stateless,  ///< By dispatch, wherever the request lands.
  session,    ///< By the caller's 2025 session itself (initialize, logging/setLevel, ...).
};

/// Runs a method; false when it turns out not to be served here (e.g. tasks without a job
/// service, or in a version without them): the caller then answers "method not found".
using method_handler =
    std::function<bool(const rpc::message& msg, const responder& out, const dispatch_env& env)>;

/// What a 2025 session offers the methods it serves itself (actors/session implements it):
/// the state they change lives in the session.
class session_scope {
 public:
  virtual ~session_scope() = default;
  /// logging/setLevel: the least severe log level sent to this session.
  virtual void set_level(const rpc::message& msg, const responder& out) = 0;
  /// resources/subscribe and resources/unsubscribe on the session's GET stream.
  virtual void subscribe(const rpc::message& msg, const responder& out) = 0;
  virtual void unsubscribe(const rpc::message& msg, const responder& out) = 0;
};

/// Runs a session-scoped method in the session that received it.
using session_handler = void (*)(session_scope& session, const rpc::message& msg,
                                 const responder& out);

/// One method.
struct method_entry {
  std::string name;
  unsigned eras = in_both;
  method_scope scope = method_scope::stateless;
  bool exempt_from_admission = false;    ///< Control traffic is never refused for load.
  std::string_view name_member;          ///< The params member Mcp-Name mirrors (2026), or empty.
  method_handler handler;                ///< Null for session-scoped methods.
  session_handler in_session = nullptr;  ///< Session-scoped methods: run by the session.

  /// True when the method exists in era `e`.
  bool in(era e) const { return (eras & (e == era::modern ? in_modern : in_legacy)) != 0; }
};

/// Methods by name.
class method_table {
 public:
  /// MCP's methods as mcprt serves them (built once).
  static const method_table& builtin();

  /// The entry for `method`, or nullptr.
  const method_entry* find(std::string_view method) const;
  /// The entry for `method` when it exists in `e`, or nullptr.
  const method_entry* find(std::string_view method, era e) const;
  /// Adds an entry, replacing one of the same name.
  void add(method_entry entry);

 private:
  struct hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, method_entry, hash, std::equal_to<>> entries_;
};

/// Registers resources/*, prompts/* and completion/complete (resources.cpp).
void add_resource_methods(method_table& table);
/// Registers tasks/* of both eras (tasks.cpp).
void add_task_methods(method_table& table);

}  // namespace mcprt::actors::dispatch
