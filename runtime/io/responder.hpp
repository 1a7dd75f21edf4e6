// A responder answers one JSON-RPC request exactly once, and may send notifications that
// relate to it first. Handlers on any actor or thread hold it; copies share one state.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/codec/errors.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/io/client_link.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/request_info.hpp"
#include "runtime/mcp/tool_result.hpp"

namespace mcprt {
inline namespace io {

class reply_channel;  // runtime/io/reply_channel.hpp: what a transport implements.
using reply_channel_ptr = std::shared_ptr<reply_channel>;

/// Called once when the request is answered (metrics, admission).
using finish_hook = std::function<void(const request_info&, outcome)>;

class responder;
/// Runs one round of a tool as a task: the job hands it the round's responder.
using task_round = std::function<void(const responder&)>;
/// Turns the request into a task that runs `round`, answering it with the task's handle.
using task_escalation = std::function<void(const responder& self, task_round round)>;

/// Answers one request. Cheap to copy; every copy refers to the same request. When the last
/// copy goes away unanswered (the actor that held it died, a handler dropped it), the request
/// is answered then with -32603, so no client waits for a deadline that may never come.
class responder {
 public:
  class weak;

  responder() = default;
  responder(reply_channel_ptr channel, request_info info, finish_hook hook = {});

  /// A handle that does not keep the request open (what a deadline holds).
  weak weak_ref() const;

  /// The request this responder answers.
  const request_info& info() const;
  /// True once a result or error was sent.
  bool done() const;

  /// `notifications/progress`, only when the request asked for progress.
  void progress(double progress, std::optional<double> total, std::string_view message) const;
  /// `notifications/message` with `data` as JSON text, only at or above the request's level.
  void log(log_level level, std::string_view data_json, std::string_view logger = {}) const;

  /// Sends a result object (serialized JSON object). Modern requests get `resultType` and
  /// serverInfo in `_meta` appended. Later calls are ignored.
  void result(const std::string& result_object, outcome how = outcome::ok) const;
  /// The same for a tool's result, written straight into the answer (a large result is not
  /// serialized first and then copied into the envelope). `isError` makes it a tool_error.
  void result(const tool_result& r) const;
  /// Answers with a task handle: 2026-07-28 gets `resultType: "task"` (a flat CreateTaskResult),
  /// earlier versions the object as given (`{"task": {...}}`).
  void task_created(std::string result_object) const;
  /// Makes this call a task that runs `round` (see tool_invocation::run_as_task); false, and
  /// nothing happens, when this call cannot become one.
  bool escalate_to_task(task_round round) const;
  /// 2026-07-28 (MRTR): answers `resultType: "input_required"` with `input_requests` (a JSON
  /// object: key -> {method, params}) and, when `state` is not empty, an integrity-protected
  /// `requestState` the client echoes back with its `inputResponses`. Legacy requests get an
  /// internal error instead (they ask the client with ask_client).
  void input_required(std::string_view input_requests, std::string_view state = {}) const;
  /// Sends a JSON-RPC error with the status of http_status_for().
  void error(const rpc_error& err, outcome how = outcome::error) const;
  /// The client cancelled the request: nothing more is sent for it (2025
  /// notifications/cancelled), and the transport is told to drop the exchange.
  void cancel() const;
  /// True once the request was cancelled (a handler may stop its work early).
  bool cancelled() const;
  /// Runs `hook` once when the request is cancelled (at once if it already was): how work
  /// elsewhere (a worker process) hears of it. One hook per request; a later one replaces it.
  void on_cancel(std::function<void()> hook) const;

  /// Closes the request's SSE stream early (polling-style SSE, SEP-1699): the client resumes
  /// with Last-Event-ID and gets what follows. Without a resumable stream, nothing happens.
  void close_stream() const;

  /// Sends a request to the client (`sampling/createMessage`, `elicitation/create`,
  /// `roots/list`) on this request's stream; `on_reply` gets the answer, or an error when
  /// the request has no session, the client lacks the capability, or does not answer in time.
  void ask_client(std::string method, std::string params_json, client_reply_fn on_reply) const;

 private:
  // What the server's rooms set on a request (its session, dispatch, the front): declared in
  // runtime/io/responder_internals.hpp, which is not part of the plugin SDK.
  friend struct responder_internals;
  struct state;
  explicit responder(std::shared_ptr<state> s) : state_(std::move(s)) {}
  std::shared_ptr<state> state_;
};

/// A responder that does not keep its request open.
class responder::weak {
 public:
  /// The responder while some other copy still holds the request, else nullopt.
  std::optional<responder> lock() const {
    if (auto s = state_.lock()) {
      return responder(std::move(s));
    }
    return std::nullopt;
  }

 private:
  friend class responder;
  std::weak_ptr<state> state_;
};

}  // namespace io
}  // namespace mcprt
