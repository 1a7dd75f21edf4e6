// The job service: the live set, idempotency keys, lookups and the TTL sweep. Each job's
// life is its own actor's (job_actor.cpp); callers reach it through the job's snapshot.
#include "actors/jobs/jobs.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <utility>

#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::jobs {

namespace {

rpc_error no_task(const std::string& id) {
  return invalid_params("Invalid params: no task with id \"" + id + "\"");
}

rpc_error waits_for_no_input(const std::string& id) {
  return invalid_params("Invalid params: task \"" + id + "\" waits for no input");
}

// tasks/update's answer when the job's actor ended before it read the message: it was
// settling, so the job waits for no input any more.
input_done_fn answered_even_if_dropped(input_done_fn done, rpc_error fallback) {
  struct once {
    input_done_fn fn;
    rpc_error fallback;
    bool fired = false;
    ~once() {
      if (!fired) {
        fn(fallback);
      }
    }
  };
  auto guard = std::make_shared<once>();  // Built in place: a copy would fire as it dies.
  guard->fn = std::move(done);
  guard->fallback = std::move(fallback);
  return [guard](std::optional<rpc_error> err) {
    guard->fired = true;
    guard->fn(std::move(err));
  };
}

}  // namespace

job_service::job_service(caf::actor_system& sys, std::unique_ptr<job_store> store,
                         job_options options, std::shared_ptr<notifier::notifier> notes)
    : system_(sys),
      store_(std::move(store)),
      options_(std::move(options)),
      notes_(std::move(notes)),
      timer_(spawn_function_tools(sys, {})) {}

std::shared_ptr<const job_context> job_service::context_locked() {
  if (!context_) {
    auto context = std::make_shared<job_context>();
    context->store = store_;
    context->notes = notes_;
    context->timeout = options_.timeout;
    context->poll_interval_ms = options_.poll_interval_ms;
    // Jobs hold a weak service: one settling after shutdown finds no one to tell.
    context->forget = [weak = weak_from_this()](const job_record& record) {
      if (auto self = weak.lock()) {
        self->forget(record);
      }
    };
    context_ = std::move(context);
  }
  return context_;
}

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
    // The actor's state cancels its round as it goes.
    caf::anon_send_exit(j->actor, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(timer_, caf::exit_reason::user_shutdown);
  store_->flush();
}

std::shared_ptr<live_job> job_service::find_live(const std::string& id) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

void job_service::forget(const job_record& record) {
  std::lock_guard<std::mutex> g(mutex_);
  if (live_.erase(record.id) > 0 && metrics_) {
    metrics_->ended(is_final(record.state) ? to_string(record.state) : "lost");
  }
  if (!record.idempotency_key.empty()) {
    keys_.erase(idempotency_scope(record.owner, record.idempotency_key));
  }
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
          existing = live->second->view.record;
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

  auto live = std::make_shared<live_job>();
  auto& rec = live->view.record;
  auto t = unix_ms();
  rec.id = options_.ids.new_task_id();
  rec.owner = spec.owner;
  rec.tool = spec.tool;
  rec.state = job_state::running;
  rec.idempotency_key = spec.idempotency_key;
  rec.created_ms = t;
  rec.updated_ms = t;
  rec.ttl_ms = options_.result_ttl_ms;
  std::shared_ptr<const job_context> context;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_) {
      created(make_error(rpc_code::internal_error, "Internal error: the server is stopping"),
              false);
      return;
    }
    live_.emplace(rec.id, live);
    if (metrics_) {
      metrics_->started();
    }
    if (!spec.idempotency_key.empty()) {
      keys_[idempotency_scope(spec.owner, spec.idempotency_key)] = rec.id;
    }
    context = context_locked();
  }
  // The actor answers `created` once the job is durable: a tasks/get right after finds it.
  auto on_created = [live, created = std::move(created)](std::optional<std::string> why) {
    if (why) {
      log::error("job store write failed: " + *why);
      created(make_error(rpc_code::internal_error,
                         "Internal error: the task could not be recorded (" + *why + ")"),
              false);
      return;
    }
    task_view view;
    {
      std::lock_guard<std::mutex> g(live->m);
      view = live->view;
    }
    created(std::move(view), false);
  };
  auto record = rec;
  job_actor actor;
  {
    std::lock_guard<std::mutex> g(live->m);  // Callers see the actor only once it is set.
    live->actor = actor =
        spawn_job(system_, std::move(context), live, std::move(record),
                  {std::move(spec.info), std::move(spec.round)}, std::move(on_created));
  }
  // The service watches its jobs: one whose actor ends unsettled still ends for its waiters.
  actor->attach_functor([weak = weak_from_this(), weak_live = std::weak_ptr<live_job>(live),
                         &sys = system_](const caf::error& reason) {
    if (reason == caf::exit_reason::user_shutdown) {
      return;  // Settled, or the node stopping.
    }
    auto self = weak.lock();
    auto job = weak_live.lock();
    if (self && job) {
      self->actor_lost(job, sys.render(reason));
    }
  });
}

