// Server-sent events framing (WHATWG HTML, "Server-sent events"): the one place that writes
// `id:`, `event:`, `retry:`, `data:` and comment lines. Not the streams themselves (outbox,
// http_reply) nor when events are numbered (event_log).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace io {
namespace sse {

/// What ends an event.
inline constexpr std::string_view end = "\n\n";

/// What precedes an event's data: `id: <id>` when `id` is not empty, then `data: `. No
/// `event:` line: an event without one is a `message` event, which is what MCP sends.
std::string head(std::string_view id = {});

/// A whole `message` event whose data is one line (JSON-RPC has no raw newlines).
std::string event(std::string_view data, std::string_view id = {});

/// A named event (HTTP+SSE's `endpoint`).
std::string named_event(std::string_view name, std::string_view data);

/// The priming event of a resumable stream: an id to resume from and the reconnect delay.
std::string priming(std::string_view id, std::chrono::milliseconds retry);

/// What a stream sends last when the server ends it early (SEP-1699): why, as a comment, and
/// the delay after which the client should reconnect (with Last-Event-ID where it has one).
std::string reconnect_hint(std::chrono::milliseconds retry, std::string_view why);

/// A comment (keep-alive, why a stream closed): clients skip it.
std::string comment(std::string_view text);

}  // namespace sse
}  // namespace io
}  // namespace mcprt
