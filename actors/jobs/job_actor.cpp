// A job's actor: the machine's effects carried out, in the order the machine gives them.
#include "actors/jobs/job_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/jobs/task_wire.hpp"
#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/io/reply_channel.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::jobs {

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// Where one round's notes and answer go, as values: progress and the answer to the job's
// actor, notes to the owner's session.
class round_channel : public reply_channel, public value_sink {
 public:
  round_channel(job_actor job, std::shared_ptr<const job_context> context, std::string owner,
                uint64_t round)
      : job_(std::move(job)),
        context_(std::move(context)),
        owner_(std::move(owner)),
        round_(round) {}

  value_sink* values() override { return this; }
  // Unused: values() takes every note and answer.
  void notify(std::string /*frame*/, note_overflow /*overflow*/) override {}
  void finish(unsigned /*http_status*/, std::string /*frame*/) override {}

  void note(std::string_view method, std::string_view params_json,
            const progress_values* progress) override {
    if (progress != nullptr) {
      caf::anon_send(job_, round_progress{progress->progress, progress->total,
                                          std::string(progress->message)});
    }
    // A 2025 session hears the job's progress and logs on its own stream.
    if (!owner_.empty() && context_->notes) {
      context_->notes->publish(notifier::topic::tasks_of(owner_),
                               shared_note::make(method, params_json),
                               overflow_policy::drop_oldest);
    }
  }
  void result(std::string_view result_object) override {
    done({round_answer::kind::result, std::string(result_object), {}, {}, {}});
  }
  void input_required(std::string_view input_requests, std::string_view state) override {
    done({round_answer::kind::input_required,
          {},
          std::string(input_requests),
          std::string(state),
          {}});
  }
  void error(const rpc_error& error) override {
    done({round_answer::kind::error, {}, {}, {}, error});
  }

 private:
  void done(round_answer answer) { caf::anon_send(job_, round_end{round_, std::move(answer)}); }

  job_actor job_;
  std::shared_ptr<const job_context> context_;
  std::string owner_;
  uint64_t round_;
};

struct job_state_holder {
  std::optional<job_machine> machine;
  std::shared_ptr<const job_context> context;
  std::shared_ptr<live_job> live;
  job_work work;
  responder current;     // The running round's responder.
  bool creating = true;  // The job's first write is not durable yet.

  ~job_state_holder() {
    // Stopped (shutdown) or settled: whatever the round still does goes nowhere.
    current.cancel();
  }
};

using job_self = job_actor::stateful_pointer<job_state_holder>;

// Readers see the machine's record once it is durable (and live progress at once).
void publish_view(job_state_holder& st) {
  std::lock_guard<std::mutex> g(st.live->m);
  st.live->view = {st.machine->visible(), st.machine->pending_inputs()};
}

void publish_status(const job_state_holder& st) {
  const auto& record = st.machine->visible();
  if (!st.context->notes || record.owner.empty()) {
    return;
  }
  // 2025-11-25 notifications/tasks/status carries the Task object; only 2025 sessions own
  // tasks. Coalesced per task: under pressure a subscriber gets the latest status.
  auto params = task_json({record, st.machine->pending_inputs()}, era::legacy,
                          st.context->poll_interval_ms, false);
  st.context->notes->publish(
      notifier::topic::tasks_of(record.owner),
      shared_note::make("notifications/tasks/status", params, "task:" + record.id),
      overflow_policy::coalesce);
}

// Writes the record the machine intends; the actor hears when it is durable.
void write(job_self self) {
  auto record = self->state.machine->to_write(unix_ms());
  job_actor me = self;
  self->state.context->store->put(record, [me, record](bool ok, const std::string& why) {
    caf::anon_send(me, job_written{record, ok, why});
  });
}

void run_round(job_self self) {
  auto& st = self->state;
  auto start = st.machine->begin_round();
  auto info = st.work.info;
  if (start.number > 1) {
    auto doc = std::make_shared<rapidjson::Document>();
    (void)parse_json(*doc, start.answers_json);  // Built from parsed answers: well-formed.
    info.input_responses = json_ref(doc, doc.get());
    info.request_state = std::move(start.request_state);
  }
  st.current = responder(std::make_shared<round_channel>(job_actor(self), st.context,
                                                         st.machine->visible().owner, start.number),
                         std::move(info));
  // A round only starts the tool (a message to its actor or pool, or an inline-safe handler),
  // so it runs here. One that throws fails its job at once.
  try {
    st.work.round(st.current);
  } catch (const std::exception& e) {
    log::error("job " + st.machine->visible().id + ": its round threw: " + e.what());
    st.current.error(
        make_error(rpc_code::internal_error,
                   std::string("Internal error: the tool's round threw: ") + e.what()));
  }
}

