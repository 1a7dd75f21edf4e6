// A schema-aware walk: only values that are schemas are rewritten, so a property that happens
// to be named "const" or "$defs" is left alone.
#include "actors/catalog/schema_dialect.hpp"

#include <initializer_list>
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

// A subschema in a position draft-04 only allows objects. Boolean schemas (draft 6 on) become
// their object forms: RapidJSON 1.1 does not know them, and crashes validating some.
void subschema(value& v, allocator& alloc) {
  if (v.IsBool()) {
    bool accept_all = v.GetBool();
    v.SetObject();
    if (!accept_all) {
      v.AddMember("not", value(rapidjson::kObjectType), alloc);
    }
    return;
  }
  to_draft04(v, alloc);
}

void each_schema_in_map(value* map, allocator& alloc) {
  if (map != nullptr && map->IsObject()) {
    for (auto& m : map->GetObject()) {
      subschema(m.value, alloc);
    }
  }
}

void each_schema_in_array(value* arr, allocator& alloc) {
  if (arr != nullptr && arr->IsArray()) {
    for (auto& v : arr->GetArray()) {
      subschema(v, alloc);
    }
  }
}

// Takes `name` out of `obj` (a copy into `alloc`), or a null value when absent.
value take(value& obj, const char* name, allocator& alloc) {
  value out;
  if (auto* v = member(obj, name)) {
    out.CopyFrom(*v, alloc);
    obj.RemoveMember(name);
  }
  return out;
}

// Appends `s` to `obj`'s allOf (made when absent).
void add_all_of(value& obj, value s, allocator& alloc) {
  auto* all = member(obj, "allOf");
  if (all == nullptr || !all->IsArray()) {
    obj.RemoveMember("allOf");
    obj.AddMember("allOf", value(rapidjson::kArrayType), alloc);
    all = member(obj, "allOf");
  }
  all->PushBack(s, alloc);
}

value array_of(allocator& alloc, std::initializer_list<value*> items) {
  value a(rapidjson::kArrayType);
  for (auto* v : items) {
    a.PushBack(*v, alloc);
  }
  return a;
}

// if/then/else (draft 7) in draft-04 terms: (if AND then) OR (NOT if AND else); a missing
// branch accepts.
void rewrite_conditional(value& obj, allocator& alloc) {
  if (member(obj, "if") == nullptr) {
    obj.RemoveMember("then");
    obj.RemoveMember("else");
    return;
  }
  value cond = take(obj, "if", alloc);
  value then = take(obj, "then", alloc);
  value otherwise = take(obj, "else", alloc);
  for (auto* v : {&cond, &then, &otherwise}) {
    if (!v->IsNull()) {
      subschema(*v, alloc);
    } else {
      v->SetObject();
    }
  }
  value negated(rapidjson::kObjectType);
  value cond_copy(cond, alloc);
  negated.AddMember("not", cond_copy, alloc);
  value when(rapidjson::kObjectType);
  when.AddMember("allOf", array_of(alloc, {&cond, &then}), alloc);
  value unless(rapidjson::kObjectType);
  unless.AddMember("allOf", array_of(alloc, {&negated, &otherwise}), alloc);
  value either(rapidjson::kObjectType);
  either.AddMember("anyOf", array_of(alloc, {&when, &unless}), alloc);
  add_all_of(obj, std::move(either), alloc);
}

// contains (draft 6): an array with at least one item valid against S, i.e. not every item
// fails S; anything that is not an array passes.
void rewrite_contains(value& obj, allocator& alloc) {
  if (member(obj, "contains") == nullptr) {
    return;
  }
  value s = take(obj, "contains", alloc);
  subschema(s, alloc);
  value fails(rapidjson::kObjectType);
  fails.AddMember("not", s, alloc);
  value every(rapidjson::kObjectType);
  every.AddMember("items", fails, alloc);
  value some(rapidjson::kObjectType);
  some.AddMember("not", every, alloc);
  value array_type(rapidjson::kObjectType);
  array_type.AddMember("type", "array", alloc);
  value not_array(rapidjson::kObjectType);
  not_array.AddMember("not", array_type, alloc);
  value either(rapidjson::kObjectType);
  either.AddMember("anyOf", array_of(alloc, {&not_array, &some}), alloc);
  add_all_of(obj, std::move(either), alloc);
}

