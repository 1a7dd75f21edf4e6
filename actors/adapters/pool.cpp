// The pool's state lives under one mutex; worker reader threads, the timer actor and callers
// take it briefly. Anything that answers a request, writes to a worker or touches the catalog
// is collected while locked and run after unlocking.
#include "actors/adapters/pool.hpp"

#include <algorithm>
#include <caf/send.hpp>

#include "actors/adapters/placement.hpp"
#include "actors/adapters/pool_metrics.hpp"
#include "actors/adapters/worker_protocol.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::adapters {

namespace {

using clock = std::chrono::steady_clock;
using after_list = std::vector<std::function<void()>>;

constexpr std::chrono::milliseconds first_backoff{200};
constexpr std::chrono::milliseconds max_backoff{10000};
constexpr std::chrono::milliseconds write_wait{1000};
// How long a worker whose stdin is closed has to exit by itself before it is killed.
constexpr std::chrono::milliseconds gone_grace{1000};

double seconds_since(clock::time_point t) {
  return std::chrono::duration<double>(clock::now() - t).count();
}

}  // namespace

struct adapter_pool::pending_call {
  uint64_t uid = 0;
  std::string tool;
  json_ref arguments;
  responder out;
  std::string session;
  clock::time_point queued = clock::now();
  clock::time_point deadline = clock::time_point::max();
};

struct adapter_pool::in_flight {
  uint64_t uid = 0;
  std::string tool;  // Empty for a health-check ping.
  responder out;
  clock::time_point started = clock::now();
  clock::time_point deadline = clock::time_point::max();  // Pings: never (they have their own).
  bool undelivered = false;  // The worker's stdin was closed before the call reached it.
};

struct adapter_pool::slot {
  enum class phase { dead, starting, ready };
  size_t index = 0;
  uint64_t generation = 0;
  std::unique_ptr<adapter_worker> proc;
  phase state = phase::dead;
  int64_t next_id = 1;
  int64_t init_id = -1, list_id = -1;
  rapidjson::Document listed{rapidjson::kArrayType};  // tools/list pages so far.
  std::map<int64_t, in_flight> calls;
  std::chrono::milliseconds backoff = first_backoff;
  clock::time_point ready_at;
  bool restart_pending = false;
  std::string kill_reason;  // Why mcprt killed it, for the exit's message.

  int busy() const {
    int n = 0;
    for (const auto& [_, c] : calls) {
      n += c.tool.empty() ? 0 : 1;
    }
    return n;
  }
};

adapter_pool::adapter_pool(adapter_options options, caf::actor_system& sys,
                           std::shared_ptr<live_catalog> live, prometheus::Registry& registry)
    : options_(std::move(options)),
      live_(std::move(live)),
      timer_(spawn_function_tools(sys, {})),
      metrics_(std::make_unique<pool_metrics>(registry, options_.name)) {}

adapter_pool::~adapter_pool() {
  stop();
}

void adapter_pool::log_line(std::string_view what) const {
  log::info("adapter=" + options_.name + " " + std::string(what));
}

void adapter_pool::later(std::chrono::milliseconds delay, std::function<void()> step) {
  caf::delayed_anon_send(timer_, delay, tool_step{std::move(step)});
}

void adapter_pool::start() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    for (int i = 0; i < options_.min_workers; ++i) {
      slots_.push_back(std::make_unique<slot>());
      slots_.back()->index = slots_.size() - 1;
      spawn_slot(slots_.size() - 1);
    }
  }
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  later(options_.health_interval, [weak] {
    if (auto self = weak.lock()) {
      self->health_tick();
    }
  });
  deadline_tick();  // Takes the lock itself.
}

// Every tick (a twentieth of callTimeoutMs, 10..250 ms): calls past their deadline, queued or
// running, are expired. A call's timeout is thus late by at most one tick.
void adapter_pool::deadline_tick() {
  after_list after;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    auto now = clock::now();
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->deadline > now) {
        ++it;
        continue;
      }
      drop_locked(nullptr, 0, in_flight{it->uid, it->tool, it->out, it->queued, it->deadline}, true,
                  after);
      it = queue_.erase(it);
    }
    for (auto& s : slots_) {
      for (auto it = s->calls.begin(); it != s->calls.end();) {
        if (it->second.tool.empty() || it->second.deadline > now) {
          ++it;
          continue;
        }
        drop_locked(s.get(), it->first, it->second, true, after);
        it = s->calls.erase(it);
      }
    }
    dispatch_locked(after);
    update_gauges_locked();
  }
  for (auto& f : after) {
    f();
  }
  auto tick = std::clamp(options_.call_timeout / 20, std::chrono::milliseconds(10),
                         std::chrono::milliseconds(250));
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  later(tick, [weak] {
    if (auto self = weak.lock()) {
      self->deadline_tick();
    }
  });
}

