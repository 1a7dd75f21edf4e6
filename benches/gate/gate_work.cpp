// The fixed workloads of the regression gate (`make bench-gate`), run under callgrind: each
// repeats one hot path N times with collection on only around the repetitions, so the
// instruction count divided by N is the path's cost, the same on every run of one build.
//
//   mcprt-gate-work WORKLOAD N [--slowdown F]
//
// Workloads: `tools_call` (decode a 2026 tools/call, dispatch to an inline echo, validate its
// arguments, encode the answer), `fanout` (one note offered to 1,000 outboxes, their writers woken
// through a wake_batch, and each pulled), `schema` (validate arguments against a compiled schema).
// `--slowdown F` repeats a fraction F of the work uncounted in N: the gate's own test that it
// catches a slower build.
#include <valgrind/callgrind.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/catalog/catalog.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/io/reply_channel.hpp"
#include "runtime/io/wake_gathering.hpp"
#include "runtime/mcp/tool_result.hpp"
#include "transport/wake_batch.hpp"

using namespace mcprt;

namespace {

// Keeps the answer so the work cannot be optimised away.
struct keeping_channel final : reply_channel {
  size_t bytes = 0;
  void notify(std::string, note_overflow) override {}
  void finish(unsigned, std::string frame) override { bytes += frame.size(); }
};

constexpr std::string_view echo_schema =
    R"({"type":"object","properties":{"text":{"type":"string","description":"Text to return"}},"required":["text"],"additionalProperties":false})";

actors::catalog::catalog_ptr echo_catalog() {
  actors::catalog::catalog_builder b;
  tool_definition echo;
  echo.name = "echo";
  echo.input_schema = std::string(echo_schema);
  (void)b.add(echo, tool_actor{}, [](tool_invocation& call) {
    const auto& text = (*call.arguments())["text"];
    call.finish(text_result(std::string_view(text.GetString(), text.GetStringLength())));
  });
  return b.build();
}

// decode -> dispatch -> validate -> inline echo -> encode, as the I/O thread runs it.
struct tools_call_work {
  actors::catalog::catalog_ptr tools = echo_catalog();
  actors::dispatch::server_profile profile;
  actors::dispatch::dispatch_env env;
  std::shared_ptr<keeping_channel> channel = std::make_shared<keeping_channel>();
  std::string body =
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello gate"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";

  tools_call_work() {
    env.tools = tools;
    env.profile = &profile;
  }
  void once() {
    auto decoded = rpc::decode(body);
    const auto& msg = std::get<rpc::message>(decoded);
    responder out(channel,
                  request_info{era::modern, "2026-07-28", "7", "tools/call", {}, log_level::off});
    actors::dispatch::dispatch(msg, out, env);
  }
  bool kept() const { return channel->bytes > 0; }
};

// One note to 1,000 subscribers, woken as a WebSocket or SSE writer is: each offer wakes its
// writer through the I/O thread's wake_batch (under the outbox's lock, gathered in runs as a
// notifier shard's loop gathers them), then the thread's drain resumes each writer, which
// pulls.
struct fanout_work {
  struct subscriber final : transport::wakeable {
    std::shared_ptr<outbox> box =
        std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
    uint64_t gen = 0;
    std::vector<out_piece> pieces;
    size_t pulled = 0;
    void resume() override {
      pieces.clear();
      bool drained = false;  // As the transports pull: the next note wakes again.
      box->pull(gen, pieces, &drained);
      pulled += pieces.size();
    }
    void warm_parts() const override { box->warm(); }  // As the WebSocket writer's.
  };
  boost::asio::io_context ioc;
  std::shared_ptr<transport::wake_batch> wakes = std::make_shared<transport::wake_batch>(ioc);
  std::vector<std::shared_ptr<subscriber>> subs;
  std::vector<std::shared_ptr<outbox>> boxes;  // As a notifier shard keeps them.
  std::vector<transport::wake_batch::enrollment> places;

  fanout_work() {
    for (int i = 0; i < 1000; ++i) {
      auto s = std::make_shared<subscriber>();
      places.push_back(wakes->enroll(s));
      s->gen = s->box->attach_writer(*wakes, transport::wake_batch::token(places.back().ticket()));
      boxes.push_back(s->box);
      subs.push_back(std::move(s));
    }
  }
  void once() {
    auto note = shared_note::make("notifications/ticker/tick",
                                  R"({"uri":"ticker://channel/0","seq":1,"sentUs":0})");
    {
      wake_gathering gathered;  // As a notifier shard's publish loop.
      offer_each(boxes, note, overflow_policy::drop_oldest);
    }
    ioc.restart();
    ioc.poll();  // The drains: every subscriber resumed and pulled.
  }
  bool kept() const {
    size_t pulled = 0;
    for (const auto& s : subs) {
      pulled += s->pulled;
    }
    return pulled > 0;
  }
};

// A compiled schema against a small arguments object.
struct schema_work {
  actors::catalog::catalog_ptr tools = echo_catalog();
  rapidjson::Document args;
  size_t problems = 0;
  size_t runs = 0;

  schema_work() { args.Parse(R"({"text":"hello gate"})"); }
  void once() {
    ++runs;
    if (tools->validate(*tools->find("echo"), &args)) {
      ++problems;
    }
  }
  bool kept() const { return runs > 0 && problems == 0; }
};

template <class Work>
int run(long n, double slowdown) {
  Work w;
  for (int i = 0; i < 20; ++i) {
    w.once();  // Warm: first allocations, lazily built tables.
  }
  auto extra = static_cast<long>(static_cast<double>(n) * slowdown);
  CALLGRIND_TOGGLE_COLLECT;
  for (long i = 0; i < n + extra; ++i) {
    w.once();
  }
  CALLGRIND_TOGGLE_COLLECT;
  if (!w.kept()) {
    std::fprintf(stderr, "mcprt-gate-work: the workload did no work\n");
    return 1;
  }
  return 0;
}

int gate_main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: mcprt-gate-work tools_call|fanout|schema N [--slowdown F]\n");
    return 2;
  }
  std::string_view work = argv[1];
  long n = std::strtol(argv[2], nullptr, 10);
  double slowdown = 0;
  if (argc >= 5 && std::string_view(argv[3]) == "--slowdown") {
    slowdown = std::strtod(argv[4], nullptr);
  }
  if (n <= 0 || slowdown < 0) {
    std::fprintf(stderr, "mcprt-gate-work: N must be positive and F not negative\n");
    return 2;
  }
  if (work == "tools_call") {
    return run<tools_call_work>(n, slowdown);
  }
  if (work == "fanout") {
    return run<fanout_work>(n, slowdown);
  }
  if (work == "schema") {
    return run<schema_work>(n, slowdown);
  }
  std::fprintf(stderr, "mcprt-gate-work: unknown workload %s\n", argv[1]);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return gate_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcprt-gate-work: %s\n", e.what());
    return 1;
  }
}
