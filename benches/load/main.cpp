// mcprt-bench: load scenarios against any MCP server over Streamable HTTP, a human table, and
// a JSON record per run; --compare flags regressions between two records.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "benches/load/scenario.hpp"

namespace {

const char* usage = R"(usage: mcprt-bench [options]
       mcprt-bench --compare OLD.json NEW.json [--tolerance 0.10]

Drives an MCP server over Streamable HTTP and reports throughput, latency percentiles
(log-bucketed histogram, about 3% resolution), errors by kind, and the server's CPU and RSS.

scenarios (--scenario):
  rpc    tools/call of --tool, over --transport, closed loop (each connection sends its next
         request when the last one is answered) or open loop (--rate: requests are due at fixed
         times and latency counts from the due time, so queueing shows).
  fanout --connections subscribers, each on its own connection, subscribe to the ticker
         plugin's channel ticker://channel/<i mod --topics> and read for --duration: delivery
         latency (tick send time to read, same host clock), deliveries/s, and loss (gaps in
         each subscriber's sequence). Run the server with --set plugins.enabled=ticker and
         ticker.rateHz / ticker.topics / ticker.payloadBytes; --transport ws or sse.
  idle   open --connections 2025 sessions (one per connection: initialize +
         notifications/initialized), hold them for --hold, and report the server's RSS growth
         per session (needs --server-pid).

transports (--transport):
  http          MCP 2026-07-28, stateless: _meta and the MCP-Protocol-Version, Mcp-Method and
                Mcp-Name headers on every request; JSON responses
  http-session  MCP 2025-11-25: one session per connection, Mcp-Session-Id on every request
  http-stateless MCP 2025-11-25 without a session (the TypeScript SDK v1's stateless mode;
                mcprt itself requires sessions for 2025 clients)
  http-sse      like http, with a progressToken, so a tool that reports progress answers with an
                SSE stream (use --tool sleep, which reports progress at start)

options:
  --url URL[,URL...]   the MCP endpoint (default http://127.0.0.1:8080/mcp); several (a cluster's
                       nodes): connection i uses the (i mod n)-th, and fanout reports each
                       URL's latency apart (subscribers of the publishing node against the
                       others, whose notes are relayed)
  --session-url URL    http-session: open each session there, then call through --url (a
                       cluster: every call is relayed to the session's node)
  --tool NAME          tool to call (default echo)
  --arguments JSON     the arguments object (default: {"text":"x..."} for echo, {"ms":0} for sleep)
  --payload BYTES      echo text length (default 16)
  --tasks              http: declare the tasks extension, so a task-supporting tool answers
                       with a task handle once the job is durable (job submission latency)
  --bearer TOKEN        HTTP transports: send Authorization: Bearer TOKEN on every request
  --connections N      concurrent connections (default 64)
  --rate R             open loop at R requests/s in total (default: closed loop)
  --duration S         measured seconds (default 10)
  --warmup S           seconds before measuring (default 2)
  --hold S             idle: seconds to hold the sessions (default 5)
  --idle-close         idle: close each connection once its session is open, so the figure
                       is the session alone (2025 sessions outlive their connections)
  --threads N          client I/O threads (default 1)
  --topics N           fanout: ticker topics the subscribers spread over (default 4)
  --topics-per-subscriber K
                       fanout: each subscriber follows K channels, <i mod N> and the K-1 after
                       it (default 1; at most --topics), so one connection gets K notes a round
  --server-pid PID     read the server's CPU seconds and RSS from /proc during the window
                       (repeat for a cluster's nodes: summed)
  --label TEXT         stored in the JSON and its file name (e.g. mcprt, ts-sdk-v1)
  --out DIR            where the JSON goes (default var/benchmarks)
  --no-json            print the table only
  --compare OLD NEW    compare two records: throughput, p50, p99, p99.9, CPU/request and RSS per
                       connection; exit 1 if any regressed by more than --tolerance (0.10)
)";

double number(const char* s) {
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s || *end != '\0') {
    std::cerr << "mcprt-bench: not a number: " << s << "\n";
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  mcprt::bench::options o;
  std::string compare_old, compare_new;
  double tolerance = 0.10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "mcprt-bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << usage;
      return 0;
    } else if (a == "--scenario") {
      o.scenario = next();
    } else if (a == "--url") {
      auto list = std::string(next());
      for (size_t start = 0; start <= list.size();) {
        auto comma = list.find(',', start);
        o.urls.push_back(list.substr(start, comma == std::string::npos ? comma : comma - start));
        start = comma == std::string::npos ? list.size() + 1 : comma + 1;
      }
      o.url = o.urls.front();
    } else if (a == "--session-url") {
      o.session_url = next();
    } else if (a == "--transport") {
      o.transport = next();
    } else if (a == "--tool") {
      o.tool = next();
    } else if (a == "--arguments") {
      o.arguments = next();
    } else if (a == "--tasks") {
      o.tasks = true;
    } else if (a == "--bearer") {
      o.bearer = next();
    } else if (a == "--payload") {
      o.payload = static_cast<size_t>(number(next()));
    } else if (a == "--connections") {
      o.connections = static_cast<int>(number(next()));
    } else if (a == "--rate") {
      o.rate = number(next());
    } else if (a == "--duration") {
      o.duration = std::chrono::milliseconds(static_cast<long>(number(next()) * 1000));
    } else if (a == "--warmup") {
      o.warmup = std::chrono::milliseconds(static_cast<long>(number(next()) * 1000));
    } else if (a == "--hold") {
      o.hold = std::chrono::milliseconds(static_cast<long>(number(next()) * 1000));
    } else if (a == "--idle-close") {
      o.idle_close = true;
    } else if (a == "--topics") {
      o.topics = std::max(1, static_cast<int>(number(next())));
    } else if (a == "--topics-per-subscriber") {
      o.per_subscriber = std::max(1, static_cast<int>(number(next())));
    } else if (a == "--threads") {
      o.threads = static_cast<int>(number(next()));
    } else if (a == "--server-pid") {
      o.server_pids.push_back(static_cast<pid_t>(number(next())));
    } else if (a == "--label") {
      o.label = next();
    } else if (a == "--out") {
      o.out_dir = next();
    } else if (a == "--no-json") {
      o.json = false;
    } else if (a == "--compare") {
      compare_old = next();
      compare_new = next();
    } else if (a == "--tolerance") {
      tolerance = number(next());
    } else {
      std::cerr << "mcprt-bench: unknown option " << a << " (see --help)\n";
      return 2;
    }
  }
  if (!compare_old.empty()) {
    int n = mcprt::bench::compare(compare_old, compare_new, tolerance);
    return n == 0 ? 0 : 1;
  }
  bool fanout = o.scenario == "fanout";
  if (fanout ? o.transport != "ws" && o.transport != "sse"
             : o.transport != "http" && o.transport != "http-session" &&
                   o.transport != "http-sse" && o.transport != "http-stateless") {
    std::cerr << "mcprt-bench: unknown transport " << o.transport << "\n";
    return 2;
  }
  if (o.urls.empty()) {
    o.urls.push_back(o.url);
  }
  bool http_urls = std::all_of(o.urls.begin(), o.urls.end(),
                               [](const std::string& u) { return u.rfind("http://", 0) == 0; });
  if (!http_urls || o.connections < 1 ||
      (!o.session_url.empty() && o.session_url.rfind("http://", 0) != 0)) {
    std::cerr << "mcprt-bench: --url must be http://HOST:PORT/PATH and --connections >= 1\n";
    return 2;
  }
  mcprt::bench::result r;
  if (o.scenario == "rpc") {
    r = mcprt::bench::run_rpc(o);
  } else if (o.scenario == "idle") {
    r = mcprt::bench::run_idle(o);
  } else if (fanout) {
    r = mcprt::bench::run_fanout(o);
  } else {
    std::cerr << "mcprt-bench: unknown scenario " << o.scenario << "\n";
    return 2;
  }
  mcprt::bench::print_table(o, r);
  if (o.json) {
    std::printf("json       %s\n", mcprt::bench::write_json(o, r).c_str());
  }
  // A run that completed nothing is a failure, so a smoke test can tell.
  bool ok = o.scenario == "idle" ? r.connections_open == o.connections : r.requests > 0;
  return ok ? 0 : 1;
}
