// Forward to the owner between two actor systems in one process, over BASP on loopback: node
// "b" owns a GET-like stream and pumps it to a request relayed from node "a", whose client
// does not read at first. The owner sends no more than the credit window and then stalls (its
// stream's queue keeps the rest); as the client reads, credit flows and every note arrives,
// then the stream's end. Also a plain answer, and a 404 for a session of an unknown node.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "actors/cluster/membership.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/mcp/ids.hpp"
#include "support/cluster_node.hpp"

using namespace mcprt;
using namespace mcprt::actors::cluster;
using namespace std::chrono_literals;
using mcprt::test::eventually;

namespace {

// A client's side of one exchange: what it was answered, and the stream it was handed.
class fake_exchange final : public http_exchange {
 public:
  void respond(http_response r) override {
    std::lock_guard<std::mutex> g(mutex_);
    response_ = std::move(r);
    changed_.notify_all();
  }
  void start_stream(http_headers) override {}
  void write_stream(std::string, note_overflow) override {}
  void end_stream() override {}
  void pump(std::shared_ptr<outbox> source, http_headers, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> g(mutex_);
    stream_ = std::move(source);
    changed_.notify_all();
  }
  void abort() override {}
  void on_client_close(std::function<void()>) override {}
  void arm_deadline(std::chrono::milliseconds, std::function<void()>) override {}

  std::optional<http_response> response(std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> g(mutex_);
    changed_.wait_for(g, within, [&] { return response_.has_value(); });
    return response_;
  }
  std::shared_ptr<outbox> stream(std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> g(mutex_);
    changed_.wait_for(g, within, [&] { return stream_ != nullptr; });
    return stream_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<http_response> response_;
  std::shared_ptr<outbox> stream_;
};

// Reads a relayed stream the way a transport does: attach, pull when woken.
class reader {
 public:
  explicit reader(std::shared_ptr<outbox> box) : box_(std::move(box)) {
    gen_ = box_->attach([this] {
      std::lock_guard<std::mutex> g(mutex_);
      woken_ = true;
      wake_.notify_all();
    });
  }
  ~reader() { box_->detach(gen_); }
  // Everything queued now.
  std::string take() {
    std::string out;
    std::vector<out_piece> pieces;
    while (box_->pull(gen_, pieces)) {
      for (const auto& p : pieces) {
        out += p.bytes;
      }
      pieces.clear();
    }
    return out;
  }
  // Until the stream has ended (its outbox closed and empty), or `within` passes.
  std::string rest(std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    std::string out;
    for (;;) {
      {
        std::lock_guard<std::mutex> g(mutex_);
        woken_ = false;
      }
      out += take();
      if (box_->closed() || std::chrono::steady_clock::now() > deadline) {
        return out + take();
      }
      std::unique_lock<std::mutex> g(mutex_);
      wake_.wait_until(g, deadline, [&] { return woken_; });
    }
  }

 private:
  std::shared_ptr<outbox> box_;
  uint64_t gen_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
};

cluster_options options_for(std::string name, std::string peer, uint16_t peer_port) {
  auto o = test::unit_options(std::move(name), std::move(peer), peer_port);
  o.forward.window_bytes = size_t{64} * 1024;
  return o;
}

size_t events_in(const std::string& stream) {
  size_t n = 0;
  for (auto at = stream.find("data: "); at != std::string::npos;
       at = stream.find("data: ", at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("forwarding: a relayed stream stays within the credit window", "[cluster][forward]") {
  // "b" listens; "a" (the smaller name) dials it.
  test::unit_node b(options_for("b", "a", 1));
  test::unit_node a(options_for("a", "b", b.members->port()));
  REQUIRE(eventually([&] { return a.members->all_up() && b.members->all_up(); }, 10s));

  constexpr int notes = 400;
  const std::string padding(1000, 'x');
  std::shared_ptr<outbox> source;
  b.members->serve_forwarded_with([&](const http_request& r, const principal&,
                                      const http_exchange_ptr& ex) {
    if (r.path == "/answer") {
      ex->respond({200, "application/json", R"({"ok":true})", {{"Mcp-Session-Id", "b.1.x"}}});
      return;
    }
    // A session's stream with more queued than the window: 400 notes of about 1 KiB.
    source = std::make_shared<outbox>(outbox_limits{1024, 0.9, 64}, stream_format::sse, nullptr);
    for (int i = 0; i < notes; ++i) {
      source->offer(
          shared_note::make("n", R"({"i":)" + std::to_string(i) + R"(,"pad":")" + padding + "\"}"),
          overflow_policy::drop_oldest);
    }
    ex->pump(source, {{"Mcp-Session-Id", "b.1.x"}}, 0ms);
  });

  auto owner = id_owner{"b", std::nullopt};
  SECTION("an answer comes back whole") {
    auto ex = std::make_shared<fake_exchange>();
    http_request req;
    req.method = "POST";
    req.path = "/answer";
    a.members->forwarding()->forward(owner, actors::cluster::wire::forward_kind::post, req, {}, "1",
                                     ex);
    auto r = ex->response(5s);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == R"({"ok":true})");
    REQUIRE(r->headers.size() == 1);
    CHECK(r->headers[0].second == "b.1.x");
  }

  SECTION("the owner stalls at the window until the client reads, then all arrives") {
    auto ex = std::make_shared<fake_exchange>();
    http_request req;
    req.method = "GET";
    req.path = "/mcp";
    a.members->forwarding()->forward(owner, actors::cluster::wire::forward_kind::get, req, {}, "",
                                     ex);
    auto box = ex->stream(5s);
    REQUIRE(box);
    // Nobody reads: the owner sends one window (and at most one batch past it) and waits;
    // the rest stays in the session's queue, under its own policy.
    REQUIRE(eventually(
        [&] { return b.counter(R"(mcprt_cluster_credit_stalls_total{peer="a"})") >= 1; }, 10s));
    auto left = source->feed_size();
    auto sent = static_cast<size_t>(notes) - left;
    CHECK(sent * 1100 >= size_t{64} * 1024);  // Each note is about 1,060 bytes framed.
    CHECK(sent <= (size_t{64} * 1024) / 1000 + 64 + 1);
    REQUIRE(eventually([&] { return box->control_size() > 0; }, 10s));  // It arrived.
    CHECK(source->feed_size() == left);  // Without reads, no credit: nothing more pulled.
    reader client(box);
    auto first = client.take();
    CHECK(!first.empty());
    // Reading grants credit: the rest follows; closing the source ends the relayed stream.
    std::string all = first;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (events_in(all) < notes && std::chrono::steady_clock::now() < deadline) {
      all += client.rest(20ms);
    }
    auto events = events_in(all);
    source->close("session ended");
    all += client.rest(10s);
    CHECK(box->closed());
    CHECK(events == notes);
    CHECK(all.find(R"("i":399)") != std::string::npos);
    CHECK(all.ends_with(": stream closed: session ended\n\n"));
  }

  SECTION("a session of a node not in cluster.peers is looked up locally") {
    CHECK_FALSE(a.members->forwarding()->elsewhere("zz.0000000000000007.abcd"));
    CHECK_FALSE(a.members->forwarding()->elsewhere("a.0000000000000007.abcd"));
    CHECK(a.members->forwarding()->elsewhere("b.0000000000000007.abcd"));
  }
  b.members->serve_forwarded_with(nullptr);
}
