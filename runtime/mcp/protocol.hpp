// MCP protocol revisions mcprt speaks, and the names every layer shares.
// Pure data: no JSON, no actors.
#pragma once

#include <array>
#include <string_view>

namespace mcprt {
inline namespace mcp {

/// The two eras of MCP: per-request metadata (modern) or an initialize handshake (legacy).
enum class era { modern, legacy };

/// The modern revision: stateless, `_meta` on every request.
inline constexpr std::string_view modern_version = "2026-07-28";

/// Legacy revisions served through sessions, newest first.
inline constexpr std::array<std::string_view, 4> legacy_versions = {"2025-11-25", "2025-06-18",
                                                                    "2025-03-26", "2024-11-05"};

/// Every version, newest first, as `server/discover` and -32022 list them.
inline constexpr std::array<std::string_view, 4> advertised_versions = {"2026-07-28", "2025-11-25",
                                                                        "2025-06-18", "2025-03-26"};

/// The version HTTP assumes when a legacy request carries no MCP-Protocol-Version header.
inline constexpr std::string_view default_legacy_http_version = "2025-03-26";

/// True for a revision negotiated by `initialize`.
constexpr bool is_legacy_version(std::string_view v) {
  for (auto x : legacy_versions) {
    if (x == v) {
      return true;
    }
  }
  return false;
}

/// True for a revision served statelessly.
constexpr bool is_modern_version(std::string_view v) {
  return v == modern_version;
}

/// True for any revision mcprt speaks.
constexpr bool is_supported_version(std::string_view v) {
  return is_modern_version(v) || is_legacy_version(v);
}

/// Reserved `_meta` keys of the modern revision.
namespace meta_key {
inline constexpr std::string_view protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view client_capabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view server_info = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view log_level = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view progress_token = "progressToken";
/// 2025-11-25 tasks: ties a message to its task.
inline constexpr std::string_view related_task = "io.modelcontextprotocol/related-task";
/// mcprt's idempotency key: a request that repeats it gets the first one's job, task or result.
inline constexpr std::string_view idempotency_key = "io.mcprt/idempotencyKey";
/// mcprt → adapter workers: who calls (`issuer`, `subject`, `clientId`, `scopes`); never the
/// token. Absent when the server does not authenticate.
inline constexpr std::string_view principal = "io.mcprt/principal";
}  // namespace meta_key

/// The 2026-07-28 tasks extension (SEP-2663), as named under `capabilities.extensions`.
inline constexpr std::string_view tasks_extension = "io.modelcontextprotocol/tasks";

/// The server's name and version as serverInfo reports them.
inline constexpr std::string_view server_name = "mcprt";
inline constexpr std::string_view server_version = "0.1.0";

/// RFC 5424 levels as MCP logging uses them, lowest first.
enum class log_level { debug, info, notice, warning, error, critical, alert, emergency, off };

/// Parses a level name; returns false for an unknown name.
bool parse_log_level(std::string_view name, log_level& out);

/// The wire name of a level.
std::string_view to_string(log_level level);

}  // namespace mcp
}  // namespace mcprt
