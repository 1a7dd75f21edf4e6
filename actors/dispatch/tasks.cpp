// Tasks on the wire: how a tools/call becomes a job (a task, or a keyed call answered when
// its job ends), and the tasks/* methods of both eras: 2025-11-25 experimental core tasks
// (get, result, list, cancel) and the 2026-07-28 extension (get, update, cancel; result and
// list removed).
#include "actors/dispatch/dispatcher.hpp"
#include "actors/dispatch/method_table.hpp"
#include "actors/jobs/task_wire.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/request_meta.hpp"

namespace mcprt::actors::dispatch {

namespace {

constexpr std::string_view first_tasks_version = "2025-11-25";

bool version_has_tasks(const request_info& info, const dispatch_env& env) {
  auto version = env.version.empty() ? std::string_view(info.version) : env.version;
  return info.era == era::modern || version >= first_tasks_version;
}

rpc_error missing_tasks_extension(std::string_view what) {
  return rpc_error{
      rpc_code::missing_client_capability,
      "Missing required client capability: " + std::string(what) + " needs the extension " +
          std::string(tasks_extension),
      R"({"requiredCapabilities":{"extensions":{)" + quote(tasks_extension) + ":{}}}}"};
}

std::string idempotency_key_of(const rpc::message& msg) {
  const auto* meta = request_meta(msg);
  auto key = meta != nullptr ? string_member(*meta, meta_key::idempotency_key) : std::nullopt;
  return key ? std::string(*key) : std::string();
}

// CreateTaskResult: 2026 flat (the responder adds resultType "task"), 2025 wrapped in `task`.
std::string created_result(const jobs::task_view& view, era e, int64_t poll_ms) {
  auto task = jobs::task_json(view, e, poll_ms, false);
  return e == era::modern ? task : R"({"task":)" + task + "}";
}

rpc_error stored_error(const jobs::job_record& r) {
  rapidjson::Document d;
  (void)parse_json(d, r.result_json);  // Unparsable: d stays null and the generic error stands.
  rpc_error err =
      make_error(rpc_code::internal_error, "The task " + std::string(to_string(r.state)));
  if (d.IsObject()) {
    if (auto* code = find_member(d, "code"); code != nullptr && code->IsInt()) {
      err.code = static_cast<rpc_code>(code->GetInt());
    }
    if (auto message = string_member(d, "message")) {
      err.message = std::string(*message);
    }
    if (auto* data = find_member(d, "data")) {
      err.data_json = to_json(*data);
    }
  }
  return err;
}

// What the original call would have answered: the tool's result, or the job's error.
// `related` adds 2025's related-task `_meta` (tasks/result).
void answer_final(const responder& out, const jobs::task_view& view, bool related) {
  const auto& r = view.record;
  if (r.state != jobs::job_state::completed) {
    out.error(stored_error(r));
    return;
  }
  auto how = jobs::is_tool_error(r.result_json) ? outcome::tool_error : outcome::ok;
  if (!related) {
    out.result(r.result_json, how);
    return;
  }
  rapidjson::Document d;
  if (parse_json(d, r.result_json) || !d.IsObject()) {
    out.result(r.result_json, how);
    return;
  }
  auto& a = d.GetAllocator();
  if (!d.HasMember("_meta") || !d["_meta"].IsObject()) {
    d.RemoveMember("_meta");
    d.AddMember("_meta", rapidjson::Value(rapidjson::kObjectType), a);
  }
  rapidjson::Value link(rapidjson::kObjectType);
  link.AddMember("taskId", rapidjson::Value(r.id.c_str(), a), a);
  d["_meta"].RemoveMember(rapidjson::StringRef(meta_key::related_task.data()));
  d["_meta"].AddMember(rapidjson::Value(meta_key::related_task.data(), a), link, a);
  out.result(to_json(d), how);
}

std::optional<std::string> task_id_param(const rpc::message& msg, const responder& out) {
  auto id = msg.params ? string_member(*msg.params, "taskId") : std::nullopt;
  if (!id) {
    out.error(invalid_params("Invalid params: " + msg.method + " needs a string \"taskId\""));
    return std::nullopt;
  }
  return std::string(*id);
}

// Whose a task is: the caller's principal when the server authenticates, else the 2025 session
// that created it (empty for a sessionless anonymous caller).
std::string task_owner(const request_info& info) {
  auto owner = info.caller.owner();
  return owner.empty() ? info.session_id : owner;
}

rpc_error unknown_task(const std::string& id) {
  return invalid_params("Invalid params: no task with id \"" + id +
                        "\" (unknown, or expired after its ttl)");
}

void tasks_get(const std::string& id, const responder& out, const dispatch_env& env) {
  auto view = env.jobs->get(id);
  if (!view) {
    out.error(unknown_task(id));
    return;
  }
  bool modern = out.info().era == era::modern;
  out.result(jobs::task_json(*view, out.info().era, env.jobs->options().poll_interval_ms, modern));
}

void tasks_cancel(const std::string& id, const responder& out, const dispatch_env& env) {
  bool modern = out.info().era == era::modern;
  if (!modern) {
    // 2025-11-25: cancelling a finished task is an error.
    if (auto view = env.jobs->get(id); view && jobs::is_final(view->record.state)) {
      out.error(invalid_params("Invalid params: task \"" + id + "\" is already " +
                               std::string(jobs::task_status(view->record, era::legacy))));
      return;
    }
  }
  auto poll = env.jobs->options().poll_interval_ms;
  env.jobs->cancel(id, [out, modern, poll](expected<jobs::task_view> r) {
    if (auto* err = r.failure()) {
      out.error(*err);
    } else if (modern) {
      out.result("{}");  // SEP-2663: an empty ack, the same for a task already finished.
    } else {
      out.result(jobs::task_json(r.value(), era::legacy, poll, false));
    }
  });
}

void tasks_update(const rpc::message& msg, const std::string& id, const responder& out,
                  const dispatch_env& env) {
  auto responses = msg.params ? msg.params.member("inputResponses") : json_ref();
  if (!responses || !responses->IsObject()) {
    out.error(invalid_params("Invalid params: tasks/update needs an object \"inputResponses\""));
    return;
  }
  env.jobs->update(id, std::move(responses), [out](std::optional<rpc_error> err) {
    if (err) {
      out.error(*err);
    } else {
      out.result("{}");
    }
  });
}

void tasks_list(const rpc::message& msg, const responder& out, const dispatch_env& env) {
  size_t offset = 0;
  if (auto cursor = msg.params ? string_member(*msg.params, "cursor") : std::nullopt) {
    auto text = std::string(*cursor);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 9) {
      out.error(invalid_params("Invalid params: unknown cursor"));
      return;
    }
    offset = std::stoul(text);
  }
  auto page = env.profile->page_size;
  // A caller lists its own tasks: its principal's, or without authentication its session's.
  auto views = env.jobs->list(task_owner(out.info()), offset, page + 1);
  std::string result = R"({"tasks":[)";
  for (size_t i = 0; i < views.size() && i < page; ++i) {
    result += (i > 0 ? "," : "") +
              jobs::task_json(views[i], era::legacy, env.jobs->options().poll_interval_ms, false);
  }
  result += "]";
  if (views.size() > page) {
    result += R"(,"nextCursor":)" + quote(std::to_string(offset + page));
  }
  out.result(result + "}");
}

}  // namespace

