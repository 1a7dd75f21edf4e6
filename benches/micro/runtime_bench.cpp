// Micro-benchmarks of the request path's pieces, each without the network: codec parse and
// serialize by size, catalog lookup, schema validation, dispatch, one actor round trip, and
// session lookup. What each leaves out is said beside it.
#include <benchmark/benchmark.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <condition_variable>
#include <mutex>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/plugin_host.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/session/table.hpp"
#include "plugins/demo/demo.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/reply_channel.hpp"
#include "runtime/mcp/ids.hpp"

using namespace mcprt;

namespace {

std::string call_body(size_t payload) {
  return R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":")" +
         std::string(payload, 'x') +
         R"("},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
}

// Parse only: RapidJSON DOM plus envelope checks. Leaves out HTTP.
void BM_codec_decode(benchmark::State& state) {
  auto body = call_body(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto m = rpc::decode(body);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_codec_decode)->Arg(16)->Arg(1024)->Arg(int64_t{64} * 1024);

// Serialize a text result with the modern envelope. Leaves out the socket write.
void BM_codec_encode_result(benchmark::State& state) {
  auto text = std::string(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto r = rpc::encode_result("1", text_result(text).to_json());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_codec_encode_result)->Arg(16)->Arg(1024)->Arg(int64_t{64} * 1024);

// quote() of CSV text (a results chunk): a newline every ~470 bytes, nothing else to escape.
void BM_quote(benchmark::State& state) {
  std::string text;
  while (text.size() < static_cast<size_t>(state.range(0))) {
    text += "12,3,1.0831,0.1444,39.27,1.6914,1.5,16.28";
    text += text.size() % 470 < 42 ? "\n" : ",";
  }
  text.resize(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(quote(text));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_quote)->Arg(int64_t{64} * 1024)->Arg(int64_t{1} << 20);

actors::catalog::catalog_ptr catalog_of(size_t n) {
  actors::catalog::catalog_builder b;
  for (size_t i = 0; i < n; ++i) {
    tool_definition d;
    d.name = "tool_" + std::to_string(i);
    (void)b.add(d, tool_actor{});
  }
  tool_definition echo;
  echo.name = "echo";
  echo.input_schema =
      R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false})";
  (void)b.add(echo, tool_actor{});
  return b.build();
}

// Binary search in the immutable snapshot.
void BM_catalog_lookup(benchmark::State& state) {
  auto c = catalog_of(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(c->find("echo"));
  }
}
BENCHMARK(BM_catalog_lookup)->Arg(10)->Arg(1000);

// Validating echo's arguments against its compiled schema. Leaves out parsing.
void BM_schema_validate(benchmark::State& state) {
  auto c = catalog_of(1);
  rapidjson::Document args;
  args.Parse(R"({"text":"hello"})");
  const auto* tool = c->find("echo");
  for (auto _ : state) {
    benchmark::DoNotOptimize(c->validate(*tool, &args));
  }
}
BENCHMARK(BM_schema_validate);

// A channel that only counts.
struct null_channel final : reply_channel {
  void notify(std::string, note_overflow) override {}
  void finish(unsigned, std::string f) override { benchmark::DoNotOptimize(f); }
};

// tools/list dispatch of a 10-tool catalog to a null channel: listing, envelope, responder.
void BM_dispatch_tools_list(benchmark::State& state) {
  auto c = catalog_of(10);
  actors::dispatch::server_profile profile;
  actors::dispatch::dispatch_env env;
  env.tools = c;
  env.profile = &profile;
  auto msg = std::get<rpc::message>(
      rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}})"));
  auto channel = std::make_shared<null_channel>();
  for (auto _ : state) {
    responder out(channel,
                  request_info{era::modern, "2026-07-28", "1", "tools/list", {}, log_level::off});
    actors::dispatch::dispatch(msg, out, env);
  }
}
BENCHMARK(BM_dispatch_tools_list);

// A channel that wakes the benchmark thread when the answer arrives.
struct wait_channel final : reply_channel {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  void notify(std::string, note_overflow) override {}
  void finish(unsigned, std::string) override {
    std::lock_guard<std::mutex> g(m);
    done = true;
    cv.notify_one();
  }
  void wait() {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [this] { return done; });
    done = false;
  }
};

// One tools/call round trip through the demo plugin's actor: send, run echo, answer back to
// this thread. Includes two thread wake-ups; leaves out HTTP and parsing.
void BM_actor_round_trip(benchmark::State& state) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{1});
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  actors::catalog::catalog_builder builder;
  actors::catalog::plugin_host host(sys, settings_view{}, builder);
  (void)plugins::demo::descriptor().start(host);
  auto catalog = builder.build();
  auto handler = catalog->find("echo")->handler;
  rapidjson::Document args;
  auto doc = std::make_shared<rapidjson::Document>();
  doc->Parse(R"({"text":"hello"})");
  json_ref ref(doc, doc.get());
  auto channel = std::make_shared<wait_channel>();
  for (auto _ : state) {
    responder out(channel,
                  request_info{era::modern, "2026-07-28", "1", "tools/call", {}, log_level::off});
    caf::anon_send(handler, tool_call{"echo", ref, out});
    channel->wait();
  }
  for (const auto& a : catalog->actors()) {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
}
BENCHMARK(BM_actor_round_trip)->UseRealTime();

// Session id lookup in a table of N sessions (shared lock + hash).
void BM_session_lookup(benchmark::State& state) {
  actors::session::session_table table;
  std::vector<std::string> ids;
  for (int64_t i = 0; i < state.range(0); ++i) {
    ids.push_back(id_issuer{}.new_session_id());
    table.insert(ids.back(), nullptr, "issuer\nalice", std::chrono::minutes(30));
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.find(ids[i++ % ids.size()], "issuer\nalice"));
  }
}
BENCHMARK(BM_session_lookup)->Arg(100)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
