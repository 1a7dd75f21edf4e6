// One 2025-era session (Mcp-Session-Id): negotiated version, client capabilities, log level,
// and its requests in arrival order. Expires when idle, freeing all it holds. A session is
// its state and a queue, not an actor: what it is handed runs in order on the thread that
// brings it (or, while another thread runs it, on that thread next), so an idle session costs
// its state alone; its table's clock ends it when idle.
#pragma once

#include <atomic>
#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "actors/dispatch/dispatcher.hpp"
#include "actors/session/feed.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/table.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::session {

/// What a new session starts from: the initialize request's outcome and the node's parts.
struct session_init {
  std::string id;
  std::string version;              ///< Negotiated protocol version.
  mcprt::wire wire = wire::http;    ///< The transport the session lives on (metrics).
  std::string client_info;          ///< JSON text of clientInfo (may be empty).
  std::string client_capabilities;  ///< JSON text of capabilities (may be empty).
  std::chrono::milliseconds idle_timeout{1800000};
  node_context_ptr node;                   ///< The node's shared parts.
  std::shared_ptr<session_table> table;    ///< Where the session is found by id.
  std::shared_ptr<outbox> connection_box;  ///< Set when a connection is the session (ws, stdio).
  std::string owner;  ///< principal::owner() of who opened it; only they find it by id.
};

/// A new session's identity from an initialize request: a fresh id from `ids`, the negotiated
/// version, client info and capabilities. The caller adds the node's parts.
session_init session_init_from(const rpc::message& initialize, std::string_view version,
                               const id_issuer& ids);

struct session_state;

/// One open session. Thread-safe: every call may come from any thread.
class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(session_init init);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// A request or notification of this session (endpoint, message peer).
  void request(session_request req);
  /// A response the client sent to a request of ours.
  void answer(client_answer answer);
  /// A request to the client, for a handler of this session (its client_link).
  void ask(client_ask ask);
  /// A GET stream for the session's notifications.
  void open(open_stream req);
  /// Ends the session: DELETE (already erased from the table), or its pipe closed.
  void end();
  /// The node shuts down: what waits on the client fails, and the session takes nothing more.
  void stop();
  /// Its id (set at its start, never changed: any thread may read it).
  const std::string& id() const;
  /// The clock's sweep: ends the session if it has been idle for its idle timeout.
  void check_idle();
  /// True when nothing came for the idle timeout (a cheap test for the sweep).
  bool idle_too_long(std::chrono::steady_clock::time_point now) const;

 private:
  struct expired_ask {  // The client did not answer request `id` in time.
    std::string id;
  };
  struct ending {  // DELETE, or its pipe closed.
    std::string reason;
  };
  struct stopping {};    // The node shuts down.
  struct idle_check {};  // The clock found it idle too long.
  using work = std::variant<session_request, client_answer, client_ask, open_stream, ending,
                            stopping, expired_ask, idle_check>;
  void submit(work w);
  void handle(work& w);
  void touch();

  std::unique_ptr<session_state> st_;
  std::atomic<int64_t> last_active_ns_;
  std::mutex mutex_;
  std::vector<work> queue_;  // Handed in while another thread runs the session.
  bool running_ = false;
};

/// Opens a session, registers it in its table, and returns it.
session_ptr spawn_session(caf::actor_system& sys, session_init init);

/// A session initialize opened.
struct opened_session {
  std::string id;
  std::string version;  ///< Negotiated.
  session_ptr handle;
};

/// Opens a 2025 session for an initialize request, on any transport: checks and negotiates
/// `protocolVersion`, takes the client's info and capabilities, and spawns the session with
/// what `base` says (node, table, idle timeout, a connection's outbox). The caller answers
/// with dispatch::initialize_result(version, ...). The -32602 error when it cannot.
expected<opened_session> open_session(const rpc::message& initialize, session_init base);

}  // namespace mcprt::actors::session
