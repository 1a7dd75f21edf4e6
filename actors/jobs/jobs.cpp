// Job lifecycle. A job's intended state changes at once (so a second cancel or a late round
// result sees it); what readers see changes only when the store says the write is durable.
#include "actors/jobs/jobs.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/jobs/round_inputs.hpp"
#include "actors/jobs/task_wire.hpp"
#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::jobs {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A JSON-RPC error object as a task stores it.
std::string error_object(const rpc_error& error) {
  std::string out = R"({"code":)" + std::to_string(static_cast<int>(error.code)) +
                    R"(,"message":)" + quote(error.message);
  if (!error.data_json.empty()) {
    out += R"(,"data":)" + error.data_json;
  }
  return out + "}";
}

std::string error_object(rpc_code code, std::string message) {
  return error_object(make_error(code, std::move(message)));
}

}  // namespace

struct job_service::live_job {
  std::mutex m;
  job_record rec;             // What readers see: the last durable state (plus live progress).
  job_state intended;         // Where the job is going; ahead of rec until the write commits.
  round_inputs inputs;        // MRTR input asked and not yet answered; answers for the next round.
  std::string state_payload;  // MRTR requestState for the next round.
  request_info info;
  task_round round_fn;
  responder current;
  uint64_t round = 0;
  runner_actor actor;  // Runs the job's rounds and its timeout.
  std::vector<view_fn> waiters;
};

// Where one round's notes and answer go, as values: progress into the job record, notes to
// the owner's session, the answer to round_done.
class job_service::round_channel : public reply_channel, public value_sink {
 public:
  round_channel(std::weak_ptr<job_service> service, std::weak_ptr<live_job> job, uint64_t round)
      : service_(std::move(service)), job_(std::move(job)), round_(round) {}

  value_sink* values() override { return this; }
  // Unused: values() takes every note and answer.
  void notify(std::string /*frame*/, note_overflow /*overflow*/) override {}
  void finish(unsigned /*http_status*/, std::string /*frame*/) override {}

  void note(std::string_view method, std::string_view params_json,
            const progress_values* progress) override {
    auto job = job_.lock();
    auto service = service_.lock();
    if (!job || !service) {
      return;
    }
    if (progress != nullptr) {
      std::lock_guard<std::mutex> g(job->m);
      job->rec.progress = progress->progress;
      if (progress->total) {
        job->rec.total = *progress->total;
      }
      if (!progress->message.empty()) {
        job->rec.message = std::string(progress->message);
      }
    }
    // A 2025 session hears the job's progress and logs on its own stream.
    if (!job->rec.owner.empty() && service->notifier_) {
      service->notifier_->publish(notifier::topic::tasks_of(job->rec.owner),
                                  shared_note::make(method, params_json),
                                  overflow_policy::drop_oldest);
    }
  }

  void result(std::string_view result_object) override {
    done(round_answer{round_answer::kind::result, std::string(result_object), {}, {}, {}});
  }
  void input_required(std::string_view input_requests, std::string_view state) override {
    done(round_answer{round_answer::kind::input_required,
                      {},
                      std::string(input_requests),
                      std::string(state),
                      {}});
  }
  void error(const rpc_error& error) override {
    done(round_answer{round_answer::kind::error, {}, {}, {}, error});
  }

 private:
  void done(round_answer answer) {
    if (auto service = service_.lock()) {
      if (auto job = job_.lock()) {
        service->round_done(job, round_, std::move(answer));
      }
    }
  }

  std::weak_ptr<job_service> service_;
  std::weak_ptr<live_job> job_;
  uint64_t round_;
};

job_service::job_service(caf::actor_system& sys, std::unique_ptr<job_store> store,
                         job_options options, std::shared_ptr<notifier::notifier> notes)
    : system_(sys),
      store_(std::move(store)),
      options_(options),
      notifier_(std::move(notes)),
      timer_(spawn_function_tools(sys, {})) {}

job_service::~job_service() {
  stop();
}

