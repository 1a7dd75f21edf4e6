// The load generator's client side: Beast HTTP/1.1 connections, one request in flight each,
// closed loop (send on completion) or open loop (send at scheduled times; latency counted from
// the scheduled time, so a slow server cannot hide its queueing).
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "benches/load/net_util.hpp"
#include "benches/load/proc_stats.hpp"
#include "benches/load/scenario.hpp"

namespace mcprt::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

std::string default_arguments(const options& o) {
  if (!o.arguments.empty()) {
    return o.arguments;
  }
  if (o.tool == "echo") {
    return R"({"text":")" + std::string(o.payload, 'x') + R"("})";
  }
  if (o.tool == "sleep") {
    return R"({"ms":0})";
  }
  return "{}";
}

// One thread's share of the run: its io_context, its connections, its own histogram.
struct worker {
  const options& opt;
  std::vector<target> wheres;  // One per --url.
  net::io_context ioc;
  std::vector<tcp::resolver::results_type> endpoints;
  // --session-url: where sessions are opened (the calls then go to wheres).
  std::optional<target> session_where;
  tcp::resolver::results_type session_endpoints;
  histogram latency;
  std::map<std::string, uint64_t> errors;
  uint64_t completed = 0;
  clock::time_point window_start, window_end;
  std::atomic<bool>& stopping;
  std::string call_body;
  // Open loop: scheduled send times not yet taken by a connection.
  std::deque<clock::time_point> due;
  std::vector<std::function<void()>> idle_waiters;
  int connections_open = 0;

  worker(const options& o, std::atomic<bool>& stop) : opt(o), stopping(stop) {
    for (const auto& u : o.urls) {
      wheres.push_back(parse_url(u));
    }
    if (!o.session_url.empty()) {
      session_where = parse_url(o.session_url);
    }
  }

  void error(const std::string& kind) {
    if (clock::now() >= window_start) {
      ++errors[kind];
    }
  }
  void done(clock::time_point intended, clock::time_point finished) {
    if (intended >= window_start && finished <= window_end) {
      latency.record(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(finished - intended).count()));
      ++completed;
    }
  }
};

