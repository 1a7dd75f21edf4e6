// The responder's once-only final answer and the envelopes of its notifications.
#include "runtime/io/responder.hpp"

#include <cmath>
#include <mutex>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/reply_channel.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/request_state.hpp"

namespace mcprt {
inline namespace io {

struct responder::state {
  reply_channel_ptr channel;
  request_info info;
  finish_hook hook;
  std::atomic<bool> done{false};
  std::atomic<int> min_log{static_cast<int>(log_level::off)};  // May change after hand-off.
  std::shared_ptr<const void> keep_alive;
  std::atomic<bool> cancelled{false};
  std::mutex link_mutex;  // The link is set by the session, read by handlers elsewhere.
  client_link_ptr link;
  task_escalation escalate;  // Set before the handler runs; read by it.
  std::mutex cancel_mutex;
  std::function<void()> cancel_hook;

  ~state();
};

// The last copy is gone and nobody answered: whoever held the request (a tool actor that
// exited, a handler that dropped it) will not answer. Say so now rather than at a deadline.
responder::state::~state() {
  if (!channel || done.load(std::memory_order_acquire)) {
    return;
  }
  auto err = make_error(rpc_code::internal_error, "The server stopped handling this request (" +
                                                      info.method +
                                                      ") before answering: its handler went away");
  if (auto* sink = channel->values()) {
    sink->error(err);
  } else {
    channel->finish(http_status_for(err.code, info.era == era::modern),
                    rpc::encode_error(info.id, err));
  }
  info.error_code = static_cast<int>(err.code);
  if (hook) {
    hook(info, outcome::error);
  }
}

namespace {

std::string result_members(std::string_view type) {
  std::string m = R"("resultType":)" + quote(type) + R"(,"_meta":{)";
  m += quote(meta_key::server_info);
  m += R"(:{"name":)" + quote(server_name) + R"(,"version":)" + quote(server_version) + "}}";
  return m;
}

// Appended to every modern result: the result type and who produced it.
const std::string& modern_result_members() {
  static const std::string members = result_members("complete");
  return members;
}

// What an answer of `e` adds to its result object: nothing before 2026-07-28.
std::string_view result_members_of(era e) {
  return e == era::modern ? std::string_view(modern_result_members()) : std::string_view();
}

}  // namespace

responder::responder(reply_channel_ptr channel, request_info info, finish_hook hook)
    : state_(std::make_shared<state>()) {
  state_->channel = std::move(channel);
  state_->info = std::move(info);
  state_->hook = std::move(hook);
  state_->min_log.store(static_cast<int>(state_->info.min_log), std::memory_order_relaxed);
}

responder::weak responder::weak_ref() const {
  weak w;
  w.state_ = state_;
  return w;
}

const request_info& responder::info() const {
  return state_->info;
}

bool responder::done() const {
  return state_->done.load(std::memory_order_acquire);
}

void responder_internals::keep_alive(const responder& r, std::shared_ptr<const void> owner) {
  r.state_->keep_alive = std::move(owner);
}

void responder_internals::set_min_log(const responder& r, log_level level) {
  r.state_->min_log.store(static_cast<int>(level), std::memory_order_relaxed);
}

void responder::progress(double progress, std::optional<double> total,
                         std::string_view message) const {
  // A progress value JSON cannot carry (infinite, NaN) says nothing: it is not sent.
  if (!state_ || done() || state_->info.progress_token.empty() || !std::isfinite(progress)) {
    return;
  }
  std::string params = R"({"progressToken":)" + state_->info.progress_token;
  params += R"(,"progress":)" + number_json(progress);
  if (total && std::isfinite(*total)) {
    params += R"(,"total":)" + number_json(*total);
  }
  if (!message.empty()) {
    params += R"(,"message":)" + quote(message);
  }
  params += '}';
  if (auto* sink = state_->channel->values()) {
    progress_values values{progress, total && std::isfinite(*total) ? total : std::nullopt,
                           message};
    sink->note("notifications/progress", params, &values);
    return;
  }
  // A reader that falls behind needs only the latest progress of a token.
  state_->channel->notify(rpc::encode_notification("notifications/progress", params),
                          note_overflow::latest("progress " + state_->info.progress_token));
}

void responder::log(log_level level, std::string_view data_json, std::string_view logger) const {
  if (!state_ || done() || level == log_level::off ||
      static_cast<int>(level) < state_->min_log.load(std::memory_order_relaxed)) {
    return;
  }
  std::string params = R"({"level":)" + quote(to_string(level));
  if (!logger.empty()) {
    params += R"(,"logger":)" + quote(logger);
  }
  params += R"(,"data":)";
  params += data_json;
  params += '}';
  if (auto* sink = state_->channel->values()) {
    sink->note("notifications/message", params, nullptr);
    return;
  }
  state_->channel->notify(rpc::encode_notification("notifications/message", params),
                          note_overflow::droppable());
}

void responder::result(const std::string& result_object, outcome how) const {
  if (!state_ || state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (auto* sink = state_->channel->values()) {
    sink->result(result_object);
  } else {
    state_->channel->finish(200, rpc::encode_result(state_->info.id, result_object,
                                                    result_members_of(state_->info.era)));
  }
  if (state_->hook) {
    state_->hook(state_->info, how);
  }
}

void responder::result(const tool_result& r) const {
  auto how = r.is_error ? outcome::tool_error : outcome::ok;
  if (!state_ || state_->channel->values() != nullptr) {
    result(r.to_json(), how);  // A value sink takes the object itself.
    return;
  }
  if (state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  auto members = result_members_of(state_->info.era);
  std::string out;
  out.reserve(34 + state_->info.id.size() + r.json_size() + members.size());
  rpc::begin_result(out, state_->info.id);
  r.append_json(out);
  rpc::end_result(out, members);
  state_->channel->finish(200, std::move(out));
  if (state_->hook) {
    state_->hook(state_->info, how);
  }
}

void responder::task_created(std::string result_object) const {
  if (!state_ || state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (state_->info.era == era::modern) {
    static const std::string members = result_members("task");
    result_object = rpc::append_members(std::move(result_object), members);
  }
  if (auto* sink = state_->channel->values()) {
    sink->result(result_object);
  } else {
    state_->channel->finish(200, rpc::encode_result(state_->info.id, result_object));
  }
  if (state_->hook) {
    state_->hook(state_->info, outcome::ok);
  }
}

void responder_internals::set_task_escalation(const responder& r, task_escalation escalate) {
  r.state_->escalate = std::move(escalate);
}

bool responder::escalate_to_task(task_round round) const {
  if (!state_ || !state_->escalate || done()) {
    return false;
  }
  state_->escalate(*this, std::move(round));
  return true;
}

void responder::input_required(std::string_view input_requests, std::string_view state) const {
  if (!state_ || state_->info.era != era::modern) {
    error(make_error(rpc_code::internal_error,
                     "input_required results exist only in protocol version 2026-07-28"));
    return;
  }
  if (state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (auto* sink = state_->channel->values()) {
    sink->input_required(input_requests, state);
    if (state_->hook) {
      state_->hook(state_->info, outcome::ok);
    }
    return;
  }
  std::string r = R"({"resultType":"input_required","inputRequests":)";
  r += input_requests;
  if (!state.empty()) {
    r += R"(,"requestState":)" + quote(request_state::seal(state, state_->info.caller.owner()));
  }
  r += R"(,"_meta":{)" + quote(meta_key::server_info) + R"(:{"name":)" + quote(server_name) +
       R"(,"version":)" + quote(server_version) + "}}}";
  state_->channel->finish(200, rpc::encode_result(state_->info.id, r));
  if (state_->hook) {
    state_->hook(state_->info, outcome::ok);
  }
}

void responder::error(const rpc_error& err, outcome how) const {
  if (!state_ || state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (auto* sink = state_->channel->values()) {
    sink->error(err);
  } else {
    auto status = http_status_for(err.code, state_->info.era == era::modern);
    state_->channel->finish(status, rpc::encode_error(state_->info.id, err));
  }
  state_->info.error_code =
      static_cast<int>(err.code);  // Only the one answer writes it (done is set).
  if (state_->hook) {
    state_->hook(state_->info, how);
  }
}

void responder_internals::name_target(const responder& r, std::string name) {
  if (r.state_) {
    r.state_->info.target = std::move(name);
  }
}

}  // namespace io
}  // namespace mcprt

namespace mcprt {
inline namespace io {

void responder::cancel() const {
  if (!state_ || state_->done.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  state_->cancelled.store(true, std::memory_order_release);
  state_->channel->cancel();
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> g(state_->cancel_mutex);
    hook.swap(state_->cancel_hook);
  }
  if (hook) {
    hook();
  }
  if (state_->hook) {
    state_->hook(state_->info, outcome::cancelled);
  }
}

void responder::on_cancel(std::function<void()> hook) const {
  if (!state_) {
    return;
  }
  {
    std::lock_guard<std::mutex> g(state_->cancel_mutex);
    if (!cancelled()) {
      state_->cancel_hook = std::move(hook);
      return;
    }
  }
  hook();
}

bool responder::cancelled() const {
  return state_ && state_->cancelled.load(std::memory_order_acquire);
}

}  // namespace io
}  // namespace mcprt

namespace mcprt {
inline namespace io {

void responder_internals::set_client_link(const responder& r, client_link_ptr link) {
  std::lock_guard<std::mutex> guard(r.state_->link_mutex);
  r.state_->link = std::move(link);
}

void responder::ask_client(std::string method, std::string params_json,
                           client_reply_fn on_reply) const {
  client_link_ptr link;
  if (state_) {
    std::lock_guard<std::mutex> guard(state_->link_mutex);
    link = state_->link;
  }
  if (!link) {
    on_reply(client_reply{
        {},
        make_error(
            rpc_code::method_not_found,
            "Cannot send " + method + " to the client: the request has no session to carry it")});
    return;
  }
  link->ask(*this, std::move(method), std::move(params_json), std::move(on_reply));
}

void responder_internals::make_resumable(const responder& r, std::shared_ptr<event_log> log,
                                         std::shared_ptr<outbox> fallback,
                                         std::chrono::milliseconds retry) {
  if (r.state_) {
    r.state_->channel->make_resumable(std::move(log), std::move(fallback), retry);
  }
}

void responder::close_stream() const {
  if (state_ && !done()) {
    state_->channel->close_stream();
  }
}

bool responder_internals::send_related(const responder& r, std::string frame) {
  if (!r.state_ || r.done()) {
    return false;
  }
  r.state_->channel->notify(std::move(frame), note_overflow::keep());
  return true;
}

}  // namespace io
}  // namespace mcprt