void adapter_pool::stop() {
  std::vector<std::unique_ptr<adapter_worker>> procs;
  std::vector<responder> orphans;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    for (auto& s : slots_) {
      for (auto& [_, c] : s->calls) {
        orphans.push_back(c.out);
      }
      s->calls.clear();
      s->generation++;  // Late lines and exits of these workers are ignored.
      if (s->proc) {
        procs.push_back(std::move(s->proc));
      }
    }
    for (auto& p : queue_) {
      orphans.push_back(p.out);
    }
    queue_.clear();
  }
  for (auto& o : orphans) {
    o.error(make_error(rpc_code::internal_error, "The server is stopping"));
  }
  procs.clear();  // Kills and reaps them.
  caf::anon_send_exit(timer_, caf::exit_reason::user_shutdown);
}

// Called with the lock held: respawns the slot after its backoff, which then doubles.
void adapter_pool::restart_later_locked(slot& s) {
  s.restart_pending = true;
  auto delay = s.backoff;
  s.backoff = std::min(s.backoff * 2, max_backoff);
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  later(delay, [weak, index = s.index] {
    if (auto self = weak.lock()) {
      std::unique_ptr<adapter_worker> old;  // Destroyed after the unlock: it joins threads.
      std::lock_guard<std::mutex> g(self->mutex_);
      if (!self->stopped_) {
        old = std::move(self->slots_[index]->proc);
        self->spawn_slot(index);
      }
    }
  });
}

// Called with the lock held.
void adapter_pool::spawn_slot(size_t index) {
  auto& s = *slots_[index];
  auto generation = ++s.generation;
  s.restart_pending = false;
  s.kill_reason.clear();
  s.calls.clear();
  s.listed.SetArray();
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  worker_events events;
  events.on_stdout = [weak, index, generation](const std::string& line) {
    if (auto self = weak.lock()) {
      self->on_line(index, generation, line);
    }
  };
  auto who = "worker=" + std::to_string(index);
  events.on_stderr = [weak, who](const std::string& line) {
    if (auto self = weak.lock()) {
      self->log_line(who + ": " + line);
    }
  };
  events.on_exit = [weak, index, generation](const std::string& how) {
    if (auto self = weak.lock()) {
      self->on_exit(index, generation, how);
    }
  };
  auto spawned = adapter_worker::spawn(options_.command, std::move(events));
  if (auto* why = std::get_if<std::string>(&spawned)) {
    last_error_ = *why;
    log::error("adapter=" + options_.name + " " + who + ": " + *why);
    s.state = slot::phase::dead;
    // A missing binary stays missing: retry slowly, and fail queued calls meanwhile.
    restart_later_locked(s);
    return;
  }
  auto previous = std::move(s.proc);  // Already exited; its threads have ended or are ending.
  s.proc = std::move(std::get<std::unique_ptr<adapter_worker>>(spawned));
  s.state = slot::phase::starting;
  s.init_id = s.next_id++;
  auto init =
      request_frame(s.init_id, "initialize",
                    R"({"protocolVersion":)" + quote(worker_protocol_version) +
                        R"(,"capabilities":{},"clientInfo":{"name":"mcprt-adapter","version":)" +
                        quote(server_version) + "}}");
  if (s.proc->send(init, write_wait) != adapter_worker::send_result::sent) {
    s.proc->kill();
  }
  update_gauges_locked();
  later(options_.start_timeout, [weak, index, generation] {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    std::lock_guard<std::mutex> g(self->mutex_);
    auto& s = *self->slots_[index];
    if (s.generation == generation && s.state == slot::phase::starting && s.proc) {
      s.kill_reason = "it did not answer initialize and tools/list within " +
                      std::to_string(self->options_.start_timeout.count()) + " ms";
      log::error("adapter=" + self->options_.name + " worker=" + std::to_string(index) + ": " +
                 s.kill_reason + "; killing it");
      s.proc->kill();
    }
  });
  if (previous) {
    // Destroying joins its threads; they only wait for this lock when the worker still
    // wrote, which it cannot after exiting.
    previous.reset();
  }
}