std::string call_request(const options& o, bool modern, bool progress) {
  std::string meta = progress ? R"("progressToken":1,)" : "";
  if (modern) {
    meta += R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)";
    meta +=
        o.tasks
            ? R"("io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}},)"
            : R"("io.modelcontextprotocol/clientCapabilities":{},)";
    meta += R"("io.modelcontextprotocol/clientInfo":{"name":"mcprt-bench","version":"1"})";
  } else if (!meta.empty()) {
    meta.pop_back();
  }
  return R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")" + o.tool +
         R"(","arguments":)" + default_arguments(o) + R"(,"_meta":{)" + meta + "}}}";
}

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(worker& w, bool hold_only, size_t u)
      : w_(w), stream_(w.ioc), hold_only_(hold_only), u_(u) {}

  void start() {
    // With --session-url the session is opened there first.
    opening_elsewhere_ = session() && w_.session_where.has_value();
    stream_.expires_after(std::chrono::seconds(10));
    stream_.async_connect(
        opening_elsewhere_ ? w_.session_endpoints : w_.endpoints[u_],
        [self = shared_from_this()](beast::error_code ec, auto) { self->on_connect(ec); });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  bool session() const { return w_.opt.transport == "http-session" || w_.opt.scenario == "idle"; }

  void on_connect(beast::error_code ec) {
    if (ec) {
      w_.error("connect");
      return;
    }
    ++w_.connections_open;
    if (session() && session_id_.empty()) {
      return send(
          R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcprt-bench","version":"1"}}})",
          "", step::initialize);
    }
    next();
  }

  enum class step { initialize, initialized, call };

  void send(const std::string& body, const std::string& method, step s) {
    step_ = s;
    const auto& where = opening_elsewhere_ ? *w_.session_where : w_.wheres[u_];
    req_ = {};
    req_.method(http::verb::post);
    req_.target(where.path);
    req_.version(11);
    req_.set(http::field::host, where.host + ":" + where.port);
    req_.set(http::field::content_type, "application/json");
    req_.set(http::field::accept, "application/json, text/event-stream");
    if (!w_.opt.bearer.empty()) {
      req_.set(http::field::authorization, "Bearer " + w_.opt.bearer);
    }
    if (!session_id_.empty()) {
      req_.set("Mcp-Session-Id", session_id_);
      req_.set("MCP-Protocol-Version", "2025-11-25");
    } else if (w_.opt.transport == "http-stateless") {
      req_.set("MCP-Protocol-Version", "2025-11-25");
    } else if (!session()) {
      req_.set("MCP-Protocol-Version", "2026-07-28");
      req_.set("Mcp-Method", method);
      req_.set("Mcp-Name", w_.opt.tool);
    }
    req_.body() = body;
    req_.prepare_payload();
    res_.emplace();
    res_->body_limit(uint64_t{64} * 1024 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(
        stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) {
            return self->fail("io");
          }
          http::async_read(self->stream_, self->buf_, *self->res_,
                           [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
        });
  }

  void fail(const char* kind) {
    w_.error(kind);
    close();
    --w_.connections_open;
    if (!w_.stopping) {
      // Replace this connection so the offered load stays the same.
      std::make_shared<connection>(w_, hold_only_, u_)->start();
    }
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      return fail(ec == beast::error::timeout ? "timeout" : "io");
    }
    auto& res = res_->get();
    auto now = clock::now();
    if (step_ == step::initialize) {
      session_id_ = std::string(res["Mcp-Session-Id"]);
      if (res.result_int() != 200 || session_id_.empty()) {
        return fail("initialize");
      }
      return send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "",
                  step::initialized);
    }
    if (step_ == step::initialized) {
      if (hold_only_) {
        // Idle scenario: keep the session (and, unless told otherwise, the connection).
        if (w_.opt.idle_close) {
          close();
        }
        return;
      }
      if (opening_elsewhere_) {
        // The session is open on its node: call it through the other one from now on.
        opening_elsewhere_ = false;
        close();
        --w_.connections_open;
        buf_.clear();
        stream_.expires_after(std::chrono::seconds(10));
        return stream_.async_connect(
            w_.endpoints[u_],
            [self = shared_from_this()](beast::error_code ec, auto) { self->on_connect(ec); });
      }
      return next();
    }
    const auto& body = res.body();
    // Beast reads as much as the buffer has room for, 512 bytes at least: a 1 MiB answer was
    // 2,000 reads (and timer resets). A connection that got a large answer keeps 64 KiB.
    if (body.size() > big_answer && buf_.capacity() < big_answer) {
      buf_.reserve(big_answer);
    }
    if (res.result_int() != 200) {
      w_.error("http_" + std::to_string(res.result_int()));
    } else if (body.find("\"result\"") == std::string::npos) {
      w_.error(body.find("\"error\"") != std::string::npos ? "rpc_error" : "bad_body");
    } else if (body.find("\"isError\":true") != std::string::npos) {
      w_.error("tool_error");
    } else {
      w_.done(intended_, now);
    }
    if (!res.keep_alive()) {
      return fail("closed");
    }
    next();
  }

  void next() {
    if (w_.stopping) {
      return close();
    }
    if (w_.opt.rate <= 0) {
      intended_ = clock::now();
      return send(w_.call_body, "tools/call", step::call);
    }
    if (!w_.due.empty()) {
      intended_ = w_.due.front();
      w_.due.pop_front();
      return send(w_.call_body, "tools/call", step::call);
    }
    // Wait for the scheduler to make a send due.
    w_.idle_waiters.emplace_back([self = shared_from_this()] { self->next(); });
  }

  worker& w_;
  beast::tcp_stream stream_;
  bool hold_only_;
  static constexpr size_t big_answer = size_t{64} * 1024;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> res_;
  std::string session_id_;
  size_t u_;                        // Which --url.
  bool opening_elsewhere_ = false;  // Connected to --session-url to open the session.
  step step_ = step::call;
  clock::time_point intended_;
};

