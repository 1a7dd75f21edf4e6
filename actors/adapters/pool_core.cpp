// One pool's events, each under its gate's lock, on the thread where it happened. Anything
// that answers a request is collected while the bookkeeping changes and run after it (and
// after the lock), so an answer never overtakes the state that explains it.
#include "actors/adapters/pool_core.hpp"

#include <algorithm>
#include <caf/send.hpp>

#include "actors/adapters/placement.hpp"
#include "actors/adapters/pool_gate.hpp"
#include "actors/adapters/pool_metrics.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::adapters {

namespace {

constexpr std::chrono::milliseconds first_backoff{200};
constexpr std::chrono::milliseconds max_backoff{10000};
// How long a worker may leave its input unread (its pipe full) before it is killed.
constexpr std::chrono::milliseconds write_wait{1000};
// How long a worker whose stdin is closed has to exit by itself before it is killed.
constexpr std::chrono::milliseconds gone_grace_period{1000};

// The lists a worker's catalog is read from, in the order they are read at its start.
struct list_kind {
  std::string_view method, member, changed;
};
constexpr std::array<list_kind, 4> lists = {{
    {"tools/list", "tools", "notifications/tools/list_changed"},
    {"resources/list", "resources", "notifications/resources/list_changed"},
    {"resources/templates/list", "resourceTemplates", "notifications/resources/list_changed"},
    {"prompts/list", "prompts", "notifications/prompts/list_changed"},
}};
constexpr size_t tools_list = 0, resources_list = 1, templates_list = 2, prompts_list = 3;

}  // namespace

struct pool_core::pending_call {
  uint64_t uid = 0;
  std::string method;  // tools/call, prompts/get, resources/read.
  std::string tool;    // The worker's name for the tool or prompt, or the URI.
  json_ref arguments;
  responder out;
  std::string session;
  clock::time_point queued;
  clock::time_point deadline = clock::time_point::max();
};

struct pool_core::in_flight {
  uint64_t uid = 0;
  std::string method;
  std::string tool;  // Empty for a health-check ping.
  responder out;
  clock::time_point started;
  clock::time_point deadline = clock::time_point::max();  // Pings: never (they have their own).
  bool undelivered = false;  // The worker's stdin was closed before the call reached it.
};

