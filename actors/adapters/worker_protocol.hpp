// The line protocol between a pool and its worker processes (MCP over stdio, one JSON-RPC
// message per line): the frames mcprt writes, and what a worker's line says. Pure: no
// processes, locks or actors, so every rule is tested on its own.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/auth/principal.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/trace_context.hpp"

namespace mcprt::actors::adapters {

/// The protocol version mcprt speaks to its workers.
inline constexpr std::string_view worker_protocol_version = "2025-06-18";

/// A JSON-RPC request frame with a numeric id (`params` is a JSON object's text).
std::string request_frame(int64_t id, std::string_view method, std::string_view params);

/// A tools/call frame whose progress token is the call's own id, so progress maps back; its
/// `_meta` carries who calls and the caller's W3C trace context.
std::string call_frame(int64_t id, std::string_view tool, const rapidjson::Value* arguments,
                       const principal& caller = {}, const trace_context& trace = {});
/// The same for any request a pool forwards: `tools/call` and `prompts/get` (`target` is the
/// worker's name for it, with `arguments`) or `resources/read` (`target` is the URI).
std::string forward_frame(int64_t id, std::string_view method, std::string_view target,
                          const rapidjson::Value* arguments, const principal& caller,
                          const trace_context& trace);

/// One line a worker wrote to stdout.
struct worker_line {
  enum class kind {
    malformed,     ///< Not a JSON-RPC object: logged and ignored.
    answer,        ///< The answer to our request `id` (see `message`).
    request,       ///< The worker asks mcprt something (`method`, `request_id_json`).
    progress,      ///< notifications/progress for our call `id`.
    log,           ///< notifications/message.
    notification,  ///< Any other notification, or JSON-RPC we did not ask for: ignored.
  };
  kind what = kind::malformed;
  rapidjson::Document message;        ///< The parsed line (answers read `result` or `error` here).
  int64_t id = 0;                     ///< answer: our request's id; progress: its token.
  std::string method;                 ///< request: the method asked.
  std::string request_id_json;        ///< request: the worker's id, as JSON text.
  double progress = 0;                ///< progress
  std::optional<double> total;        ///< progress
  std::string text;                   ///< progress: the message; log: the data as JSON text.
  log_level level = log_level::info;  ///< log
  std::string logger;                 ///< log: empty when the worker named none.
};

/// Reads one line. An object that is none of the kinds (an answer with a non-integer id, a
/// progress note without an integer token or a numeric progress) is a `notification`.
worker_line read_worker_line(const std::string& line);

/// What mcprt answers a worker's own request: `ping` gets `{}`, anything else -32601 (mcprt
/// does not forward a worker's requests to clients).
std::string answer_worker_request(const std::string& request_id_json, std::string_view method);

}  // namespace mcprt::actors::adapters