// Open loop: wake at the next due time (no sooner than 50 us from now), make every send due
// by then available to idle connections.
void schedule(worker& w, const std::shared_ptr<net::steady_timer>& timer, clock::time_point start,
              double rate, uint64_t issued) {
  auto now = clock::now();
  // Sends 0..should-1 are due: send k is due at start + k / rate.
  auto should =
      static_cast<uint64_t>(std::chrono::duration<double>(now - start).count() * rate) + 1;
  for (; issued < should; ++issued) {
    w.due.push_back(start + std::chrono::nanoseconds(
                                static_cast<int64_t>(static_cast<double>(issued) * 1e9 / rate)));
  }
  while (!w.due.empty() && !w.idle_waiters.empty()) {
    auto f = std::move(w.idle_waiters.back());
    w.idle_waiters.pop_back();
    f();
  }
  if (w.stopping) {
    for (auto& f : w.idle_waiters) {
      f();
    }
    w.idle_waiters.clear();
    return;
  }
  auto next_due = start + std::chrono::nanoseconds(
                              static_cast<int64_t>(static_cast<double>(issued) * 1e9 / rate));
  timer->expires_at(std::max(next_due, now + std::chrono::microseconds(50)));
  timer->async_wait([&w, timer, start, rate, issued](beast::error_code ec) {
    if (!ec) {
      schedule(w, timer, start, rate, issued);
    }
  });
}

result run(const options& o, bool hold_only) {
  raise_fd_limit();
  std::atomic<bool> stopping{false};
  int n = std::max(1, o.threads);
  std::vector<std::unique_ptr<worker>> workers;
  auto t0 = clock::now();
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<worker>(o, stopping);
    tcp::resolver resolver(w->ioc);
    for (const auto& where : w->wheres) {
      w->endpoints.push_back(resolver.resolve(where.host, where.port));
    }
    if (w->session_where) {
      w->session_endpoints = resolver.resolve(w->session_where->host, w->session_where->port);
    }
    w->call_body = call_request(o, o.transport == "http" || o.transport == "http-sse",
                                o.transport == "http-sse");
    w->window_start = t0 + o.warmup;
    w->window_end = w->window_start + o.duration;
    workers.push_back(std::move(w));
  }
  std::optional<proc_sample> before;
  if (!o.server_pids.empty()) {
    before = read_procs(o.server_pids);
  }
  // Spread the connections over the workers and start them.
  std::vector<std::shared_ptr<connection>> conns;
  for (int c = 0; c < o.connections; ++c) {
    auto& w = *workers[static_cast<size_t>(c % n)];
    conns.push_back(
        std::make_shared<connection>(w, hold_only, static_cast<size_t>(c) % o.urls.size()));
    conns.back()->start();
  }
  for (auto& w : workers) {
    if (o.rate > 0 && !hold_only) {
      auto timer = std::make_shared<net::steady_timer>(w->ioc);
      schedule(*w, timer, t0, o.rate / n, 0);
    }
  }
  std::optional<proc_sample> at_window;
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) {
    threads.emplace_back([&w] { w->ioc.run(); });
  }
  // The main thread only keeps time: warm-up, then the measured window (or the hold).
  std::this_thread::sleep_until(t0 + o.warmup);
  if (!o.server_pids.empty()) {
    at_window = read_procs(o.server_pids);
  }
  std::this_thread::sleep_until(t0 + o.warmup + (hold_only ? o.hold : o.duration));
  result r;
  if (!o.server_pids.empty()) {
    auto end = read_procs(o.server_pids);
    if (end && at_window) {
      r.server_cpu_seconds = end->cpu_seconds - at_window->cpu_seconds;
      r.server_rss_kb = end->rss_kb;
      if (hold_only && before) {
        r.rss_per_connection_kb =
            static_cast<double>(end->rss_kb - before->rss_kb) / std::max(1, o.connections);
        r.anon_per_connection_kb = static_cast<double>(end->rss_anon_kb - before->rss_anon_kb) /
                                   std::max(1, o.connections);
      }
    }
  }
  for (auto& w : workers) {
    r.connections_open += w->connections_open;
  }
  stopping = true;
  for (auto& w : workers) {
    net::post(w->ioc, [&w] { w->ioc.stop(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  conns.clear();
  r.seconds = std::chrono::duration<double>(o.duration).count();
  for (auto& w : workers) {
    r.latency.merge(w->latency);
    r.requests += w->completed;
    for (auto& [k, v] : w->errors) {
      r.errors[k] += v;
    }
  }
  return r;
}

}  // namespace

result run_rpc(const options& o) {
  return run(o, false);
}

result run_idle(const options& o) {
  auto r = run(o, true);
  r.seconds = 0;
  return r;
}

}  // namespace mcprt::bench