namespace {

using task_body = std::function<void(const rpc::message&, const responder&, const dispatch_env&)>;
using task_id_body = std::function<void(const rpc::message&, const std::string&, const responder&,
                                        const dispatch_env&)>;

// What every tasks/* method asks first: a job service, a version with tasks, and in 2026 the
// tasks extension among the client's capabilities.
method_handler gated(task_body body) {
  return [body = std::move(body)](const rpc::message& msg, const responder& out,
                                  const dispatch_env& env) {
    if (env.jobs == nullptr || !version_has_tasks(out.info(), env)) {
      return false;
    }
    if (out.info().era == era::modern && !out.info().caps.tasks) {
      out.error(missing_tasks_extension(msg.method));
      return true;
    }
    body(msg, out, env);
    return true;
  };
}

// The same for a method on one task: its taskId first. An authenticated caller reaches only
// its own tasks; another principal's answers exactly as an unknown id does.
method_handler on_task(task_id_body body) {
  return gated([body = std::move(body)](const rpc::message& msg, const responder& out,
                                        const dispatch_env& env) {
    auto id = task_id_param(msg, out);
    if (!id) {
      return;
    }
    const auto& caller = out.info().caller;
    if (!caller.anonymous()) {
      auto view = env.jobs->get(*id);
      if (view && view->record.owner != caller.owner()) {
        if (env.metrics != nullptr) {
          env.metrics->cross_principal("task", caller, msg.method);
        }
        out.error(unknown_task(*id));
        return;
      }
    }
    body(msg, *id, out, env);
  });
}

}  // namespace