struct pool_core::slot {
  enum class phase { dead, starting, ready };
  size_t index = 0;
  uint64_t generation = 0;
  std::unique_ptr<adapter_worker> proc;
  phase state = phase::dead;
  int64_t next_id = 1;
  int64_t init_id = -1, list_id = -1;
  // The lists still to read (indices into `lists`; the first is being read), all the lists this
  // reading covers (at start, or again after a ready worker's list_changed), what each held.
  std::vector<size_t> to_list;
  std::vector<size_t> listing;
  std::array<rapidjson::Document, 4> listed;
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

pool_core::pool_core(adapter_options options, pool_actor self, std::weak_ptr<pool_gate> gate,
                     std::shared_ptr<live_catalog> live, std::shared_ptr<pool_shared> shared,
                     pool_call_fn call, std::function<clock::time_point()> now)
    : options_(std::move(options)),
      self_(std::move(self)),
      gate_(std::move(gate)),
      live_(std::move(live)),
      shared_(std::move(shared)),
      call_(std::move(call)),
      now_(std::move(now)) {}

pool_core::~pool_core() {
  bool stopping = false;
  {
    std::lock_guard<std::mutex> g(shared_->m);
    stopping = shared_->stopping;
  }
  auto why = stopping ? std::string("The server is stopping")
                      : "Internal error: adapter '" + options_.name +
                            "' pool stopped before answering; it is starting again";
  for (auto& s : slots_) {
    for (auto& [_, c] : s->calls) {
      if (!c.tool.empty()) {
        c.out.error(make_error(rpc_code::internal_error, why));
      }
    }
    s->generation++;  // Late lines and exits of these workers are ignored.
  }
  for (auto& p : queue_) {
    p.out.error(make_error(rpc_code::internal_error, why));
  }
  slots_.clear();  // Kills and reaps the workers.
  publish();
}

void pool_core::log_line(std::string_view what) const {
  log::info("adapter=" + options_.name + " " + std::string(what));
}

double pool_core::seconds_since(clock::time_point t) const {
  return std::chrono::duration<double>(now_() - t).count();
}

void pool_core::later(std::chrono::milliseconds delay, pool_tick tick) {
  caf::delayed_anon_send(self_, delay, tick);
}

void pool_core::start() {
  for (int i = 0; i < options_.min_workers; ++i) {
    slots_.push_back(std::make_unique<slot>());
    slots_.back()->index = slots_.size() - 1;
    spawn_slot(slots_.size() - 1);
  }
  later(options_.health_interval, {pool_timer::health});
  after_list none;  // Nothing is queued yet.
  deadline_tick(none);
  publish();
}

void pool_core::on_tick(const pool_tick& tick, after_list& after) {
  switch (tick.what) {
    case pool_timer::health:
      health_tick();
      break;
    case pool_timer::deadline:
      deadline_tick(after);
      break;
    case pool_timer::stalled:
      on_stalled(tick.slot, tick.generation, static_cast<size_t>(tick.id));
      break;
    case pool_timer::restart_slot:
      spawn_slot(tick.slot);
      break;
    case pool_timer::start_timeout:
      start_timeout(tick.slot, tick.generation);
      break;
    case pool_timer::ping_timeout:
      ping_timeout(tick.slot, tick.generation, tick.id);
      break;
    case pool_timer::gone_grace:
      gone_grace(tick.slot, tick.generation);
      break;
  }
  publish();
}

// Every tick (a twentieth of callTimeoutMs, 10..250 ms): calls past their deadline, queued or
// running, are expired. A call's timeout is thus late by at most one tick.
void pool_core::deadline_tick(after_list& after) {
  auto now = now_();
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->deadline > now) {
      ++it;
      continue;
    }
    drop(nullptr, 0, in_flight{it->uid, it->method, it->tool, it->out, it->queued, it->deadline},
         true, after);
    it = queue_.erase(it);
  }
  for (auto& s : slots_) {
    for (auto it = s->calls.begin(); it != s->calls.end();) {
      if (it->second.tool.empty() || it->second.deadline > now) {
        ++it;
        continue;
      }
      drop(s.get(), it->first, it->second, true, after);
      it = s->calls.erase(it);
    }
  }
  dispatch(after);
  auto tick = std::clamp(options_.call_timeout / 20, std::chrono::milliseconds(10),
                         std::chrono::milliseconds(250));
  later(tick, {pool_timer::deadline});
}

// Respawns the slot after its backoff, which then doubles.
void pool_core::restart_later(slot& s) {
  s.restart_pending = true;
  auto delay = s.backoff;
  s.backoff = std::min(s.backoff * 2, max_backoff);
  later(delay, {pool_timer::restart_slot, s.index});
}

void pool_core::spawn_slot(size_t index) {
  auto& s = *slots_[index];
  auto generation = ++s.generation;
  s.restart_pending = false;
  s.kill_reason.clear();
  s.calls.clear();
  for (auto& l : s.listed) {
    l.SetArray();
  }
  s.to_list.clear();
  s.listing.clear();
  s.list_id = -1;  // A worker that died while listing leaves no reading behind.
  worker_events events;
  events.on_stdout = [gate = gate_, index, generation](std::string line) {
    if (auto g = gate.lock()) {
      g->line(worker_output{index, generation, std::move(line)});
    }
  };
  auto who = "worker=" + std::to_string(index);
  events.on_stderr = [name = options_.name, who](const std::string& line) {
    log::info("adapter=" + name + " " + who + ": " + line);
  };
  events.on_exit = [gate = gate_, index, generation](std::string how) {
    if (auto g = gate.lock()) {
      g->ended(worker_ended{index, generation, std::move(how)});
    }
  };
  // From the writer thread, which must not wait for the gate: the actor kills the worker.
  events.on_stalled = [self = self_, index, generation](size_t unread) {
    caf::anon_send(self,
                   pool_tick{pool_timer::stalled, index, generation, static_cast<int64_t>(unread)});
  };
  if (s.proc) {  // Already exited: destroyed after the lock (that waits for its threads).
    retired_.push_back(std::move(s.proc));
  }
  auto spawned = adapter_worker::spawn(options_.command, std::move(events), write_wait);
  if (auto* why = spawned.failure()) {
    last_error_ = *why;
    log::error("adapter=" + options_.name + " " + who + ": " + *why);
    s.state = slot::phase::dead;
    // A missing binary stays missing: retry slowly, and fail queued calls meanwhile.
    restart_later(s);
    return;
  }
  s.proc = std::move(spawned.value());
  s.state = slot::phase::starting;
  s.init_id = s.next_id++;
  auto init =
      request_frame(s.init_id, "initialize",
                    R"({"protocolVersion":)" + quote(worker_protocol_version) +
                        R"(,"capabilities":{},"clientInfo":{"name":"mcprt-adapter","version":)" +
                        quote(server_version) + "}}");
  if (s.proc->send(init) != adapter_worker::send_result::sent) {
    s.proc->kill();
  }
  later(options_.start_timeout, {pool_timer::start_timeout, index, generation});
}

