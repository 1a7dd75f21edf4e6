// Validating a call's arguments, per call: mcprt's validator (RapidJSON draft-04 over the
// rewritten schema) against valijson draft 7, on two tool schemas: the demo's echo and a
// larger one with the keywords real tools use (nested objects, enum, pattern, arrays of
// objects, oneOf, if/then/else). Schemas are compiled once, as the catalog does.
#include <benchmark/benchmark.h>

#include "benches/schema/validators.hpp"

namespace {

constexpr const char* echo_schema =
    R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],)"
    R"("additionalProperties":false})";
constexpr const char* echo_args = R"({"text":"hello"})";

constexpr const char* rich_schema = R"({
  "type": "object",
  "properties": {
    "query": {"type": "string", "minLength": 1, "maxLength": 200},
    "mode": {"enum": ["fast", "thorough"]},
    "region": {"type": "string", "pattern": "^[a-z]{2}-[a-z]+-[0-9]$"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "filters": {
      "type": "array", "maxItems": 20,
      "items": {
        "type": "object",
        "properties": {
          "field": {"type": "string"},
          "op": {"enum": ["eq", "lt", "gt", "in"]},
          "value": {"oneOf": [{"type": "string"}, {"type": "number"},
                              {"type": "array", "items": {"type": "string"}}]}
        },
        "required": ["field", "op", "value"],
        "additionalProperties": false
      }
    },
    "output": {
      "type": "object",
      "properties": {"format": {"enum": ["json", "csv"]}, "delimiter": {"type": "string"}},
      "if": {"properties": {"format": {"const": "csv"}}},
      "then": {"required": ["delimiter"]}
    }
  },
  "required": ["query"],
  "additionalProperties": false
})";
constexpr const char* rich_args = R"({
  "query": "latency by region", "mode": "thorough", "region": "eu-west-1", "limit": 50,
  "filters": [
    {"field": "status", "op": "eq", "value": "ok"},
    {"field": "p99", "op": "lt", "value": 250},
    {"field": "host", "op": "in", "value": ["a", "b", "c"]},
    {"field": "route", "op": "eq", "value": "/mcp"},
    {"field": "code", "op": "gt", "value": 399}
  ],
  "output": {"format": "csv", "delimiter": ";"}
})";

template <class V>
void validate(benchmark::State& state, const char* schema_text, const char* args_text) {
  rapidjson::Document schema, args;
  schema.Parse(schema_text);
  args.Parse(args_text);
  V v;
  if (!v.compile(schema) || !v.valid(args)) {
    state.SkipWithError("the arguments do not validate");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.valid(args));
  }
}

template <class V>
void compile(benchmark::State& state, const char* schema_text) {
  rapidjson::Document schema;
  schema.Parse(schema_text);
  for (auto _ : state) {
    V v;
    benchmark::DoNotOptimize(v.compile(schema));
  }
}

using mcprt::benches::rapidjson_rewritten;
using mcprt::benches::valijson_draft7;

void validate_echo_rapidjson(benchmark::State& s) {
  validate<rapidjson_rewritten>(s, echo_schema, echo_args);
}
void validate_echo_valijson(benchmark::State& s) {
  validate<valijson_draft7>(s, echo_schema, echo_args);
}
void validate_rich_rapidjson(benchmark::State& s) {
  validate<rapidjson_rewritten>(s, rich_schema, rich_args);
}
void validate_rich_valijson(benchmark::State& s) {
  validate<valijson_draft7>(s, rich_schema, rich_args);
}
void compile_rich_rapidjson(benchmark::State& s) {
  compile<rapidjson_rewritten>(s, rich_schema);
}
void compile_rich_valijson(benchmark::State& s) {
  compile<valijson_draft7>(s, rich_schema);
}
BENCHMARK(validate_echo_rapidjson);
BENCHMARK(validate_echo_valijson);
BENCHMARK(validate_rich_rapidjson);
BENCHMARK(validate_rich_valijson);
BENCHMARK(compile_rich_rapidjson);
BENCHMARK(compile_rich_valijson);

}  // namespace

BENCHMARK_MAIN();
