// valijson reports what it cannot take (remote references) by throwing only when asked to;
// otherwise it aborts. Its RapidJSON adapter must come before any RapidJSON header.
#define VALIJSON_USE_EXCEPTIONS 1
// clang-format off
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
// clang-format on

#include "benches/schema/validators.hpp"

namespace mcprt::benches {

struct valijson_draft7::impl {
  valijson::Schema schema;
};

valijson_draft7::valijson_draft7() : impl_(std::make_unique<impl>()) {}
valijson_draft7::~valijson_draft7() = default;

bool valijson_draft7::compile(const rapidjson::Value& schema) {
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::RapidJsonAdapter adapter(schema);
    parser.populateSchema(adapter, impl_->schema);
    return true;
  } catch (const std::exception&) {
    return false;  // Remote references, malformed keywords.
  }
}

bool valijson_draft7::valid(const rapidjson::Value& instance) const {
  valijson::Validator validator;
  valijson::adapters::RapidJsonAdapter adapter(instance);
  try {
    return validator.validate(impl_->schema, adapter, nullptr);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace mcprt::benches