void adapter_pool::on_line(size_t index, uint64_t generation, const std::string& line) {
  auto read = read_worker_line(line);
  after_list after;
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto& s = *slots_[index];
    if (s.generation != generation || stopped_) {
      return;
    }
    switch (read.what) {
      case worker_line::kind::malformed:
        log::warn("adapter=" + options_.name + " worker=" + std::to_string(index) +
                  " wrote a line that is not JSON-RPC to stdout (ignored): " + line.substr(0, 200));
        return;
      case worker_line::kind::request:
        // The worker asks its client something: mcprt answers ping and declines the rest.
        s.proc->send(answer_worker_request(read.request_id_json, read.method), write_wait);
        break;
      case worker_line::kind::answer:
        on_answer(s, read.id, read.message, after);
        break;
      case worker_line::kind::progress:
        on_progress(s, read, after);
        break;
      case worker_line::kind::log:
        on_log(s, read, after);
        break;
      case worker_line::kind::notification:
        break;
    }
    dispatch_locked(after);
    update_gauges_locked();
  }
  for (auto& f : after) {
    f();
  }
}

void adapter_pool::on_answer(slot& s, int64_t id, const rapidjson::Value& msg, after_list& after) {
  auto* result = find_member(msg, "result");
  auto* error = find_member(msg, "error");
  if (id == s.init_id) {
    if (result == nullptr || !result->IsObject()) {
      last_error_ = "initialize failed: " + (error != nullptr ? to_json(*error) : "no result");
      log::error("adapter=" + options_.name + ": " + last_error_);
      s.proc->kill();
      return;
    }
    if (auto* info = find_member(*result, "serverInfo"); info != nullptr && info->IsObject()) {
      version_ = std::string(string_member(*info, "name").value_or("?")) + " " +
                 std::string(string_member(*info, "version").value_or("?"));
    }
    s.proc->send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", write_wait);
    s.list_id = s.next_id++;
    s.proc->send(request_frame(s.list_id, "tools/list", "{}"), write_wait);
    return;
  }
  if (id == s.list_id) {
    auto* tools = result != nullptr ? find_member(*result, "tools") : nullptr;
    if (tools != nullptr && tools->IsArray()) {
      for (const auto& t : tools->GetArray()) {
        s.listed.PushBack(rapidjson::Value(t, s.listed.GetAllocator()), s.listed.GetAllocator());
      }
    }
    auto cursor = result != nullptr ? string_member(*result, "nextCursor") : std::nullopt;
    if (cursor && !cursor->empty()) {
      s.list_id = s.next_id++;
      s.proc->send(request_frame(s.list_id, "tools/list", R"({"cursor":)" + quote(*cursor) + "}"),
                   write_wait);
      return;
    }
    s.state = slot::phase::ready;
    s.ready_at = clock::now();
    ever_ready_ = true;
    log_line("worker=" + std::to_string(s.index) + " ready pid=" + std::to_string(s.proc->pid()) +
             " tools=" + std::to_string(s.listed.Size()));
    if (!tools_registered_) {
      tools_registered_ = true;
      auto listed = std::make_shared<rapidjson::Document>();
      listed->CopyFrom(s.listed, listed->GetAllocator());
      std::weak_ptr<adapter_pool> weak = weak_from_this();
      after.push_back([weak, listed] {
        if (auto self = weak.lock()) {
          self->register_tools(*listed);
        }
      });
    }
    return;
  }
  auto it = s.calls.find(id);
  if (it == s.calls.end()) {
    return;  // Timed out or cancelled already.
  }
  auto call = std::move(it->second);
  s.calls.erase(it);
  if (call.tool.empty()) {
    return;  // A health-check pong.
  }
  metrics_->answered_after(seconds_since(call.started));
  if (error != nullptr && error->IsObject()) {
    metrics_->count("error");
    rpc_error err;
    auto* code = find_member(*error, "code");
    err.code = code != nullptr && code->IsInt() ? static_cast<rpc_code>(code->GetInt())
                                                : rpc_code::internal_error;
    err.message = std::string(string_member(*error, "message").value_or("worker error"));
    if (auto* data = find_member(*error, "data")) {
      err.data_json = to_json(*data);
    }
    after.push_back([out = call.out, err] { out.error(err); });
    return;
  }
  if (result == nullptr || !result->IsObject()) {
    metrics_->count("error");
    after.push_back([out = call.out, name = options_.name] {
      out.error(make_error(rpc_code::internal_error,
                           "Internal error: adapter '" + name + "' answered without a result"));
    });
    return;
  }
  // The worker's own envelope members would clash with the ones mcprt adds.
  std::string text;
  if (result->HasMember("_meta") || result->HasMember("resultType")) {
    rapidjson::Document copy;
    copy.CopyFrom(*result, copy.GetAllocator());
    copy.RemoveMember("_meta");
    copy.RemoveMember("resultType");
    text = to_json(copy);
  } else {
    text = to_json(*result);
  }
  auto* is_error = find_member(*result, "isError");
  bool tool_error = is_error != nullptr && is_error->IsBool() && is_error->GetBool();
  metrics_->count(tool_error ? "tool_error" : "ok");
  after.push_back([out = call.out, text = std::move(text), tool_error] {
    out.result(text, tool_error ? outcome::tool_error : outcome::ok);
  });
}