// dependentRequired and dependentSchemas (2019-09) are draft-04's two kinds of dependencies.
void rewrite_dependents(value& obj, allocator& alloc) {
  for (const char* k : {"dependentRequired", "dependentSchemas"}) {
    auto* map = member(obj, k);
    if (map == nullptr || !map->IsObject()) {
      continue;
    }
    value moved = take(obj, k, alloc);  // First: removing a member moves others.
    if (member(obj, "dependencies") == nullptr) {
      obj.AddMember("dependencies", value(rapidjson::kObjectType), alloc);
    }
    auto* deps = member(obj, "dependencies");
    if (!deps->IsObject()) {
      continue;
    }
    for (auto& m : moved.GetObject()) {
      if (member(*deps, std::string_view(m.name.GetString(), m.name.GetStringLength())) ==
          nullptr) {
        deps->AddMember(value(m.name, alloc), value(m.value, alloc), alloc);
      }
    }
  }
}

// prefixItems + items (2020-12) are draft-04's items array + additionalItems.
void rewrite_prefix_items(value& obj, allocator& alloc) {
  auto* prefix = member(obj, "prefixItems");
  if (prefix == nullptr || !prefix->IsArray()) {
    return;
  }
  value rest = take(obj, "items", alloc);
  value tuple = take(obj, "prefixItems", alloc);
  obj.AddMember("items", tuple, alloc);
  if (!rest.IsNull()) {
    obj.RemoveMember("additionalItems");
    obj.AddMember("additionalItems", rest, alloc);
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
  rewrite_prefix_items(schema, alloc);
  rewrite_dependents(schema, alloc);
  rewrite_conditional(schema, alloc);  // Adds to allOf: before the walk below, which
  rewrite_contains(schema, alloc);     // then sees the rewritten branches once more (a no-op).
  // Recurse into every keyword whose value is a schema, a map of schemas or a list of them.
  for (const char* k : {"properties", "patternProperties", "definitions"}) {
    each_schema_in_map(member(schema, k), alloc);
  }
  if (auto* deps = member(schema, "dependencies"); deps != nullptr && deps->IsObject()) {
    for (auto& m : deps->GetObject()) {
      if (!m.value.IsArray()) {  // A list of names stays; a schema is a schema.
        subschema(m.value, alloc);
      }
    }
  }
  for (const char* k : {"allOf", "anyOf", "oneOf", "prefixItems"}) {
    each_schema_in_array(member(schema, k), alloc);
  }
  for (const char* k : {"not", "propertyNames", "unevaluatedProperties", "unevaluatedItems"}) {
    if (auto* v = member(schema, k)) {
      subschema(*v, alloc);
    }
  }
  // RapidJSON 1.1 crashes validating a key that matches patternProperties when
  // additionalProperties is `false`; the equivalent schema form does not.
  if (auto* extra = member(schema, "additionalProperties");
      extra != nullptr && extra->IsFalse() && member(schema, "patternProperties") != nullptr) {
    extra->SetObject();
    extra->AddMember("not", value(rapidjson::kObjectType), alloc);
  }
  // draft-04 takes booleans here, and its messages for them name the offending member.
  for (const char* k : {"additionalProperties", "additionalItems"}) {
    if (auto* v = member(schema, k); v != nullptr && !v->IsBool()) {
      to_draft04(*v, alloc);
    }
  }
  if (auto* items = member(schema, "items")) {
    items->IsArray() ? each_schema_in_array(items, alloc) : subschema(*items, alloc);
  }
}

}  // namespace mcprt::actors::catalog
