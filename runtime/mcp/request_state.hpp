// Integrity-protected `requestState` for 2026-07-28 multi-round requests (MRTR): the server
// hands the client opaque state and must be able to tell if it comes back altered.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace mcp {
namespace request_state {

/// `<base64 payload>.<hex HMAC-SHA256>` under a key drawn at process start (so state does not
/// survive a restart: the client then starts the request over), or the key use_keys set. The MAC
/// also covers `owner` (principal::owner() of the caller; not sent), so only that caller can bring
/// it back.
std::string seal(std::string_view payload, std::string_view owner = {});

/// The payload of a sealed state, or nullopt when it was altered, is not ours, or was sealed
/// for another owner.
std::optional<std::string> open(std::string_view sealed, std::string_view owner = {});

/// From now on seals under `current` and opens what `current` or `previous` (when not empty)
/// sealed: every node of a cluster given the same keys (cluster.secretFile) opens what any of
/// them sealed, and a rotation keeps the old key as previous for a while. Call at start,
/// before any request is served.
void use_keys(std::string current, std::string previous = {});

}  // namespace request_state
}  // namespace mcp
}  // namespace mcprt