void pool_core::start_timeout(size_t index, uint64_t generation) {
  auto& s = *slots_[index];
  if (s.generation == generation && s.state == slot::phase::starting && s.proc) {
    s.kill_reason = "it did not answer initialize and tools/list within " +
                    std::to_string(options_.start_timeout.count()) + " ms";
    log::error("adapter=" + options_.name + " worker=" + std::to_string(index) + ": " +
               s.kill_reason + "; killing it");
    s.proc->kill();
  }
}

void pool_core::on_stalled(size_t index, uint64_t generation, size_t unread) {
  auto& s = *slots_[index];
  if (s.generation == generation && s.proc && s.state != slot::phase::dead) {
    s.kill_reason = "it left " + std::to_string(unread) + " bytes of its input unread for " +
                    std::to_string(write_wait.count()) + " ms";
    log::error("adapter=" + options_.name + " worker=" + std::to_string(index) + ": " +
               s.kill_reason + "; killing it");
    s.proc->kill();  // on_exit fails its calls and restarts it.
  }
}

void pool_core::on_line(const worker_output& out, after_list& after) {
  auto& s = *slots_[out.slot];
  if (s.generation != out.generation) {
    return;
  }
  auto read = read_worker_line(out.line);
  switch (read.what) {
    case worker_line::kind::malformed:
      log::warn(
          "adapter=" + options_.name + " worker=" + std::to_string(out.slot) +
          " wrote a line that is not JSON-RPC to stdout (ignored): " + out.line.substr(0, 200));
      return;
    case worker_line::kind::request:
      // The worker asks its client something: mcprt answers ping and declines the rest.
      s.proc->send(answer_worker_request(read.request_id_json, read.method));
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
      if (s.state == slot::phase::ready) {
        relist(s, read.method);
      }
      break;
  }
  dispatch(after);
  publish();
}