void adapter_pool::on_progress(slot& s, const worker_line& note, after_list& after) {
  auto it = s.calls.find(note.id);
  if (it == s.calls.end()) {
    return;
  }
  after.push_back([out = it->second.out, p = note.progress, t = note.total, m = note.text] {
    out.progress(p, t, m);
  });
}

void adapter_pool::on_log(slot& s, const worker_line& note, after_list& after) {
  // Logs carry no request id: they go to the call when it is the worker's only one.
  if (s.busy() == 1) {
    auto only = std::find_if(s.calls.begin(), s.calls.end(),
                             [](const auto& c) { return !c.second.tool.empty(); });
    auto logger = note.logger.empty() ? options_.name : note.logger;
    after.push_back([out = only->second.out, level = note.level, data = note.text, logger] {
      out.log(level, data, logger);
    });
  } else {
    log_line("worker=" + std::to_string(s.index) + " log " + std::string(to_string(note.level)) +
             ": " + note.text);
  }
}

void adapter_pool::on_exit(size_t index, uint64_t generation, const std::string& how) {
  after_list after;
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto& s = *slots_[index];
    if (s.generation != generation || stopped_) {
      return;
    }
    auto pid = s.proc ? s.proc->pid() : 0;
    bool was_ready = s.state == slot::phase::ready;
    log::warn("adapter=" + options_.name + " worker=" + std::to_string(index) +
              " pid=" + std::to_string(pid) + " exited (" + how + ")");
    last_error_ = "worker exited (" + how + ")" + (was_ready ? "" : " before it was ready") +
                  (s.kill_reason.empty() ? "" : ": killed because " + s.kill_reason);
    for (auto& [_, c] : s.calls) {
      if (c.tool.empty()) {
        continue;
      }
      metrics_->count("crashed");
      auto when = c.undelivered ? "before it received '" + c.tool + "'; the call did not run"
                                : "while running '" + c.tool + "'; the call did not complete";
      after.push_back([out = c.out, name = options_.name, how, when] {
        out.error(make_error(
            rpc_code::internal_error,
            "Internal error: adapter '" + name + "' worker exited (" + how + ") " + when));
      });
    }
    s.calls.clear();
    s.state = slot::phase::dead;
    for (auto it = pinned_.begin(); it != pinned_.end();) {
      it = it->second == index ? pinned_.erase(it) : std::next(it);
    }
    ++restarts_;
    metrics_->restarted();
    // A worker that ran a while earns a quick restart; one that keeps dying backs off.
    if (was_ready && clock::now() - s.ready_at > std::chrono::seconds(10)) {
      s.backoff = first_backoff;
    }
    if (static_cast<int>(index) < options_.min_workers || !queue_.empty()) {
      restart_later_locked(s);
    }
    update_gauges_locked();
  }
  for (auto& f : after) {
    f();
  }
}

