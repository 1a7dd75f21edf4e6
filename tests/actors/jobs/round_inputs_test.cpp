// A job's MRTR input between rounds: what is still asked, what was answered, when to go on.
#include "actors/jobs/round_inputs.hpp"

#include <catch2/catch.hpp>

#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::jobs;

namespace {

rapidjson::Document json(const char* text) {
  rapidjson::Document d;
  REQUIRE_FALSE(parse_json(d, text));
  return d;
}

}  // namespace

TEST_CASE("a job waits until every input request is answered", "[actors][jobs][job_state]") {
  round_inputs in;
  in.ask(R"({"name":{"method":"elicitation/create"},"ok":{"method":"elicitation/create"}})");
  CHECK(in.waiting());
  CHECK(in.pending_json() ==
        R"({"name":{"method":"elicitation/create"},"ok":{"method":"elicitation/create"}})");
  // An answer to something not asked is ignored; one of two is not enough.
  CHECK_FALSE(in.answer(json(R"({"name":{"action":"accept"},"stray":{}})")));
  CHECK(in.pending_json() == R"({"ok":{"method":"elicitation/create"}})");
  CHECK(in.answer(json(R"({"ok":{"action":"accept"}})")));
  CHECK_FALSE(in.waiting());
  CHECK(in.pending_json().empty());
  CHECK(in.take_answers() == R"({"name":{"action":"accept"},"ok":{"action":"accept"}})");
  CHECK(in.take_answers() == "{}");  // Taken once: the next round starts clean.
}

TEST_CASE("a round that asks nothing parseable waits for nothing", "[actors][jobs][job_state]") {
  round_inputs in;
  in.ask("not json");
  CHECK_FALSE(in.waiting());
  CHECK(in.pending_json() == "{}");
  in.ask(R"({"a":1})");
  in.clear();
  CHECK_FALSE(in.waiting());
  CHECK(in.pending_json().empty());
}
