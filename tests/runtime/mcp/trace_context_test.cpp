#include "runtime/mcp/trace_context.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

namespace {

trace_context of(const char* meta_json) {
  rapidjson::Document d;
  d.Parse(meta_json);
  return trace_context_of(&d);
}

}  // namespace

TEST_CASE("trace context: a valid traceparent and its tracestate pass", "[trace]") {
  auto t = of(R"({"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",)"
              R"("tracestate":"a=1,b=2","baggage":"tenant=blue"})");
  CHECK(t.trace_id() == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(t.meta_members() ==
        R"(,"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",)"
        R"("tracestate":"a=1,b=2","baggage":"tenant=blue")");
}

TEST_CASE("trace context: a malformed traceparent is dropped with its tracestate", "[trace]") {
  for (const char* bad : {
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // invalid version
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",   // short
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // separator
       }) {
    auto t = of((std::string(R"({"traceparent":")") + bad + R"(","tracestate":"a=1"})").c_str());
    CHECK(t.empty());
    CHECK(t.meta_members().empty());
  }
  CHECK(of(R"({"traceparent":42})").empty());
  CHECK(of(R"({})").empty());
  CHECK(trace_context_of(nullptr).empty());
}

TEST_CASE("trace context: over-long or unprintable values are not passed on", "[trace]") {
  std::string big(9000, 'x');
  auto t = of((R"({"baggage":")" + big + R"("})").c_str());
  CHECK(t.baggage.empty());
  auto ctl = of(R"({"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",)"
                R"("tracestate":"a=1\nb=2"})");
  CHECK(ctl.tracestate.empty());
  CHECK_FALSE(ctl.traceparent.empty());
}