void adapter_pool::register_tools(const rapidjson::Value& tools) {
  std::vector<tool_spec> specs;
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  for (const auto& t : tools.GetArray()) {
    auto name = t.IsObject() ? string_member(t, "name") : std::nullopt;
    if (!name) {
      continue;
    }
    tool_spec spec;
    spec.definition.name = options_.tool_prefix + std::string(*name);
    spec.definition.title = std::string(string_member(t, "title").value_or(""));
    spec.definition.description = std::string(string_member(t, "description").value_or(""));
    if (auto* in = find_member(t, "inputSchema"); in != nullptr && in->IsObject()) {
      spec.definition.input_schema = to_json(*in);
    }
    if (auto* out = find_member(t, "outputSchema"); out != nullptr && out->IsObject()) {
      spec.definition.output_schema = to_json(*out);
    }
    if (auto* a = find_member(t, "annotations"); a != nullptr && a->IsObject()) {
      spec.definition.annotations = to_json(*a);
    }
    // The worker's own execution.taskSupport wins over the adapter's default.
    spec.definition.task_support = options_.tasks;
    auto* execution = find_member(t, "execution");
    auto support = execution != nullptr ? string_member(*execution, "taskSupport") : std::nullopt;
    if (support) {
      spec.definition.task_support = *support == "required"   ? task_support::required
                                     : *support == "optional" ? task_support::optional
                                                              : task_support::forbidden;
    }
    spec.inline_safe = true;  // call() never blocks for long and is thread-safe.
    spec.handler = [weak, worker_name = std::string(*name)](tool_invocation& inv) {
      if (auto self = weak.lock()) {
        self->call(worker_name, inv.arguments(), inv.out());
      } else {
        inv.out().error(make_error(rpc_code::internal_error, "The adapter is stopping"));
      }
    };
    specs.push_back(std::move(spec));
  }
  std::vector<std::string> names;
  names.reserve(specs.size());
  for (const auto& spec : specs) {
    names.push_back(spec.definition.name);
  }
  auto all = specs;
  if (!live_->add_tools(std::move(all))) {  // One catalog change for the whole list.
    log_line("registered " + std::to_string(names.size()) + " tools");
    std::lock_guard<std::mutex> g(mutex_);
    tool_names_ = std::move(names);
    return;
  }
  names.clear();
  for (auto& spec : specs) {  // Something was refused: add them one by one, skipping it.
    auto name = spec.definition.name;
    std::vector<tool_spec> one;
    one.push_back(std::move(spec));
    if (auto err = live_->add_tools(std::move(one))) {
      log::error("adapter=" + options_.name + " cannot register tool '" + name +
                 "': " + caf::to_string(err));
    } else {
      names.push_back(name);
    }
  }
  log_line("registered " + std::to_string(names.size()) + " tools");
  std::lock_guard<std::mutex> g(mutex_);
  tool_names_ = std::move(names);
}

void adapter_pool::call(const std::string& tool, const json_ref& arguments, const responder& out) {
  after_list after;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      after.push_back(
          [out] { out.error(make_error(rpc_code::internal_error, "The adapter is stopping")); });
    } else {
      static std::atomic<uint64_t> uids{0};
      pending_call p;
      p.uid = ++uids;
      p.tool = tool;
      p.arguments = arguments;
      p.out = out;
      p.session = options_.session_affinity ? out.info().session_id : std::string();
      // No timer per call: deadline_tick() finds the late ones (a timer each would wake the
      // clock thread on every call).
      p.deadline = p.queued + options_.call_timeout;
      queue_.push_back(std::move(p));
      dispatch_locked(after);
      update_gauges_locked();
    }
  }
  for (auto& f : after) {
    f();
  }
}

void adapter_pool::dispatch_locked(after_list& after) {
  while (!queue_.empty() && place_locked(queue_.front(), after)) {
    queue_.pop_front();
  }
  // Nothing can start and nothing is on its way: say why instead of letting calls wait.
  bool any_alive = false;
  for (const auto& s : slots_) {
    any_alive = any_alive || s->state != slot::phase::dead;
  }
  if (!any_alive && !ever_ready_ && !last_error_.empty()) {
    for (auto& p : queue_) {
      metrics_->count("error");
      after.push_back([out = p.out, name = options_.name, why = last_error_] {
        out.error(make_error(rpc_code::internal_error,
                             "Internal error: adapter '" + name + "' is unavailable: " + why));
      });
    }
    queue_.clear();
  }
}

