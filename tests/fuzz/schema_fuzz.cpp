// libFuzzer target for tool input schemas: the input's first line is a schema (as an adapter's
// worker may list it), the rest an arguments document. The schema is rewritten as the catalog
// does and compiled into RapidJSON's validator, which then checks the arguments: no input may
// crash, hang or read out of bounds (RapidJSON 1.1 crashed on boolean subschemas and on
// patternProperties beside additionalProperties: false until the rewrite).
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/catalog/schema_dialect.hpp"
#include "runtime/codec/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string schema_text(input.substr(0, newline));
  std::string args_text(newline == std::string_view::npos ? std::string_view()
                                                          : input.substr(newline + 1));
  using namespace mcprt::actors::catalog;
  rapidjson::Document schema;
  // As the catalog reads it (depth-limited); it takes only object schemas.
  if (mcprt::parse_json(schema, schema_text) || !schema.IsObject() ||
      !prepare_for_rapidjson(schema, schema.GetAllocator()).empty()) {
    return 0;  // Refused at registration, as the catalog does.
  }
  rapidjson::SchemaDocument compiled(schema);
  rapidjson::Document args;
  if (mcprt::parse_json(args, args_text)) {
    return 0;
  }
  rapidjson::SchemaValidator validator(compiled);
  if (!args.Accept(validator)) {
    // What the catalog reads to explain a refusal.
    (void)validator.GetInvalidSchemaKeyword();
    (void)validator.GetInvalidDocumentPointer().Get(args);
    (void)validator.GetInvalidSchemaPointer().Get(schema);
  }
  return 0;
}