std::optional<task_view> job_service::get(const std::string& id) {
  if (auto job = find_live(id)) {
    std::lock_guard<std::mutex> g(job->m);
    return job->view;
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
  if (auto job = find_live(id)) {
    std::unique_lock<std::mutex> l(job->m);
    if (!job->settled) {
      // Answered when the job settles: cancelled, or whatever it ended as first.
      job->waiters.push_back(std::move(done));
      auto actor = job->actor;
      l.unlock();
      caf::anon_send(
          actor,
          job_end{job_state::cancelled,
                  error_object(make_error(rpc_code::internal_error, "The task was cancelled")),
                  "cancelled by request"});
      return;
    }
  }
  auto view = get(id);
  if (!view) {
    done(no_task(id));
    return;
  }
  done(std::move(*view));
}

void job_service::update(const std::string& id, json_ref responses, input_done_fn done) {
  auto job = find_live(id);
  if (!job) {
    done(get(id) ? waits_for_no_input(id) : no_task(id));
    return;
  }
  job_actor actor;
  {
    std::lock_guard<std::mutex> g(job->m);
    if (job->settled) {
      done(waits_for_no_input(id));
      return;
    }
    actor = job->actor;
  }
  caf::anon_send(actor,
                 job_input{std::move(responses),
                           answered_even_if_dropped(std::move(done), waits_for_no_input(id))});
}

void job_service::when_final(const std::string& id, view_fn done) {
  if (auto job = find_live(id)) {
    std::unique_lock<std::mutex> l(job->m);
    if (!job->settled) {
      job->waiters.push_back(std::move(done));
      return;
    }
  }
  auto view = get(id);
  if (!view) {
    done(no_task(id));
    return;
  }
  done(std::move(*view));
}

void job_service::sweep_periodically() {
  std::weak_ptr<job_service> weak = weak_from_this();
  std::lock_guard<std::mutex> g(mutex_);
  if (stopped_) {
    return;
  }
  caf::delayed_anon_send(timer_, options_.sweep_every, tool_step{[weak] {
                           if (auto self = weak.lock()) {
                             if (auto n = self->store_->sweep(unix_ms()); n > 0) {
                               log::debug("job store: swept " + std::to_string(n) + " jobs");
                             }
                             self->sweep_periodically();
                           }
                         }});
}

caf::actor_addr job_service::sweep_address() const {
  std::lock_guard<std::mutex> g(mutex_);
  return timer_.address();
}

caf::actor_addr job_service::replace_sweep(const caf::actor_addr& dead) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopped_ || timer_.address() != dead) {
      return {};
    }
    timer_ = spawn_function_tools(system_, {});
  }
  sweep_periodically();
  return sweep_address();
}

// A job's actor ended without settling (a bug that threw in it): the job is recorded failed
// and whoever waits for it is answered, instead of waiting forever.
void job_service::actor_lost(const std::shared_ptr<live_job>& live, const std::string& reason) {
  job_record record;
  {
    std::lock_guard<std::mutex> g(live->m);
    if (live->settled) {
      return;
    }
    record = live->view.record;
  }
  record.state = job_state::failed;
  record.updated_ms = unix_ms();
  record.message = "the job's actor ended: " + reason;
  record.result_json =
      error_object(make_error(rpc_code::internal_error, "Internal error: " + record.message));
  log::error("job " + record.id + " failed: " + record.message);
  store_->put(record, [weak = weak_from_this(), live, record](bool ok, const std::string& why) {
    std::vector<view_fn> waiters;
    {
      std::lock_guard<std::mutex> g(live->m);
      live->settled = true;
      if (ok) {
        live->view = {record, {}};
      }
      waiters.swap(live->waiters);
    }
    if (auto self = weak.lock()) {
      self->forget(record);
    }
    auto lost = make_error(rpc_code::internal_error,
                           "Internal error: the task's outcome could not be recorded: " + why);
    for (auto& w : waiters) {
      if (ok) {
        w(task_view{record, {}});
      } else {
        w(lost);
      }
    }
  });
}

}  // namespace mcprt::actors::jobs