bool adapter_pool::place_locked(pending_call& call, after_list& after) {
  if (call.out.cancelled()) {
    return true;  // Cancelled while it queued: drop it unsent.
  }
  std::vector<slot_view> views;
  views.reserve(slots_.size());
  for (const auto& s : slots_) {
    auto state = s->state == slot::phase::ready      ? slot_view::phase::ready
                 : s->state == slot::phase::starting ? slot_view::phase::starting
                                                     : slot_view::phase::dead;
    views.push_back({state, s->busy(), s->restart_pending});
  }
  std::optional<size_t> pinned;
  if (auto pin = call.session.empty() ? pinned_.end() : pinned_.find(call.session);
      pin != pinned_.end()) {
    pinned = pin->second;
  }
  auto where = place(views, pinned, options_.max_inflight_per_worker, options_.max_workers);
  switch (where.what) {
    case placement::action::run_on:
      break;
    case placement::action::wait:
      return false;
    case placement::action::wait_and_start:
      spawn_slot(where.slot);
      return false;
    case placement::action::wait_and_add:
      slots_.push_back(std::make_unique<slot>());
      slots_.back()->index = slots_.size() - 1;
      spawn_slot(slots_.size() - 1);
      return false;
  }
  slot* chosen = slots_[where.slot].get();
  metrics_->queued_for(seconds_since(call.queued));
  if (!call.session.empty()) {
    pinned_[call.session] = chosen->index;
  }
  auto id = chosen->next_id++;
  in_flight f;
  f.uid = call.uid;
  f.tool = call.tool;
  f.out = call.out;
  f.deadline = call.deadline;
  chosen->calls.emplace(id, f);
  auto frame = call_frame(id, call.tool, call.arguments.get());
  // Written here, under the lock, so the answer cannot overtake the bookkeeping.
  switch (chosen->proc->send(frame, write_wait)) {
    case adapter_worker::send_result::sent:
      break;
    case adapter_worker::send_result::gone: {
      // Its stdin is closed: it exited (or is exiting) and on_exit has not run yet. The call
      // stays on the slot, so that on_exit fails it with the exit status; a worker that only
      // closed its stdin is killed after a grace period (it can never get a call again).
      chosen->calls[id].undelivered = true;
      std::weak_ptr<adapter_pool> weak = weak_from_this();
      later(gone_grace, [weak, index = chosen->index, generation = chosen->generation] {
        auto self = weak.lock();
        if (!self) {
          return;
        }
        std::lock_guard<std::mutex> g(self->mutex_);
        auto& s = *self->slots_[index];
        if (s.generation == generation && s.proc && s.state != slot::phase::dead) {
          s.kill_reason = "it closed its standard input";
          s.proc->kill();
        }
      });
      return true;
    }
    case adapter_worker::send_result::stalled:
      chosen->calls.erase(id);
      chosen->kill_reason = "it stopped reading its standard input";
      chosen->proc->kill();  // on_exit restarts it.
      after.push_back([out = call.out, name = options_.name, tool = call.tool] {
        out.error(make_error(rpc_code::internal_error,
                             "Internal error: adapter '" + name + "' worker did not read '" + tool +
                                 "' within " + std::to_string(write_wait.count()) +
                                 " ms and was restarted; the call did not run"));
      });
      return true;
  }
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  auto index = chosen->index;
  auto generation = chosen->generation;
  after.push_back([weak, out = call.out, index, generation, id] {
    out.on_cancel([weak, index, generation, id] {
      if (auto self = weak.lock()) {
        self->cancel_call(index, generation, id);
      }
    });
  });
  return true;
}

// The client cancelled a call a worker is running: forget it and tell the worker.
void adapter_pool::cancel_call(size_t index, uint64_t generation, int64_t id) {
  after_list after;
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto& s = *slots_[index];
    auto it = s.calls.find(id);
    if (stopped_ || s.generation != generation || it == s.calls.end()) {
      return;  // Answered, timed out, or its worker is gone.
    }
    drop_locked(&s, id, it->second, false, after);
    s.calls.erase(it);
    dispatch_locked(after);
    update_gauges_locked();
  }
  for (auto& f : after) {
    f();
  }
}

