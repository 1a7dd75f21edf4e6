// One worker subprocess's input: written without waiting, in order, however far the worker
// falls behind; a worker that stops reading is reported once, not waited for.
#include "actors/adapters/worker.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

using namespace mcprt::actors::adapters;

namespace {

// Like the server (actors/node/main.cpp): a write to a dead worker is EPIPE, not a signal.
const bool sigpipe_ignored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

// What a worker's threads reported, for the test's thread to wait on.
struct reports {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> lines;
  size_t stalled_unread = 0;
  int stalls = 0;
  bool exited = false;

  worker_events events() {
    worker_events e;
    e.on_stdout = [this](std::string line) {
      std::lock_guard<std::mutex> g(m);
      lines.push_back(std::move(line));
      cv.notify_all();
    };
    e.on_exit = [this](const std::string&) {
      std::lock_guard<std::mutex> g(m);
      exited = true;
      cv.notify_all();
    };
    e.on_stalled = [this](size_t unread) {
      std::lock_guard<std::mutex> g(m);
      stalled_unread += unread;
      ++stalls;
      cv.notify_all();
    };
    return e;
  }
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds most = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, most, pred);
  }
};

std::string numbered_line(int i) {
  return std::to_string(i) + " " + std::string(200, 'x');
}

}  // namespace

TEST_CASE("a worker gets every line in order, more than its pipe holds at once",
          "[actors][adapters][worker]") {
  reports seen;
  auto spawned = adapter_worker::spawn({"cat", {}, {}, {}, {}}, seen.events());
  REQUIRE(spawned.failure() == nullptr);
  auto& worker = *spawned.value();
  // About 1.2 MiB in one go: far more than a pipe's 64 KiB, so most of it waits for the
  // writer thread while `cat` catches up.
  constexpr int count = 6000;
  for (int i = 0; i < count; ++i) {
    REQUIRE(worker.send(numbered_line(i)) == adapter_worker::send_result::sent);
  }
  REQUIRE(seen.wait_for([&] { return seen.lines.size() >= count; }));
  std::lock_guard<std::mutex> g(seen.m);
  REQUIRE(seen.lines.size() == count);
  for (int i = 0; i < count; ++i) {
    REQUIRE(seen.lines[i] == numbered_line(i));
  }
  CHECK(seen.stalled_unread == 0);
}

TEST_CASE("a worker that stops reading is reported once, and sending never waits for it",
          "[actors][adapters][worker]") {
  reports seen;
  // Reads nothing, ever, until it is killed.
  auto spawned = adapter_worker::spawn({"sleep", {"60"}, {}, {}, {}}, seen.events(),
                                       std::chrono::milliseconds(100));
  REQUIRE(spawned.failure() == nullptr);
  auto& worker = *spawned.value();
  for (int i = 0; i < 1000; ++i) {  // About 200 KiB: the pipe takes 64 of it.
    REQUIRE(worker.send(numbered_line(i)) == adapter_worker::send_result::sent);
  }
  REQUIRE(seen.wait_for([&] { return seen.stalled_unread > 0; }));
  {
    std::lock_guard<std::mutex> g(seen.m);
    CHECK(seen.stalled_unread > 100000);
  }
  // Still stalled five stall periods later, and still reported once.
  CHECK_FALSE(seen.wait_for([&] { return seen.stalls > 1; }, std::chrono::milliseconds(500)));
  worker.kill();
  REQUIRE(seen.wait_for([&] { return seen.exited; }));
  CHECK(worker.send("after its end") == adapter_worker::send_result::gone);
  std::lock_guard<std::mutex> g(seen.m);
  CHECK(seen.stalls == 1);
}
