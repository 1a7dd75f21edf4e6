// The parts of a responder only the server sets: what the request's session, dispatch and
// front attach to it. Kept out of responder.hpp so the plugin SDK does not offer them.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "runtime/io/client_link.hpp"
#include "runtime/io/responder.hpp"

namespace mcprt {
inline namespace io {

class event_log;
class outbox;

struct responder_internals {
  /// Keeps `owner` (the request's parsed document) alive as long as the responder, so it is
  /// freed where the answer ends (the connection's thread) rather than on a tool's thread.
  static void keep_alive(const responder& r, std::shared_ptr<const void> owner);
  /// Names the tool or prompt this request turned out to be for (dispatch, after finding it
  /// in the catalog, before handing the request on): metrics and the access log label by it.
  static void name_target(const responder& r, std::string name);
  /// Sets the lowest log level forwarded (a session applies its logging/setLevel).
  static void set_min_log(const responder& r, log_level level);
  /// Lets a handler turn this call into a task (set by dispatch when the call may be one).
  static void set_task_escalation(const responder& r, task_escalation escalate);
  /// See reply_channel::make_resumable (set by the request's session).
  static void make_resumable(const responder& r, std::shared_ptr<event_log> log,
                             std::shared_ptr<outbox> fallback, std::chrono::milliseconds retry);
  /// Lets handlers ask the client things while this request runs (set by its session).
  static void set_client_link(const responder& r, client_link_ptr link);
  /// Sends a JSON-RPC frame related to this request (a server→client request), unless the
  /// request is already answered. Returns false when it was not sent.
  static bool send_related(const responder& r, std::string frame);
};

}  // namespace io
}  // namespace mcprt