// A call that ends without its worker's answer: counted, the worker (if it has the call) told
// to stop, and the caller answered on a timeout (a cancelled request wants no answer).
void adapter_pool::drop_locked(slot* owner, int64_t id, const in_flight& call, bool timed_out,
                               after_list& after) {
  metrics_->count(timed_out ? "timeout" : "cancelled");
  if (owner != nullptr && owner->proc) {
    owner->proc->send(rpc::encode_notification(
                          "notifications/cancelled",
                          R"({"requestId":)" + std::to_string(id) + R"(,"reason":)" +
                              quote(timed_out ? "timed out" : "cancelled by the client") + "}"),
                      write_wait);
  }
  if (timed_out) {
    after.push_back([out = call.out, name = options_.name, tool = call.tool,
                     ms = options_.call_timeout.count()] {
      out.error(make_error(rpc_code::request_timeout,
                           "Request timed out: adapter '" + name + "' did not finish '" + tool +
                               "' within callTimeoutMs (" + std::to_string(ms) + " ms)"),
                outcome::timeout);
    });
  }
}

void adapter_pool::health_tick() {
  std::weak_ptr<adapter_pool> weak = weak_from_this();
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    for (auto& s : slots_) {
      if (s->state != slot::phase::ready || !s->calls.empty()) {
        continue;  // A busy worker answers calls: that is health enough.
      }
      auto id = s->next_id++;
      in_flight ping;
      ping.uid = 0;
      s->calls.emplace(id, ping);
      s->proc->send(request_frame(id, "ping", "{}"), write_wait);
      auto index = s->index;
      auto generation = s->generation;
      later(options_.start_timeout, [weak, index, generation, id] {
        auto self = weak.lock();
        if (!self) {
          return;
        }
        std::lock_guard<std::mutex> g(self->mutex_);
        auto& s = *self->slots_[index];
        if (s.generation == generation && s.calls.count(id) != 0 && s.proc) {
          s.kill_reason = "it did not answer ping";
          log::error("adapter=" + self->options_.name + " worker=" + std::to_string(index) +
                     " did not answer ping; killing it");
          s.proc->kill();
        }
      });
    }
  }
  later(options_.health_interval, [weak] {
    if (auto self = weak.lock()) {
      self->health_tick();
    }
  });
}

void adapter_pool::update_gauges_locked() {
  int busy = 0, idle = 0, starting = 0;
  for (const auto& s : slots_) {
    if (s->state == slot::phase::starting) {
      ++starting;
    } else if (s->state == slot::phase::ready) {
      ++(s->busy() > 0 ? busy : idle);
    }
  }
  metrics_->workers(busy, idle, starting);
}

std::string adapter_pool::health_json() const {
  std::lock_guard<std::mutex> g(mutex_);
  int ready = 0, busy = 0, starting = 0;
  for (const auto& s : slots_) {
    ready += s->state == slot::phase::ready ? 1 : 0;
    busy += s->state == slot::phase::ready && s->busy() > 0 ? 1 : 0;
    starting += s->state == slot::phase::starting ? 1 : 0;
  }
  std::string out = R"({"name":)" + quote(options_.name);
  out += R"(,"available":)" + std::string(ready > 0 ? "true" : "false");
  out += R"(,"version":)" + (version_.empty() ? std::string("null") : quote(version_));
  out += R"(,"workers":{"ready":)" + std::to_string(ready) + R"(,"busy":)" + std::to_string(busy) +
         R"(,"starting":)" + std::to_string(starting) + R"(,"min":)" +
         std::to_string(options_.min_workers) + R"(,"max":)" +
         std::to_string(options_.max_workers) + R"(,"maxInflightPerWorker":)" +
         std::to_string(options_.max_inflight_per_worker) + "}";
  out += R"(,"processes":[)";
  bool first = true;
  for (const auto& s : slots_) {
    if (s->state == slot::phase::dead || !s->proc) {
      continue;
    }
    out += std::string(first ? "" : ",") + R"({"pid":)" + std::to_string(s->proc->pid()) +
           R"(,"state":)" + quote(s->state == slot::phase::starting ? "starting" : "ready") +
           R"(,"inflight":)" + std::to_string(s->busy()) + "}";
    first = false;
  }
  out += "]";
  out += R"(,"restarts":)" + std::to_string(restarts_);
  out += R"(,"queued":)" + std::to_string(queue_.size());
  out += R"(,"tools":)" + std::to_string(tool_names_.size());
  out += R"(,"callTimeoutMs":)" + std::to_string(options_.call_timeout.count());
  out += R"(,"affinity":)" + quote(options_.session_affinity ? "session" : "none");
  if (!last_error_.empty()) {
    out += R"(,"lastError":)" + quote(last_error_);
  }
  return out + "}";
}

}  // namespace mcprt::actors::adapters