void job_service::stop() {
  std::vector<std::shared_ptr<live_job>> jobs;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    for (auto& [_, j] : live_) {
      jobs.push_back(j);
    }
  }
  for (auto& j : jobs) {
    j->current.cancel();
    caf::anon_send_exit(j->actor, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(timer_, caf::exit_reason::user_shutdown);
  store_->flush();
}

std::shared_ptr<job_service::live_job> job_service::find_live(const std::string& id) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

void job_service::start(job_spec spec, created_fn created) {
  std::optional<job_record> existing;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (!spec.idempotency_key.empty()) {
      auto scope = idempotency_scope(spec.owner, spec.idempotency_key);
      if (auto it = keys_.find(scope); it != keys_.end()) {
        if (auto live = live_.find(it->second); live != live_.end()) {
          std::lock_guard<std::mutex> jg(live->second->m);
          existing = live->second->rec;
        }
      }
    }
  }
  if (!existing && !spec.idempotency_key.empty()) {
    existing = store_->find_by_key(spec.owner, spec.idempotency_key);
  }
  if (existing) {
    if (existing->tool != spec.tool) {
      created(
          invalid_params("Invalid params: idempotency key \"" + spec.idempotency_key +
                         "\" was used for tool '" + existing->tool + "', not '" + spec.tool + "'"),
          true);
      return;
    }
    auto view = existing->state == job_state::input_required ? get(existing->id) : std::nullopt;
    created(view ? *view : task_view{std::move(*existing), {}}, true);
    return;
  }

  auto job = std::make_shared<live_job>();
  auto t = now_ms();
  job->rec.id = random_hex(16);
  job->rec.owner = spec.owner;
  job->rec.tool = spec.tool;
  job->rec.state = job_state::running;
  job->rec.idempotency_key = spec.idempotency_key;
  job->rec.created_ms = t;
  job->rec.updated_ms = t;
  job->rec.ttl_ms = options_.result_ttl_ms;
  job->intended = job_state::running;
  job->info = std::move(spec.info);
  job->round_fn = std::move(spec.round);
  {
    std::lock_guard<std::mutex> g(mutex_);
    live_.emplace(job->rec.id, job);
    if (!spec.idempotency_key.empty()) {
      keys_[idempotency_scope(spec.owner, spec.idempotency_key)] = job->rec.id;
    }
  }
  // Answer only once the job is durable: a tasks/get right after must find it.
  std::weak_ptr<job_service> weak = weak_from_this();
  store_->put(job->rec, [weak, job, created = std::move(created)](bool ok, const std::string& why) {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    if (!ok) {
      {
        std::lock_guard<std::mutex> g(self->mutex_);
        self->live_.erase(job->rec.id);
        self->keys_.erase(idempotency_scope(job->rec.owner, job->rec.idempotency_key));
      }
      log::error("job store write failed: " + why);
      created(make_error(rpc_code::internal_error,
                         "Internal error: the task could not be recorded (" + why + ")"),
              false);
      return;
    }
    {
      std::lock_guard<std::mutex> g(self->mutex_);
      if (self->stopped_) {  // Shutting down: the record stays "running" until the restart.
        return;
      }
    }
    job->actor = spawn_function_tools(self->system_, {});
    std::weak_ptr<live_job> weak_job = job;
    caf::delayed_anon_send(
        job->actor, self->options_.timeout, tool_step{[weak, weak_job] {
          auto s = weak.lock();
          auto j = weak_job.lock();
          if (s && j) {
            s->finish(j, job_state::expired,
                      error_object(rpc_code::internal_error, "The task timed out"),
                      "timed out after " + std::to_string(s->options_.timeout.count()) + " ms");
          }
        }});
    task_view view;
    {
      std::lock_guard<std::mutex> g(job->m);
      view.record = job->rec;
    }
    created(std::move(view), false);
    self->run_round(job);
  });
}

void job_service::run_round(const std::shared_ptr<live_job>& job) {
  responder out;
  task_round fn;
  {
    std::lock_guard<std::mutex> g(job->m);
    auto info = job->info;
    if (++job->round > 1) {
      auto doc = std::make_shared<rapidjson::Document>();
      auto text = job->inputs.take_answers();
      (void)parse_json(*doc, text);  // Built from parsed answers: well-formed.
      info.input_responses = json_ref(doc, doc.get());
      info.request_state = job->state_payload;
    }
    out = responder(std::make_shared<round_channel>(weak_from_this(), job, job->round),
                    std::move(info));
    job->current = out;
    fn = job->round_fn;
  }
  caf::anon_send(job->actor, tool_step{[fn, out] { fn(out); }});
}

