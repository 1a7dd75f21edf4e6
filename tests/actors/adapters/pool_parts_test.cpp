// The pool's pure parts: the catalog entries made from a worker's tools/list, the health
// entry of the capabilities document, and its Prometheus series.
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <catch2/catch.hpp>

#include "actors/adapters/pool_health.hpp"
#include "actors/adapters/pool_metrics.hpp"
#include "actors/adapters/pool_tools.hpp"
#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::adapters;

TEST_CASE("a worker's tools become prefixed catalog entries that call through the pool",
          "[actors][adapters]") {
  rapidjson::Document listed;
  REQUIRE_FALSE(parse_json(listed, R"([
    {"name":"echo","title":"Echo","description":"says it back",
     "inputSchema":{"type":"object","properties":{"text":{"type":"string"}}},
     "annotations":{"readOnlyHint":true}},
    {"name":"slow","execution":{"taskSupport":"required"},
     "outputSchema":{"type":"object"}},
    {"title":"no name: skipped"},
    "not an object"
  ])"));
  std::string called;
  auto specs =
      pool_tool_specs(listed, "w_", task_support::optional,
                      [&](const std::string& method, const std::string& tool, const json_ref&,
                          const responder&) { called = method + " " + tool; });
  REQUIRE(specs.size() == 2);
  const auto& echo = specs[0].definition;
  CHECK(echo.name == "w_echo");
  CHECK(echo.title == "Echo");
  CHECK(echo.description == "says it back");
  CHECK(echo.input_schema == R"({"type":"object","properties":{"text":{"type":"string"}}})");
  CHECK(echo.annotations == R"({"readOnlyHint":true})");
  CHECK(echo.output_schema.empty());
  CHECK(echo.task_support == task_support::optional);  // The adapter's default.
  const auto& slow = specs[1].definition;
  CHECK(slow.input_schema == R"({"type":"object","properties":{}})");  // None listed.
  CHECK(slow.output_schema == R"({"type":"object"})");
  CHECK(slow.task_support == task_support::required);  // The worker's own wins.
  CHECK(specs[0].inline_safe);

  // The handler calls the worker's tool by its own name, without the prefix.
  tool_invocation inv({}, responder(), {});
  specs[0].handler(inv);
  CHECK(called == "tools/call echo");
}

TEST_CASE("a worker's prompts, resources and templates become catalog entries",
          "[actors][adapters]") {
  rapidjson::Document prompts, resources, templates;
  prompts.Parse(R"([{"name":"simple","description":"a prompt"},
    {"name":"args","arguments":[{"name":"city","description":"where","required":true},
                                {"name":"style"}]},
    {"description":"no name: skipped"}])");
  resources.Parse(R"([{"uri":"demo://a","name":"A","mimeType":"text/plain"},{"uri":""},
                      {"uri":"demo://b"}])");
  templates.Parse(R"([{"uriTemplate":"demo://item/{id}","name":"item"},{"name":"no template"}])");
  std::vector<std::string> forwarded;
  pool_call_fn call = [&](const std::string& method, const std::string& target, const json_ref& a,
                          const responder&) {
    forwarded.push_back(method + " " + target + (a ? " " + to_json(*a) : ""));
  };
  auto p = pool_prompt_specs(prompts, "w_", call);
  REQUIRE(p.size() == 2);
  CHECK(p[0].definition.name == "w_simple");
  CHECK(p[1].definition.arguments.size() == 2);
  CHECK(p[1].definition.arguments[0].required);
  CHECK_FALSE(p[1].definition.arguments[1].required);
  prompt_request pr({{"city", "Oslo"}}, responder());
  p[1].handler(pr);
  auto r = pool_resource_specs(resources, call);
  REQUIRE(r.size() == 2);
  CHECK(r[0].definition.mime_type == "text/plain");
  CHECK(r[1].definition.name == "demo://b");  // A resource without a name is named by its URI.
  resource_request rr("demo://a", {}, responder());
  r[0].reader(rr);
  auto t = pool_template_specs(templates, call);
  REQUIRE(t.size() == 1);
  resource_request tr("demo://item/7", {{"id", "7"}}, responder());
  t[0].reader(tr);
  CHECK(forwarded == std::vector<std::string>{R"(prompts/get args {"city":"Oslo"})",
                                              "resources/read demo://a",
                                              "resources/read demo://item/7"});
}

TEST_CASE("a pool's health reads as the capabilities entry", "[actors][adapters]") {
  pool_health h;
  h.name = "sim";
  h.ready = 2;
  h.busy = 1;
  h.min_workers = 1;
  h.max_workers = 4;
  h.max_inflight_per_worker = 1;
  h.processes = {{101, true, 1}, {102, false, 0}};
  h.version = "mcprt 0.1";
  h.restarts = 3;
  h.queued = 5;
  h.tools = 7;
  h.call_timeout = std::chrono::milliseconds(60000);
  h.session_affinity = true;
  h.last_error = "worker exited (signal 9)";
  CHECK(health_json(h) ==
        R"({"name":"sim","available":true,"version":"mcprt 0.1",)"
        R"("workers":{"ready":2,"busy":1,"starting":0,"min":1,"max":4,"maxInflightPerWorker":1},)"
        R"("processes":[{"pid":101,"state":"ready","inflight":1},)"
        R"({"pid":102,"state":"starting","inflight":0}],"restarts":3,"queued":5,"tools":7,)"
        R"j("callTimeoutMs":60000,"affinity":"session","lastError":"worker exited (signal 9)"})j");
  pool_health down;
  down.name = "x";
  auto json = health_json(down);
  CHECK(json.find(R"("available":false,"version":null)") != std::string::npos);
  CHECK(json.find("lastError") == std::string::npos);
}

TEST_CASE("a pool's series carry its adapter's name and count outcomes", "[actors][adapters]") {
  prometheus::Registry registry;
  pool_metrics a(registry, "sim");
  pool_metrics b(registry, "web");  // Two pools share the families.
  a.count("ok");
  a.count("ok");
  a.count("timeout");
  a.count("no such outcome");  // Not a series: ignored.
  b.restarted();
  a.workers(1, 2, 0);
  a.answered_after(0.002);
  auto text = prometheus::TextSerializer{}.Serialize(registry.Collect());
  CHECK(text.find(R"(mcprt_adapter_calls_total{adapter="sim",outcome="ok"} 2)") !=
        std::string::npos);
  CHECK(text.find(R"(mcprt_adapter_calls_total{adapter="sim",outcome="timeout"} 1)") !=
        std::string::npos);
  CHECK(text.find(R"(mcprt_adapter_restarts_total{adapter="web"} 1)") != std::string::npos);
  CHECK(text.find(R"(mcprt_adapter_workers{adapter="sim",state="idle"} 2)") != std::string::npos);
  CHECK(text.find(R"(mcprt_adapter_call_duration_seconds_count{adapter="sim"} 1)") !=
        std::string::npos);
}
