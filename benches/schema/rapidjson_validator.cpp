#include <rapidjson/schema.h>

#include "actors/catalog/schema_dialect.hpp"
#include "benches/schema/validators.hpp"

namespace mcprt::benches {

struct rapidjson_rewritten::impl {
  rapidjson::Document copy;
  std::unique_ptr<rapidjson::SchemaDocument> doc;
};

rapidjson_rewritten::rapidjson_rewritten() : impl_(std::make_unique<impl>()) {}
rapidjson_rewritten::~rapidjson_rewritten() = default;

bool rapidjson_rewritten::compile(const rapidjson::Value& schema) {
  impl_->copy.CopyFrom(schema, impl_->copy.GetAllocator());
  // What the catalog refuses at registration counts as a schema it cannot take.
  if (!impl_->copy.IsObject() ||
      !actors::catalog::prepare_for_rapidjson(impl_->copy, impl_->copy.GetAllocator()).empty()) {
    return false;
  }
  impl_->doc = std::make_unique<rapidjson::SchemaDocument>(impl_->copy);
  return true;
}

bool rapidjson_rewritten::valid(const rapidjson::Value& instance) const {
  rapidjson::SchemaValidator v(*impl_->doc);
  return instance.Accept(v);
}

}  // namespace mcprt::benches
