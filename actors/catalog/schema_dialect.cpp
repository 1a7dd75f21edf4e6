// A schema-aware walk: only values that are schemas are rewritten, so a property that happens
// to be named "const" or "$defs" is left alone.
#include "actors/catalog/schema_dialect.hpp"

#include <string_view>

namespace mcprt::actors::catalog {

namespace {

using value = rapidjson::Value;
using allocator = rapidjson::Document::AllocatorType;

// A linear scan: schema objects are small, and it avoids comparing RapidJSON's member
// iterators, which C++20 finds ambiguous.
value* member(value& obj, std::string_view name) {
  if (!obj.IsObject()) {
    return nullptr;
  }
  for (auto& m : obj.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == name) {
      return &m.value;
    }
  }
  return nullptr;
}

void rename(value& obj, std::string_view from, const char* to, allocator& alloc) {
  if (member(obj, from) == nullptr || member(obj, to) != nullptr) {
    return;
  }
  for (auto& m : obj.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == from) {
      m.name.SetString(to, alloc);
      return;
    }
  }
}

// 2020-12 numeric exclusive bounds become draft-04's bound plus boolean flag.
// When both are given, the stricter one wins: `lower` says which direction is stricter.
void exclusive_bound(value& obj, const char* exclusive, const char* bound, bool lower,
                     allocator& alloc) {
  auto* ex = member(obj, exclusive);
  if (ex == nullptr || !ex->IsNumber()) {
    return;
  }
  value limit(*ex, alloc);
  auto* b = member(obj, bound);
  if (b != nullptr && b->IsNumber()) {
    bool inclusive_stricter =
        lower ? b->GetDouble() > limit.GetDouble() : b->GetDouble() < limit.GetDouble();
    if (inclusive_stricter) {
      ex->SetBool(false);
      return;
    }
    *b = limit;
  } else {
    obj.AddMember(value(bound, alloc), limit, alloc);
  }
  member(obj, exclusive)->SetBool(true);
}

void each_schema_in_map(value* map, allocator& alloc) {
  if (map != nullptr && map->IsObject()) {
    for (auto& m : map->GetObject()) {
      to_draft04(m.value, alloc);
    }
  }
}

void each_schema_in_array(value* arr, allocator& alloc) {
  if (arr != nullptr && arr->IsArray()) {
    for (auto& v : arr->GetArray()) {
      to_draft04(v, alloc);
    }
  }
}

void rewrite_ref(value& obj, allocator& alloc) {
  auto* ref = member(obj, "$ref");
  if (ref == nullptr || !ref->IsString()) {
    return;
  }
  std::string_view r(ref->GetString(), ref->GetStringLength());
  constexpr std::string_view from = "#/$defs/";
  if (r.substr(0, from.size()) == from) {
    std::string rewritten = "#/definitions/" + std::string(r.substr(from.size()));
    ref->SetString(rewritten.c_str(), static_cast<rapidjson::SizeType>(rewritten.size()), alloc);
  }
}

}  // namespace

void to_draft04(value& schema, allocator& alloc) {
  if (!schema.IsObject()) {
    return;
  }
  rename(schema, "$defs", "definitions", alloc);
  rewrite_ref(schema, alloc);
  if (auto* c = member(schema, "const"); c != nullptr && member(schema, "enum") == nullptr) {
    value one(rapidjson::kArrayType);
    one.PushBack(value(*c, alloc), alloc);
    schema.AddMember("enum", one, alloc);
  }
  exclusive_bound(schema, "exclusiveMinimum", "minimum", true, alloc);
  exclusive_bound(schema, "exclusiveMaximum", "maximum", false, alloc);
  // Recurse into every keyword whose value is a schema, a map of schemas or a list of them.
  for (const char* k : {"properties", "patternProperties", "definitions", "dependentSchemas"}) {
    each_schema_in_map(member(schema, k), alloc);
  }
  for (const char* k : {"allOf", "anyOf", "oneOf", "prefixItems"}) {
    each_schema_in_array(member(schema, k), alloc);
  }
  for (const char* k :
       {"not", "additionalProperties", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedProperties", "unevaluatedItems", "additionalItems"}) {
    if (auto* v = member(schema, k)) {
      to_draft04(*v, alloc);
    }
  }
  if (auto* items = member(schema, "items")) {
    items->IsArray() ? each_schema_in_array(items, alloc) : to_draft04(*items, alloc);
  }
}

}  // namespace mcprt::actors::catalog