void add_task_methods(method_table& table) {
  table.add({"tasks/get", in_both, method_scope::stateless, false, "taskId",
             on_task([](const rpc::message&, const std::string& id, const responder& out,
                        const dispatch_env& env) { tasks_get(id, out, env); })});
  table.add({"tasks/cancel", in_both, method_scope::stateless, false, "taskId",
             on_task([](const rpc::message&, const std::string& id, const responder& out,
                        const dispatch_env& env) { tasks_cancel(id, out, env); })});
  table.add(
      {"tasks/update", in_modern, method_scope::stateless, false, "taskId", on_task(tasks_update)});
  // 2026-07-28 removed tasks/result and tasks/list: method not found there.
  table.add({"tasks/list", in_legacy, method_scope::stateless, false, {}, gated(tasks_list)});
  table.add({"tasks/result",
             in_legacy,
             method_scope::stateless,
             false,
             {},
             on_task([](const rpc::message&, const std::string& id, const responder& out,
                        const dispatch_env& env) {
               // Waits until the task ends.
               env.jobs->when_final(id, [out](expected<jobs::task_view> r) {
                 if (auto* err = r.failure()) {
                   out.error(*err);
                 } else {
                   answer_final(out, r.value(), true);
                 }
               });
             })});
}

bool call_as_job(const rpc::message& msg, const catalog::catalog_tool& tool,
                 const json_ref& arguments, const responder& out, const dispatch_env& env) {
  const auto& info = out.info();
  bool modern = info.era == era::modern;
  auto support = tool.definition.task_support;
  const auto& name = tool.definition.name;
  bool wants_task = false;
  if (modern) {
    if (support == task_support::required && !info.caps.tasks) {
      out.error(missing_tasks_extension("tool '" + name + "'"));
      return true;
    }
    // Server-directed: a client that negotiated the extension gets a task for any tool that
    // supports one; a v1-style `task` param is tolerated and ignored.
    wants_task = support != task_support::forbidden && info.caps.tasks;
  } else if (version_has_tasks(info, env)) {
    auto* task = msg.params ? find_member(*msg.params, "task") : nullptr;
    bool asked = task != nullptr && task->IsObject();
    if (asked && support == task_support::forbidden) {
      out.error(make_error(rpc_code::method_not_found,
                           "Method not found: tool '" + name +
                               "' cannot run as a task (execution.taskSupport is forbidden)"));
      return true;
    }
    if (!asked && support == task_support::required) {
      out.error(make_error(
          rpc_code::method_not_found,
          "Method not found: tool '" + name + "' runs only as a task; call it with params.task"));
      return true;
    }
    wants_task = asked;
  }
  auto key = idempotency_key_of(msg);
  if (env.jobs == nullptr || (!wants_task && key.empty())) {
    return false;
  }
  auto jobs = env.jobs->shared_from_this();
  jobs::job_spec spec{task_owner(info), name, key, info, {}};
  auto poll = jobs->options().poll_interval_ms;
  // Answers `out` once the job exists: with the task handle, or (a keyed plain call) with
  // the job's outcome, however often the call is repeated.
  auto answer_with = [wants_task, jobs, poll](const responder& out) {
    return [out, wants_task, jobs, poll](expected<jobs::task_view> r, bool) {
      if (auto* err = r.failure()) {
        out.error(*err);
      } else if (wants_task) {
        out.task_created(created_result(r.value(), out.info().era, poll));
      } else {
        jobs->when_final(r.value().record.id, [out](expected<jobs::task_view> done) {
          if (auto* err = done.failure()) {
            out.error(*err);
          } else {
            answer_final(out, done.value(), false);
          }
        });
      }
    };
  };
  if (wants_task && tool.definition.task_start == task_start::by_handler) {
    // The handler decides (tool_invocation::run_as_task), e.g. after MRTR rounds.
    responder_internals::set_task_escalation(
        out, [jobs, spec, answer_with](const responder& self, task_round round) {
          auto s = spec;
          s.info = self.info();
          s.round = std::move(round);
          jobs->start(std::move(s), answer_with(self));
        });
    return false;
  }
  // The snapshot keeps the tool alive for as long as the job runs rounds.
  spec.round = [tools = env.tools, t = &tool, arguments](const responder& round) {
    run_tool(*t, arguments, round);
  };
  jobs->start(std::move(spec), answer_with(out));
  return true;
}

}  // namespace mcprt::actors::dispatch
