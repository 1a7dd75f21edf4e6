// The worker line protocol: frames mcprt writes, and what each kind of worker line says.
#include "actors/adapters/worker_protocol.hpp"

#include <catch2/catch.hpp>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::adapters;
using kind = worker_line::kind;

TEST_CASE("a tools/call frame carries the call id as its progress token", "[actors][adapters]") {
  rapidjson::Document args;
  REQUIRE_FALSE(parse_json(args, R"({"x":1})"));
  CHECK(
      call_frame(7, "echo", &args) ==
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"x":1},"_meta":{"progressToken":7}}})");
  CHECK(call_frame(8, "echo", nullptr).find(R"("arguments":{})") != std::string::npos);
  CHECK(request_frame(1, "ping", "{}") ==
        R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{}})");
}

TEST_CASE("worker lines are read by kind", "[actors][adapters]") {
  auto answer = read_worker_line(R"({"jsonrpc":"2.0","id":3,"result":{}})");
  CHECK(answer.what == kind::answer);
  CHECK(answer.id == 3);
  CHECK(find_member(answer.message, "result") != nullptr);

  auto progress = read_worker_line(
      R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":3,"progress":50,"total":100,"message":"half"}})");
  CHECK(progress.what == kind::progress);
  CHECK(progress.id == 3);
  CHECK(progress.progress == 50);
  CHECK(progress.total == 100);
  CHECK(progress.text == "half");

  auto log = read_worker_line(
      R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning","data":{"a":1}}})");
  CHECK(log.what == kind::log);
  CHECK(log.level == log_level::warning);
  CHECK(log.text == R"({"a":1})");
  CHECK(log.logger.empty());

  auto asks = read_worker_line(R"({"jsonrpc":"2.0","id":"w1","method":"sampling/createMessage"})");
  CHECK(asks.what == kind::request);
  CHECK(asks.request_id_json == R"("w1")");
  CHECK(asks.method == "sampling/createMessage");
}

TEST_CASE("worker lines that say nothing useful are ignored or flagged", "[actors][adapters]") {
  CHECK(read_worker_line("not json").what == kind::malformed);
  CHECK(read_worker_line("[1,2]").what == kind::malformed);
  CHECK(read_worker_line(R"({"jsonrpc":"2.0","id":"x","result":{}})").what == kind::notification);
  // A progress note whose token is not ours (a string) cannot be mapped back.
  CHECK(
      read_worker_line(
          R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}})")
          .what == kind::notification);
}

TEST_CASE("mcprt answers a worker's ping and declines its other requests", "[actors][adapters]") {
  CHECK(answer_worker_request("1", "ping") == R"({"jsonrpc":"2.0","id":1,"result":{}})");
  auto declined = answer_worker_request(R"("w1")", "roots/list");
  CHECK(declined.find("-32601") != std::string::npos);
  CHECK(declined.find("roots/list") != std::string::npos);
}
