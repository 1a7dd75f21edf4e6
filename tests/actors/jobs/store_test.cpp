// The durable job store: round trips, restart semantics, group commit, keys, TTL, bad files.
#include "actors/jobs/store.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

using namespace mcprt::actors::jobs;

namespace {

// A fresh directory for one test's database files, removed afterwards.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/mcprt-jobs-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::string db() const { return (path / "jobs.db").string(); }
};

std::unique_ptr<job_store> open_ok_capped(const std::string& path, int64_t max_bytes) {
  auto opened = job_store::open(path, max_bytes);
  REQUIRE(opened.has_value());
  return std::move(opened.value());
}

std::unique_ptr<job_store> open_ok(const std::string& path) {
  auto opened = job_store::open(path);
  if (auto* why = opened.failure()) {
    FAIL(*why);
  }
  return std::move(opened.value());
}

job_record job(std::string id, job_state state, std::string owner = "s1") {
  job_record r;
  r.id = std::move(id);
  r.owner = std::move(owner);
  r.tool = "sleep";
  r.state = state;
  r.created_ms = r.updated_ms = 1000;
  return r;
}

}  // namespace

TEST_CASE("a job's record is durable when put() reports it", "[job_store]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  bool durable = false;
  auto r = job("a", job_state::running);
  r.progress = 5;
  r.total = 10;
  store->put(r, [&](bool ok, const std::string&) { durable = ok; });
  store->flush();
  CHECK(durable);
  auto back = store->get("a");
  REQUIRE(back);
  CHECK(back->state == job_state::running);
  CHECK(back->progress == 5);
  CHECK(back->total == 10);
  CHECK_FALSE(store->get("missing"));
}

TEST_CASE("after a restart, finished results remain and unfinished work reads interrupted",
          "[job_store]") {
  temp_dir dir;
  {
    auto store = open_ok(dir.db());
    auto done = job("done", job_state::completed);
    done.result_json = R"({"content":[{"type":"text","text":"42"}]})";
    store->put(done);
    store->put(job("busy", job_state::running));
    store->put(job("waiting", job_state::queued));
    store->flush();
  }  // The process "stops".
  auto store = open_ok(dir.db());
  CHECK(store->get("done")->result_json == R"({"content":[{"type":"text","text":"42"}]})");
  for (const char* id : {"busy", "waiting"}) {
    auto r = store->get(id);
    REQUIRE(r);
    CHECK(r->state == job_state::failed);
    CHECK(r->message == "interrupted by restart");
    CHECK(r->result_json.find("\"code\":-32603") != std::string::npos);
  }
}

TEST_CASE("writes queued while a commit is in progress share the next commit", "[job_store]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  // The first write's callback runs on the writer thread after its commit; holding it there
  // until the rest are queued makes the grouping deterministic.
  std::mutex m;
  std::condition_variable cv;
  bool entered = false, queued = false;
  store->put(job("first", job_state::queued), [&](bool, const std::string&) {
    std::unique_lock<std::mutex> l(m);
    entered = true;
    cv.notify_all();
    cv.wait(l, [&] { return queued; });
  });
  {
    // Only once the first commit is done (its callback running) may the others queue.
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return entered; });
  }
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&store, t] {
      for (int i = 0; i < 250; ++i) {
        store->put(job(std::to_string(t) + "-" + std::to_string(i), job_state::queued));
      }
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  {
    std::lock_guard<std::mutex> g(m);
    queued = true;
  }
  cv.notify_all();
  store->flush();
  CHECK(store->writes() == 1001);
  CHECK(store->commits() == 2);
  CHECK(store->list("s1", 2000).size() == 1001);
}

TEST_CASE("idempotency keys, owners and TTL", "[job_store]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto keyed = job("k", job_state::completed);
  keyed.idempotency_key = "retry-1";
  keyed.ttl_ms = 500;
  store->put(keyed);
  store->put(job("other", job_state::completed, "s2"));
  store->flush();
  CHECK(store->find_by_key("s1", "retry-1")->id == "k");
  CHECK_FALSE(store->find_by_key("s2", "retry-1"));  // Keys are per owner.
  CHECK(store->list("s2", 10).size() == 1);
  CHECK(store->list("", 10).size() == 2);
  CHECK(store->sweep(1400) == 0);
  CHECK(store->sweep(1500) == 1);
  CHECK_FALSE(store->get("k"));
  CHECK(store->get("other"));  // No TTL: kept.
}

TEST_CASE("a file that is not a database is refused at open with a reason", "[job_store]") {
  temp_dir dir;
  std::ofstream(dir.db()) << std::string(8192, 'x');
  auto opened = job_store::open(dir.db());
  REQUIRE(!opened.has_value());
  CHECK(opened.error().find("not a database") != std::string::npos);
}

TEST_CASE("a file another store holds is refused with a reason, not shared", "[job_store]") {
  temp_dir dir;
  auto first = open_ok(dir.db());
  auto second = job_store::open(dir.db());
  REQUIRE(!second.has_value());
  CHECK(second.error().find("locked") != std::string::npos);
  CHECK(second.error().find("give each its own file") != std::string::npos);
}

TEST_CASE("a full store fails writes with a reason and keeps what it has", "[job_store]") {
  temp_dir dir;
  auto store = open_ok_capped(dir.db(), int64_t{64} * 1024);
  job_record small;
  small.id = "small";
  small.tool = "t";
  small.state = job_state::completed;
  small.result_json = R"({"content":[]})";
  std::string why;
  bool ok = false;
  auto put_and_wait = [&](job_record r) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    store->put(std::move(r), [&](bool w, const std::string& e) {
      std::lock_guard<std::mutex> g(m);
      ok = w;
      why = e;
      done = true;
      cv.notify_one();
    });
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return done; });
  };
  put_and_wait(small);
  CHECK(ok);
  job_record big = small;
  big.id = "big";
  big.result_json = std::string(size_t{256} * 1024, 'x');
  put_and_wait(big);
  CHECK_FALSE(ok);
  CHECK(why.find("full") != std::string::npos);
  CHECK(store->get("small"));
  CHECK_FALSE(store->get("big"));
}

TEST_CASE("job states have wire names", "[job_store]") {
  CHECK(to_string(job_state::cancelled) == "cancelled");
  CHECK(parse_job_state("expired") == job_state::expired);
  CHECK_FALSE(parse_job_state("done"));
  CHECK(is_final(job_state::failed));
  CHECK_FALSE(is_final(job_state::running));
}