void pool_core::on_answer(slot& s, int64_t id, const rapidjson::Value& msg, after_list& after) {
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
    s.proc->send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    // Tools always; resources, templates and prompts when the worker says it has them.
    auto* caps = find_member(*result, "capabilities");
    auto has = [caps](const char* what) {
      auto* c = caps != nullptr && caps->IsObject() ? find_member(*caps, what) : nullptr;
      return c != nullptr && c->IsObject();
    };
    s.to_list = {tools_list};
    if (has("resources")) {
      s.to_list.insert(s.to_list.end(), {resources_list, templates_list});
    }
    if (has("prompts")) {
      s.to_list.push_back(prompts_list);
    }
    s.listing = s.to_list;
    request_list(s, s.to_list.front(), {});
    return;
  }
  if (id == s.list_id) {
    on_listed(s, result);
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
  auto& metrics = *shared_->metrics;
  metrics.answered_after(seconds_since(call.started));
  if (error != nullptr && error->IsObject()) {
    metrics.count("error");
    rpc_error err;
    auto* code = find_member(*error, "code");
    err.code = code != nullptr && code->IsInt() ? static_cast<rpc_code>(code->GetInt())
                                                : rpc_code::internal_error;
    // Workers speak 2025 (-32002 for a resource they lack); 2026-07-28 says -32602 for it.
    if (err.code == rpc_code::resource_not_found && call.method == "resources/read" &&
        call.out.info().era == era::modern) {
      err.code = rpc_code::invalid_params;
    }
    err.message = std::string(string_member(*error, "message").value_or("worker error"));
    if (auto* data = find_member(*error, "data")) {
      err.data_json = to_json(*data);
    }
    after.push_back([out = call.out, err] { out.error(err); });
    return;
  }
  if (result == nullptr || !result->IsObject()) {
    metrics.count("error");
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
  auto* is_error = call.method == "tools/call" ? find_member(*result, "isError") : nullptr;
  bool tool_error = is_error != nullptr && is_error->IsBool() && is_error->GetBool();
  metrics.count(tool_error ? "tool_error" : "ok");
  after.push_back([out = call.out, text = std::move(text), tool_error] {
    out.result(text, tool_error ? outcome::tool_error : outcome::ok);
  });
}

void pool_core::on_progress(slot& s, const worker_line& note, after_list& after) {
  auto it = s.calls.find(note.id);
  if (it == s.calls.end()) {
    return;
  }
  after.push_back([out = it->second.out, p = note.progress, t = note.total, m = note.text] {
    out.progress(p, t, m);
  });
}

void pool_core::on_log(slot& s, const worker_line& note, after_list& after) {
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

void pool_core::on_exit(const worker_ended& ended, after_list& after) {
  auto index = ended.slot;
  auto& s = *slots_[index];
  if (s.generation != ended.generation) {
    return;
  }
  const auto& how = ended.how;
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
    shared_->metrics->count("crashed");
    auto when = c.undelivered ? "before it received '" + c.tool + "'; the call did not run"
                              : "while running '" + c.tool + "'; the call did not complete";
    auto why = s.kill_reason.empty() ? how : how + ", killed because " + s.kill_reason;
    after.push_back([out = c.out, name = options_.name, why, when] {
      out.error(make_error(rpc_code::internal_error, "Internal error: adapter '" + name +
                                                         "' worker exited (" + why + ") " + when));
    });
  }
  s.calls.clear();
  s.state = slot::phase::dead;
  for (auto it = pinned_.begin(); it != pinned_.end();) {
    it = it->second == index ? pinned_.erase(it) : std::next(it);
  }
  ++restarts_;
  shared_->metrics->restarted();
  // A worker that ran a while earns a quick restart; one that keeps dying backs off.
  if (was_ready && now_() - s.ready_at > std::chrono::seconds(10)) {
    s.backoff = first_backoff;
  }
  if (static_cast<int>(index) < options_.min_workers || !queue_.empty()) {
    restart_later(s);
  }
  dispatch(after);
  publish();
}

void pool_core::request_list(slot& s, size_t kind, const std::string& cursor) {
  s.list_id = s.next_id++;
  auto params = cursor.empty() ? std::string("{}") : R"({"cursor":)" + quote(cursor) + "}";
  s.proc->send(request_frame(s.list_id, lists[kind].method, params));
}

// One page of the list being read: kept, then the next page, the next list, or done.
void pool_core::on_listed(slot& s, const rapidjson::Value* result) {
  auto kind = s.to_list.front();
  auto& listed = s.listed[kind];
  auto* items = result != nullptr ? find_member(*result, lists[kind].member.data()) : nullptr;
  if (items != nullptr && items->IsArray()) {
    for (const auto& item : items->GetArray()) {
      listed.PushBack(rapidjson::Value(item, listed.GetAllocator()), listed.GetAllocator());
    }
  }
  auto cursor = result != nullptr ? string_member(*result, "nextCursor") : std::nullopt;
  if (cursor && !cursor->empty()) {
    request_list(s, kind, std::string(*cursor));
    return;
  }
  s.to_list.erase(s.to_list.begin());
  if (!s.to_list.empty()) {
    request_list(s, s.to_list.front(), {});
    return;
  }
  s.list_id = -1;
  if (s.state == slot::phase::ready) {  // A listing again, after the worker's list_changed.
    register_lists(s, s.listing);
    return;
  }
  s.state = slot::phase::ready;
  s.ready_at = now_();
  ever_ready_ = true;
  log_line("worker=" + std::to_string(s.index) + " ready pid=" + std::to_string(s.proc->pid()) +
           " tools=" + std::to_string(s.listed[tools_list].Size()) +
           " resources=" + std::to_string(s.listed[resources_list].Size()) +
           " templates=" + std::to_string(s.listed[templates_list].Size()) +
           " prompts=" + std::to_string(s.listed[prompts_list].Size()));
  bool first = false;
  {
    std::lock_guard<std::mutex> g(shared_->m);
    first = !std::exchange(shared_->tools_registered, true);
  }
  if (first) {
    register_lists(s, s.listing);
  }
}

// A ready worker says one of its lists changed: read it again, then replace what the pool
// registered from it (and clients hear list_changed from the catalog).
void pool_core::relist(slot& s, std::string_view method) {
  std::vector<size_t> kinds;
  for (size_t k = 0; k < lists.size(); ++k) {
    if (lists[k].changed == method) {
      kinds.push_back(k);
    }
  }
  if (kinds.empty() || s.list_id != -1) {
    return;  // Not a list change, or one is being read already.
  }
  log_line("worker=" + std::to_string(s.index) + " " + std::string(method) + ": listing again");
  s.to_list = kinds;
  s.listing = kinds;
  for (auto k : kinds) {
    s.listed[k].SetArray();
  }
  request_list(s, kinds.front(), {});
}

void pool_core::register_lists(const slot& s, const std::vector<size_t>& kinds) {
  std::array<std::vector<std::string>, 4> before;
  {
    std::lock_guard<std::mutex> g(shared_->m);
    for (auto k : kinds) {
      before[k] = std::exchange(shared_->registered[k], {});
    }
  }
  // What the worker lists now replaces what the pool registered from it, in one catalog change:
  // a client never finds a re-listed tool unknown, and hears list_changed once per list.
  catalog_change change;
  std::array<std::vector<std::string>, 4> now;
  auto names_of = [](const auto& specs, auto id) {
    std::vector<std::string> names;
    names.reserve(specs.size());
    for (const auto& spec : specs) {
      names.push_back(id(spec));
    }
    return names;
  };
  for (auto k : kinds) {
    const auto& listed = s.listed[k];
    if (k == tools_list) {
      change.remove_tools = before[k];
      change.add_tools = pool_tool_specs(listed, options_.tool_prefix, options_.tasks, call_);
      now[k] = names_of(change.add_tools, [](const tool_spec& t) { return t.definition.name; });
    } else if (k == resources_list) {
      change.remove_resources = before[k];
      change.add_resources = pool_resource_specs(listed, call_);
      now[k] =
          names_of(change.add_resources, [](const resource_spec& r) { return r.definition.uri; });
    } else if (k == templates_list) {
      change.remove_resource_templates = before[k];
      change.add_resource_templates = pool_template_specs(listed, call_);
      now[k] = names_of(change.add_resource_templates,
                        [](const resource_template_spec& t) { return t.definition.uri_template; });
    } else if (k == prompts_list) {
      change.remove_prompts = before[k];
      change.add_prompts = pool_prompt_specs(listed, options_.tool_prefix, call_);
      now[k] = names_of(change.add_prompts, [](const prompt_spec& p) { return p.definition.name; });
    }
  }
  if (auto err = live_->apply(change)) {
    // Something is refused (a name another plugin holds, a schema the catalog rejects): each
    // entry on its own, skipping what is refused and saying so.
    log::warn("adapter=" + options_.name + " cannot register its lists at once (" +
              caf::to_string(err) + "); registering them one by one");
    now = register_each(std::move(change));
  }
  log_line("registered tools=" + std::to_string(now[tools_list].size()) +
           " resources=" + std::to_string(now[resources_list].size()) +
           " templates=" + std::to_string(now[templates_list].size()) +
           " prompts=" + std::to_string(now[prompts_list].size()));
  std::lock_guard<std::mutex> g(shared_->m);
  for (auto k : kinds) {
    shared_->registered[k] = std::move(now[k]);
  }
  shared_->health.tools = shared_->registered[tools_list].size();
}

std::array<std::vector<std::string>, 4> pool_core::register_each(catalog_change change) {
  for (const auto& name : change.remove_tools) {
    live_->remove_tool(name);
  }
  for (const auto& uri : change.remove_resources) {
    live_->remove_resource(uri);
  }
  for (const auto& t : change.remove_resource_templates) {
    live_->remove_resource_template(t);
  }
  for (const auto& name : change.remove_prompts) {
    live_->remove_prompt(name);
  }
  auto one_by_one = [this](auto& specs, auto add, auto id, std::string_view what) {
    std::vector<std::string> names;
    for (auto& spec : specs) {
      auto name = id(spec);
      if (auto err = add(std::move(spec))) {
        log::error("adapter=" + options_.name + " cannot register " + std::string(what) + " '" +
                   name + "': " + caf::to_string(err));
      } else {
        names.push_back(std::move(name));
      }
    }
    return names;
  };
  std::array<std::vector<std::string>, 4> now;
  now[tools_list] = one_by_one(
      change.add_tools, [this](tool_spec t) { return live_->add_tools({std::move(t)}); },
      [](const tool_spec& t) { return t.definition.name; }, "tool");
  now[resources_list] = one_by_one(
      change.add_resources,
      [this](resource_spec r) { return live_->add_resources({std::move(r)}); },
      [](const resource_spec& r) { return r.definition.uri; }, "resource");
  now[templates_list] = one_by_one(
      change.add_resource_templates,
      [this](resource_template_spec t) { return live_->add_resource_templates({std::move(t)}); },
      [](const resource_template_spec& t) { return t.definition.uri_template; },
      "resource template");
  now[prompts_list] = one_by_one(
      change.add_prompts, [this](prompt_spec p) { return live_->add_prompts({std::move(p)}); },
      [](const prompt_spec& p) { return p.definition.name; }, "prompt");
  return now;
}

void pool_core::on_call(pool_call& call, after_list& after) {
  pending_call p;
  p.uid = ++next_uid_;
  p.method = std::move(call.method);
  p.tool = std::move(call.tool);
  p.arguments = std::move(call.arguments);
  p.out = std::move(call.out);
  p.session = options_.session_affinity ? p.out.info().session_id : std::string();
  // No timer per call: deadline_tick() finds the late ones (a timer each would wake the
  // clock thread on every call).
  p.queued = now_();
  p.deadline = p.queued + options_.call_timeout;
  queue_.push_back(std::move(p));
  dispatch(after);
  publish();
}

void pool_core::dispatch(after_list& after) {
  while (!queue_.empty() && place_call(queue_.front(), after)) {
    queue_.pop_front();
  }
  // Nothing can start and nothing is on its way: say why instead of letting calls wait.
  bool any_alive = false;
  for (const auto& s : slots_) {
    any_alive = any_alive || s->state != slot::phase::dead;
  }
  if (!any_alive && !ever_ready_ && !last_error_.empty()) {
    for (auto& p : queue_) {
      shared_->metrics->count("error");
      after.push_back([out = p.out, name = options_.name, why = last_error_] {
        out.error(make_error(rpc_code::internal_error,
                             "Internal error: adapter '" + name + "' is unavailable: " + why));
      });
    }
    queue_.clear();
  }
}

bool pool_core::place_call(pending_call& call, after_list& after) {
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
  shared_->metrics->queued_for(seconds_since(call.queued));
  if (!call.session.empty()) {
    pinned_[call.session] = chosen->index;
  }
  auto id = chosen->next_id++;
  in_flight f;
  f.uid = call.uid;
  f.method = call.method;
  f.tool = call.tool;
  f.out = call.out;
  f.started = now_();
  f.deadline = call.deadline;
  chosen->calls.emplace(id, f);
  const auto& info = call.out.info();
  auto frame =
      forward_frame(id, call.method, call.tool, call.arguments.get(), info.caller, info.trace);
  if (chosen->proc->send(frame) == adapter_worker::send_result::gone) {
    // Its stdin is closed: it exited (or is exiting) and its exit has not arrived yet. The
    // call stays on the slot, so that on_exit fails it with the exit status; a worker that
    // only closed its stdin is killed after a grace period (it can never get a call again).
    chosen->calls[id].undelivered = true;
    later(gone_grace_period, {pool_timer::gone_grace, chosen->index, chosen->generation});
    return true;
  }
  after.push_back(
      [gate = gate_, out = call.out, index = chosen->index, generation = chosen->generation, id] {
        out.on_cancel([gate, index, generation, id] {
          if (auto g = gate.lock()) {
            g->cancel(pool_cancel{index, generation, id});
          }
        });
      });
  return true;
}

void pool_core::gone_grace(size_t index, uint64_t generation) {
  auto& s = *slots_[index];
  if (s.generation == generation && s.proc && s.state != slot::phase::dead) {
    s.kill_reason = "it closed its standard input";
    s.proc->kill();
  }
}

// The client cancelled a call a worker is running: forget it and tell the worker.
void pool_core::on_cancel(const pool_cancel& cancel, after_list& after) {
  auto& s = *slots_[cancel.slot];
  auto it = s.calls.find(cancel.id);
  if (s.generation != cancel.generation || it == s.calls.end()) {
    return;  // Answered, timed out, or its worker is gone.
  }
  drop(&s, cancel.id, it->second, false, after);
  s.calls.erase(it);
  dispatch(after);
  publish();
}

// A call that ends without its worker's answer: counted, the worker (if it has the call) told
// to stop, and the caller answered on a timeout (a cancelled request wants no answer).
void pool_core::drop(slot* owner, int64_t id, const in_flight& call, bool timed_out,
                     after_list& after) {
  shared_->metrics->count(timed_out ? "timeout" : "cancelled");
  if (owner != nullptr && owner->proc) {
    owner->proc->send(rpc::encode_notification(
        "notifications/cancelled", R"({"requestId":)" + std::to_string(id) + R"(,"reason":)" +
                                       quote(timed_out ? "timed out" : "cancelled by the client") +
                                       "}"));
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

void pool_core::health_tick() {
  for (auto& s : slots_) {
    if (s->state != slot::phase::ready || !s->calls.empty()) {
      continue;  // A busy worker answers calls: that is health enough.
    }
    auto id = s->next_id++;
    in_flight ping;
    ping.uid = 0;
    ping.started = now_();
    s->calls.emplace(id, ping);
    s->proc->send(request_frame(id, "ping", "{}"));
    later(options_.start_timeout, {pool_timer::ping_timeout, s->index, s->generation, id});
  }
  later(options_.health_interval, {pool_timer::health});
}

void pool_core::ping_timeout(size_t index, uint64_t generation, int64_t id) {
  auto& s = *slots_[index];
  if (s.generation == generation && s.calls.count(id) != 0 && s.proc) {
    s.kill_reason = "it did not answer ping";
    log::error("adapter=" + options_.name + " worker=" + std::to_string(index) +
               " did not answer ping; killing it");
    s.proc->kill();
  }
}

void pool_core::publish() {
  int busy = 0, idle = 0, starting = 0;
  std::vector<pool_health::process> processes;
  for (const auto& s : slots_) {
    if (s->state == slot::phase::starting) {
      ++starting;
    } else if (s->state == slot::phase::ready) {
      ++(s->busy() > 0 ? busy : idle);
    }
    if (s->state != slot::phase::dead && s->proc) {
      processes.push_back({s->proc->pid(), s->state == slot::phase::ready, s->busy()});
    }
  }
  shared_->metrics->workers(busy, idle, starting);
  std::lock_guard<std::mutex> g(shared_->m);
  auto& h = shared_->health;
  h.ready = busy + idle;
  h.busy = busy;
  h.starting = starting;
  h.processes = std::move(processes);
  h.version = version_;
  h.restarts = restarts_;
  h.queued = queue_.size();
  h.last_error = last_error_;
}

}  // namespace mcprt::actors::adapters
