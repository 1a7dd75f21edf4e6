// The job service with real job actors over an in-memory store: a job runs its rounds,
// waits for input, is cancelled while a round holds, expires, and answers repeated keys.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>

#include "actors/jobs/jobs.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::jobs;

namespace {

using view_result = expected<task_view>;

// Waits for a callback's value; a test that never gets it fails instead of hanging.
template <class T>
T await(std::future<T>& f) {
  REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  return f.get();
}

// The owner's task status notes (notifications/tasks/status), as its session hears them.
struct status_watch {
  std::shared_ptr<outbox> box;
  uint64_t gen = 0;
  std::mutex m;
  std::condition_variable cv;
  std::string heard;

  status_watch(actors::notifier::notifier& notes, const std::shared_ptr<mcprt::metrics>& metrics)
      : box(std::make_shared<outbox>(outbox_limits{}, stream_format::raw, metrics)) {
    gen = box->attach([this] { drain(); });
    notes.subscribe(actors::notifier::topic::tasks_of("session-1"), box);
  }
  void drain() {
    std::string frames;
    box->drain_messages(gen, [&](const std::string& frame, frame_role) { frames += frame; });
    std::lock_guard<std::mutex> g(m);
    heard += frames;
    cv.notify_all();
  }
  // Waits (at most 20 s) until a status note holding `text` was heard.
  bool wait_for(const std::string& text) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, std::chrono::seconds(20),
                       [&] { return heard.find(text) != std::string::npos; });
  }
};

struct jobs_world {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<mcprt::metrics> metrics = std::make_shared<mcprt::metrics>();
  std::shared_ptr<actors::notifier::notifier> notes;
  std::unique_ptr<status_watch> statuses;
  std::shared_ptr<job_service> jobs;

  explicit jobs_world(const job_options& options = {}) {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    notes = std::make_shared<actors::notifier::notifier>(*sys, 1, metrics);
    statuses = std::make_unique<status_watch>(*notes, metrics);
    auto store = job_store::open(":memory:");
    REQUIRE(store.has_value());
    jobs = std::make_shared<job_service>(*sys, std::move(store.value()), options, notes);
  }
  ~jobs_world() {
    jobs->stop();
    jobs.reset();
    notes->stop();
    sys.reset();
  }

  // Starts a job running `round` and returns it once it is durable.
  task_view start(task_round round, std::string key = {}) {
    std::promise<view_result> created;
    auto f = created.get_future();
    job_spec spec{"session-1", "slow", std::move(key), {}, std::move(round)};
    jobs->start(std::move(spec),
                [&created](view_result r, bool) { created.set_value(std::move(r)); });
    auto r = await(f);
    REQUIRE(r.has_value());
    return r.value();
  }

  task_view final_view(const std::string& id) {
    std::promise<view_result> done;
    auto f = done.get_future();
    jobs->when_final(id, [&done](view_result r) { done.set_value(std::move(r)); });
    auto r = await(f);
    REQUIRE(r.has_value());
    return r.value();
  }

  std::optional<rpc_error> update(const std::string& id, const char* responses) {
    auto doc = std::make_shared<rapidjson::Document>();
    REQUIRE_FALSE(parse_json(*doc, responses));
    std::promise<std::optional<rpc_error>> done;
    auto f = done.get_future();
    jobs->update(id, json_ref(doc, doc.get()),
                 [&done](std::optional<rpc_error> err) { done.set_value(std::move(err)); });
    return await(f);
  }
};

}  // namespace

TEST_CASE("a job's round result completes it durably", "[actors][jobs][job_service]") {
  jobs_world w;
  auto created = w.start([](const responder& out) { out.result(R"({"content":[]})"); });
  CHECK(created.record.state == job_state::running);
  auto done = w.final_view(created.record.id);
  CHECK(done.record.state == job_state::completed);
  CHECK(done.record.result_json == R"({"content":[]})");
  auto read = w.jobs->get(created.record.id);
  REQUIRE(read);
  CHECK(read->record.state == job_state::completed);
}