void job_service::round_done(const std::shared_ptr<live_job>& job, uint64_t round,
                             round_answer answer) {
  {
    std::lock_guard<std::mutex> g(job->m);
    if (round != job->round || is_final(job->intended)) {
      return;  // A cancelled or timed-out round finishing late changes nothing.
    }
  }
  switch (answer.what) {
    case round_answer::kind::error: {
      auto message = answer.error.message.empty() ? std::string("failed") : answer.error.message;
      finish(job, job_state::failed, error_object(answer.error), message);
      return;
    }
    case round_answer::kind::input_required: {
      std::lock_guard<std::mutex> g(job->m);
      job->inputs.ask(answer.input_requests);
      job->state_payload = std::move(answer.state);
      job->intended = job_state::input_required;
    }
      persist(job, {});
      return;
    case round_answer::kind::result:
      finish(job, job_state::completed, std::move(answer.result), "");
      return;
  }
}

void job_service::persist(const std::shared_ptr<live_job>& job, std::function<void()> then) {
  job_record copy;
  {
    std::lock_guard<std::mutex> g(job->m);
    copy = job->rec;
    copy.state = job->intended;
    copy.updated_ms = now_ms();
  }
  std::weak_ptr<job_service> weak = weak_from_this();
  store_->put(copy, [weak, job, copy, then = std::move(then)](bool ok, const std::string& why) {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    if (!ok) {
      log::error("job store write failed for job " + copy.id + ": " + why);
      if (is_final(copy.state)) {
        self->unrecorded(job, copy, why);
      }
      return;
    }
    task_view view;
    {
      std::lock_guard<std::mutex> g(job->m);
      auto progress = job->rec.progress;
      auto total = job->rec.total;
      job->rec = copy;
      job->rec.progress = std::max(progress, copy.progress);
      job->rec.total = total ? total : copy.total;
      view = {job->rec, job->inputs.pending_json()};
    }
    self->publish_status(view);
    if (then) {
      then();
    }
  });
}

// The outcome could not be written (a full disk, jobs.maxStoreMb): record a small failure in
// its place if that still fits, and end the job either way, so nobody waits forever.
void job_service::unrecorded(const std::shared_ptr<live_job>& job, job_record outcome,
                             const std::string& why) {
  outcome.state = job_state::failed;
  outcome.message = "the outcome could not be recorded: " + why;
  outcome.result_json =
      error_object(rpc_code::internal_error, "Internal error: the task's " + outcome.message);
  std::weak_ptr<job_service> weak = weak_from_this();
  store_->put(outcome, [weak, job, outcome](bool ok, const std::string& again) {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    std::vector<view_fn> waiters;
    {
      std::lock_guard<std::mutex> g(job->m);
      waiters.swap(job->waiters);
      if (ok) {
        job->rec = outcome;
      }
    }
    {
      std::lock_guard<std::mutex> g(self->mutex_);
      self->live_.erase(outcome.id);
      self->keys_.erase(idempotency_scope(outcome.owner, outcome.idempotency_key));
    }
    for (auto& w : waiters) {
      if (ok) {
        w(task_view{outcome, {}});
      } else {
        w(make_error(rpc_code::internal_error,
                     "Internal error: the task's outcome could not be recorded: " + again));
      }
    }
    caf::anon_send_exit(job->actor, caf::exit_reason::user_shutdown);
  });
}

void job_service::finish(const std::shared_ptr<live_job>& job, job_state state, std::string result,
                         std::string message) {
  responder round;
  {
    std::lock_guard<std::mutex> g(job->m);
    if (is_final(job->intended)) {
      return;
    }
    job->intended = state;
    job->rec.result_json = std::move(result);
    job->rec.message = std::move(message);
    job->inputs.clear();
    round = job->current;
  }
  if (state != job_state::completed && state != job_state::failed) {
    round.cancel();  // Cancelled or expired: stop the tool's work (and its worker call).
  }
  std::weak_ptr<job_service> weak = weak_from_this();
  persist(job, [weak, job] {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    std::vector<view_fn> waiters;
    task_view view;
    {
      std::lock_guard<std::mutex> g(job->m);
      waiters.swap(job->waiters);
      view = {job->rec, {}};
    }
    {
      std::lock_guard<std::mutex> g(self->mutex_);
      self->live_.erase(view.record.id);
      if (!view.record.idempotency_key.empty()) {
        self->keys_.erase(idempotency_scope(view.record.owner, view.record.idempotency_key));
      }
    }
    for (auto& w : waiters) {
      w(view);
    }
    // Not exit_reason::normal: CAF ignores an exit message with that reason.
    caf::anon_send_exit(job->actor, caf::exit_reason::user_shutdown);
  });
}