// Answers everyone waiting for the end, and leaves.
void settle(job_self self) {
  auto& st = self->state;
  std::vector<view_fn> waiters;
  task_view view{st.machine->visible(), {}};
  {
    std::lock_guard<std::mutex> g(st.live->m);
    st.live->view = view;
    st.live->settled = true;
    waiters.swap(st.live->waiters);
  }
  st.context->forget(view.record);
  for (auto& w : waiters) {
    if (st.machine->lost()) {
      w(*st.machine->lost());
    } else {
      w(view);
    }
  }
  // Not exit_reason::normal: CAF ignores an exit message with that reason.
  self->quit(caf::exit_reason::user_shutdown);
}

void apply(job_self self, const job_effects& effects) {
  if (effects.cancel_round) {
    self->state.current.cancel();  // Stop the tool's work (and its worker call).
  }
  if (effects.write) {
    write(self);
  }
  if (effects.run_round) {
    run_round(self);
  }
  if (effects.settle) {
    settle(self);
  }
}

void on_written(job_self self, const job_written& w) {
  auto& st = self->state;
  if (!w.ok) {
    log::error("job store write failed for job " + w.record.id + ": " + w.why);
    if (st.creating) {  // The job could not be recorded at all (its caller has heard).
      st.context->forget(w.record);
      self->quit(caf::exit_reason::user_shutdown);
      return;
    }
    apply(self, st.machine->write_failed(w.record, w.why));
    return;
  }
  auto effects = st.machine->written(w.record);
  if (!effects.settle) {
    publish_view(st);
  }
  publish_status(st);
  if (std::exchange(st.creating, false)) {
    auto ctx = st.context;
    self->delayed_send(
        self, ctx->timeout,
        job_end{job_state::expired,
                error_object(make_error(rpc_code::internal_error, "The task timed out")),
                "timed out after " + std::to_string(ctx->timeout.count()) + " ms"});
  }
  apply(self, effects);
}

job_actor::behavior_type job_impl(job_self self, std::shared_ptr<const job_context> context,
                                  std::shared_ptr<live_job> live, job_record record,
                                  job_work work) {
  auto& st = self->state;
  st.machine.emplace(std::move(record));
  st.context = std::move(context);
  st.live = std::move(live);
  st.work = std::move(work);
  return {
      [self](round_end& r) {
        apply(self, self->state.machine->round_ended(r.round, std::move(r.answer)));
      },
      [self](round_progress& p) {
        self->state.machine->progress(p.progress, p.total, p.message);
        publish_view(self->state);
      },
      [self](job_end& e) {
        apply(self,
              self->state.machine->end(e.state, std::move(e.error_json), std::move(e.message)));
      },
      [self](job_input& in) {
        auto effects = self->state.machine->answer(*in.responses);
        if (!effects) {
          in.done(invalid_params("Invalid params: task \"" + self->state.machine->visible().id +
                                 "\" waits for no input"));
          return;
        }
        in.done(std::nullopt);
        publish_view(self->state);  // Fewer pending requests.
        apply(self, *effects);
      },
      [self](job_written& w) { on_written(self, w); },
  };
}

}  // namespace

job_actor spawn_job(caf::actor_system& sys, std::shared_ptr<const job_context> context,
                    std::shared_ptr<live_job> live, job_record created, job_work work,
                    std::function<void(std::optional<std::string> why)> on_created) {
  auto store = context->store;
  auto record = created;
  job_actor actor =
      sys.spawn(job_impl, std::move(context), std::move(live), std::move(created), std::move(work));
  // The first write starts here, on the caller's thread, and its answer goes out from the
  // store's writer thread once it commits: a task handle is answered only once the job is
  // durable (a tasks/get right after must find it), without waiting for the actor's turn.
  store->put(record,
             [actor, record, on_created = std::move(on_created)](bool ok, const std::string& why) {
               on_created(ok ? std::nullopt : std::optional<std::string>(why));
               caf::anon_send(actor, job_written{record, ok, why});
             });
  return actor;
}

}  // namespace mcprt::actors::jobs
