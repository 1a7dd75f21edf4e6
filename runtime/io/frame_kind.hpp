// What an outgoing message of a request is, so that a transport can bound a slow reader's
// queue and keep the order a client relies on. Transport-neutral: no MCP method names here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace io {

/// The role of one outgoing message.
enum class frame_role : uint8_t {
  other,   ///< Subscription notes, server→client requests, raw bytes: never dropped.
  note,    ///< A notification about an in-flight request (progress, log).
  answer,  ///< A request's final response: never dropped, and handed to the reader only after
           ///< it has taken the notes before it (clients drop a note that arrives with it).
};

/// What may become of a request's note while its reader is behind (its queue past the
/// watermark). Answers and server→client requests are always kept.
struct note_overflow {
  enum class rule : uint8_t {
    keep,         ///< Queued whatever the depth.
    keep_latest,  ///< Replaces the queued note with the same key (progress: the latest counts).
    drop,         ///< Dropped and counted (log messages).
  };
  rule when_behind = rule::keep;
  std::string key;  ///< For keep_latest.

  /// Never dropped.
  static note_overflow keep() { return {}; }
  /// Only the newest note with `key` needs to reach a reader that is behind.
  static note_overflow latest(std::string key) { return {rule::keep_latest, std::move(key)}; }
  /// May be dropped for a reader that is behind.
  static note_overflow droppable() { return {rule::drop, {}}; }
};

/// What a topic does when a subscriber's feed is above the watermark.
enum class overflow_policy {
  coalesce,     ///< Replace the queued note with the same key; else behave as drop_oldest.
  drop_oldest,  ///< Drop the oldest queued note for each new one (lossy feeds).
  disconnect,   ///< Close the subscriber with a reason.
};

/// Parses "coalesce" / "drop_oldest" / "disconnect".
bool parse_overflow_policy(std::string_view text, overflow_policy& out);

}  // namespace io
}  // namespace mcprt