void job_service::publish_status(const task_view& view) {
  if (!notifier_ || view.record.owner.empty()) {
    return;
  }
  // 2025-11-25 notifications/tasks/status carries the Task object; only 2025 sessions own
  // tasks. Coalesced per task: under pressure a subscriber gets the latest status.
  auto params = task_json(view, era::legacy, options_.poll_interval_ms, false);
  notifier_->publish(
      notifier::topic::tasks_of(view.record.owner),
      shared_note::make("notifications/tasks/status", params, "task:" + view.record.id),
      overflow_policy::coalesce);
}

std::optional<task_view> job_service::get(const std::string& id) {
  if (auto job = find_live(id)) {
    std::lock_guard<std::mutex> g(job->m);
    return task_view{job->rec, job->inputs.pending_json()};
  }
  if (auto rec = store_->get(id)) {
    return task_view{std::move(*rec), {}};
  }
  return std::nullopt;
}

std::vector<task_view> job_service::list(const std::string& owner, size_t offset, size_t limit) {
  std::vector<task_view> out;
  auto records = store_->list(owner, offset + limit);
  for (size_t i = offset; i < records.size(); ++i) {
    out.push_back({std::move(records[i]), {}});
  }
  return out;
}

void job_service::cancel(const std::string& id, view_fn done) {
  auto job = find_live(id);
  if (!job) {
    auto view = get(id);
    if (!view) {
      done(invalid_params("Invalid params: no task with id \"" + id + "\""));
    } else {
      done(std::move(*view));
    }
    return;
  }
  {
    std::unique_lock<std::mutex> l(job->m);
    if (is_final(job->rec.state)) {  // Finished while we looked it up.
      task_view view{job->rec, {}};
      l.unlock();
      done(std::move(view));
      return;
    }
    job->waiters.push_back(std::move(done));
  }
  finish(job, job_state::cancelled,
         error_object(rpc_code::internal_error, "The task was cancelled"), "cancelled by request");
}

void job_service::update(const std::string& id, const rapidjson::Value& responses,
                         const std::function<void(std::optional<rpc_error>)>& done) {
  auto job = find_live(id);
  if (!job) {
    done(invalid_params(get(id) ? "Invalid params: task \"" + id + "\" waits for no input"
                                : "Invalid params: no task with id \"" + id + "\""));
    return;
  }
  bool ready = false;
  {
    std::lock_guard<std::mutex> g(job->m);
    if (job->intended != job_state::input_required) {
      done(invalid_params("Invalid params: task \"" + id + "\" waits for no input"));
      return;
    }
    if (job->inputs.answer(responses)) {
      job->intended = job_state::running;
      ready = true;
    }
  }
  done(std::nullopt);
  if (ready) {
    std::weak_ptr<job_service> weak = weak_from_this();
    persist(job, [weak, job] {
      if (auto self = weak.lock()) {
        self->run_round(job);
      }
    });
  }
}

void job_service::when_final(const std::string& id, view_fn done) {
  if (auto job = find_live(id)) {
    std::lock_guard<std::mutex> g(job->m);
    if (!is_final(job->rec.state)) {
      job->waiters.push_back(std::move(done));
      return;
    }
  }
  auto view = get(id);
  if (!view) {
    done(invalid_params("Invalid params: no task with id \"" + id + "\""));
    return;
  }
  done(std::move(*view));
}

void job_service::sweep_periodically() {
  std::weak_ptr<job_service> weak = weak_from_this();
  caf::delayed_anon_send(timer_, options_.sweep_every, tool_step{[weak] {
                           if (auto self = weak.lock()) {
                             if (auto n = self->store_->sweep(now_ms()); n > 0) {
                               log::debug("job store: swept " + std::to_string(n) + " jobs");
                             }
                             self->sweep_periodically();
                           }
                         }});
}

}  // namespace mcprt::actors::jobs