TEST_CASE("a job waits for input and runs the next round with the answers",
          "[actors][jobs][job_service]") {
  jobs_world w;
  std::promise<void> asked;
  std::promise<std::pair<std::string, std::string>> second_round;
  auto round = [&asked, &second_round](const responder& out) {
    if (!out.info().input_responses) {
      out.input_required(R"({"name":{"method":"elicitation/create"}})", "cursor-1");
      asked.set_value();
      return;
    }
    second_round.set_value({to_json(*out.info().input_responses), out.info().request_state});
    out.result(R"({"content":[{"type":"text","text":"hi"}]})");
  };
  auto created = w.start(round);
  auto asked_f = asked.get_future();
  await(asked_f);
  // input_required is visible once durable (the owner hears it); tasks/get shows what is asked.
  auto id = created.record.id;
  REQUIRE(w.statuses->wait_for(R"("status":"input_required")"));
  auto view = w.jobs->get(id);
  REQUIRE(view);
  REQUIRE(view->record.state == job_state::input_required);
  CHECK(view->input_requests == R"({"name":{"method":"elicitation/create"}})");

  CHECK_FALSE(w.update(id, R"({"name":{"action":"accept","content":{"v":"x"}}})"));
  auto second_f = second_round.get_future();
  auto [answers, state] = await(second_f);
  CHECK(answers == R"({"name":{"action":"accept","content":{"v":"x"}}})");
  CHECK(state == "cursor-1");
  CHECK(w.final_view(id).record.state == job_state::completed);
  // Finished: it waits for no input any more.
  auto late = w.update(id, R"({"name":{}})");
  REQUIRE(late);
  CHECK(late->message.find("waits for no input") != std::string::npos);
}

TEST_CASE("cancelling a job cancels its held round at once", "[actors][jobs][job_service]") {
  jobs_world w;
  std::promise<responder> held;
  auto created = w.start([&held](const responder& out) { held.set_value(out); });
  auto held_f = held.get_future();
  auto round = await(held_f);

  std::promise<view_result> cancelled;
  auto f = cancelled.get_future();
  w.jobs->cancel(created.record.id,
                 [&cancelled](view_result r) { cancelled.set_value(std::move(r)); });
  auto r = await(f);
  REQUIRE(r.has_value());
  CHECK(r.value().record.state == job_state::cancelled);
  CHECK(round.cancelled());
  // The round answering late changes nothing.
  round.result("{}");
  CHECK(w.jobs->get(created.record.id)->record.state == job_state::cancelled);
}

TEST_CASE("a job past its timeout expires", "[actors][jobs][job_service]") {
  job_options options;
  options.timeout = std::chrono::milliseconds(50);
  jobs_world w(options);
  std::promise<responder> held;
  auto created = w.start([&held](const responder& out) { held.set_value(out); });
  auto done = w.final_view(created.record.id);
  CHECK(done.record.state == job_state::expired);
  CHECK(done.record.message == "timed out after 50 ms");
  auto held_f = held.get_future();
  CHECK(await(held_f).cancelled());
}

TEST_CASE("a repeated idempotency key answers with the first job", "[actors][jobs][job_service]") {
  jobs_world w;
  std::promise<responder> held;
  auto first = w.start([&held](const responder& out) { held.set_value(out); }, "key-1");
  auto again = w.start([](const responder&) { FAIL("a second job ran"); }, "key-1");
  CHECK(again.record.id == first.record.id);
  auto held_f = held.get_future();
  await(held_f).result(R"({"content":[]})");
  CHECK(w.final_view(first.record.id).record.state == job_state::completed);
}

TEST_CASE("a round that throws fails its job at once", "[actors][jobs][job_service]") {
  jobs_world w;
  auto created = w.start([](const responder&) { throw std::runtime_error("tool bug"); });
  auto done = w.final_view(created.record.id);
  CHECK(done.record.state == job_state::failed);
  CHECK(done.record.message.find("the tool's round threw: tool bug") != std::string::npos);
  CHECK(done.record.result_json.find("-32603") != std::string::npos);
}
