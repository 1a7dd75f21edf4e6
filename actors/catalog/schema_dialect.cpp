// A schema-aware walk: only values that are schemas are rewritten, so a property that happens
// to be named "const" or "$defs" is left alone.
#include "actors/catalog/schema_dialect.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

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
  // An empty `dependencies` makes RapidJSON 1.1 memset a null buffer; it constrains nothing.
  if (auto* deps = member(schema, "dependencies");
      deps != nullptr && deps->IsObject() && deps->MemberCount() == 0) {
    schema.RemoveMember("dependencies");
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

namespace {

// The most copies of one piece of a regex that its bounded repetitions may make, all nesting
// multiplied: a{50}(b{20}){10} counts 50 * 20 * 10. RapidJSON's default stack for parsing a
// pattern handles this many states comfortably.
constexpr double most_copies = 10000;

// An upper bound of the copies `pattern` asks for: the product of every `{n}` / `{n,m}` upper
// bound (an open `{n,}` counts n; so does an unclosed `{n`), whatever their nesting.
// Pessimistic on purpose.
double copies(std::string_view pattern) {
  double product = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // An escaped character is a literal.
      continue;
    }
    if (pattern[i] != '{') {
      continue;
    }
    // The largest number in the braces (`{n}`, `{n,}`, `{n,m}`, or anything malformed).
    double bound = 0, number = 0;
    size_t j = i + 1;
    bool digits = false;
    for (; j < pattern.size() &&
           (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ',');
         ++j) {
      if (pattern[j] == ',') {
        number = 0;
        continue;
      }
      digits = true;
      number = std::min(number * 10 + (pattern[j] - '0'), 1e12);
      bound = std::max(bound, number);
    }
    // Counted closed or not: RapidJSON expands `{n` before it sees what follows.
    if (digits) {
      product *= std::max(bound, 1.0);
    }
  }
  return product;
}

// A recursive-descent reading of the regex subset RapidJSON implements: alternatives and
// groups that are never empty, one quantifier per atom, non-empty character classes, `^` only
// first and `$` only last. RapidJSON's own parser reads past its operand stack on patterns
// outside this shape (an empty alternative such as `a||b`), so those are refused first.
class pattern_reader {
 public:
  explicit pattern_reader(std::string_view p) : p_(p) {}

  std::string read() {
    if (!p_.empty() && p_.front() == '^') {
      ++i_;
    }
    auto end = p_.size();
    if (end > i_ && p_.back() == '$' && !escaped(end - 1)) {
      end_ = end - 1;
    } else {
      end_ = end;
    }
    if (i_ == end_) {
      return {};  // "", "^", "$", "^$": nothing between the anchors.
    }
    if (!alternatives(0) || i_ != end_) {
      return why_.empty() ? "unexpected '" + std::string(1, at()) + "' at " + std::to_string(i_)
                          : why_;
    }
    return {};
  }

 private:
  std::string_view p_;
  size_t i_ = 0, end_ = 0;
  std::string why_;

  char at() const { return i_ < end_ ? p_[i_] : '\0'; }
  bool escaped(size_t pos) const {
    size_t slashes = 0;
    while (pos > slashes && p_[pos - slashes - 1] == '\\') {
      ++slashes;
    }
    return slashes % 2 == 1;
  }
  bool fail(std::string why) {
    why_ = std::move(why) + " at " + std::to_string(i_);
    return false;
  }

  bool alternatives(int depth) {
    if (depth > 32) {
      return fail("groups nested too deep");
    }
    if (!sequence(depth)) {
      return false;
    }
    while (at() == '|') {
      ++i_;
      if (!sequence(depth)) {
        return false;
      }
    }
    return true;
  }

  bool sequence(int depth) {
    size_t pieces = 0;
    while (i_ < end_ && at() != '|' && at() != ')') {
      if (!atom(depth) || !quantifier()) {
        return false;
      }
      ++pieces;
    }
    return pieces > 0 || fail("empty alternative");
  }

  bool atom(int depth) {
    char c = at();
    if (c == '(') {
      ++i_;
      if (!alternatives(depth + 1)) {
        return false;
      }
      if (at() != ')') {
        return fail("unclosed group");
      }
      ++i_;
      return true;
    }
    if (c == '[') {
      return char_class();
    }
    if (c == '\\') {
      if (i_ + 1 >= end_) {
        return fail("dangling escape");
      }
      i_ += 2;
      return true;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == '^' || c == '$') {
      return fail(std::string("'") + c + "' without an operand");
    }
    ++i_;
    return true;
  }

  bool char_class() {
    ++i_;  // '['
    if (at() == '^') {
      ++i_;
    }
    size_t members = 0;
    while (i_ < end_ && at() != ']') {
      i_ += at() == '\\' && i_ + 1 < end_ ? 2 : 1;
      ++members;
    }
    if (at() != ']' || members == 0) {
      return fail("empty or unclosed character class");
    }
    ++i_;
    return true;
  }

  bool quantifier() {
    char c = at();
    if (c == '*' || c == '+' || c == '?') {
      ++i_;
    } else if (c == '{') {
      // {n}, {n,} or {n,m}: one comma at most, a number first.
      ++i_;
      auto number = [this] {
        size_t n = 0;
        while (std::isdigit(static_cast<unsigned char>(at()))) {
          ++i_;
          ++n;
        }
        return n;
      };
      size_t first = number();
      if (at() == ',') {
        ++i_;
        number();
      }
      if (at() != '}' || first == 0) {
        return fail("malformed repetition");
      }
      ++i_;
    } else {
      return true;
    }
    char next = at();
    if (next == '*' || next == '+' || next == '?' || next == '{') {
      return fail("repetition of a repetition");
    }
    return true;
  }
};

std::string check_pattern(std::string_view pattern) {
  if (copies(pattern) > most_copies) {
    return "pattern '" + std::string(pattern.substr(0, 80)) +
           "' repeats too much (bounded repetitions multiply past " +
           std::to_string(static_cast<int>(most_copies)) + ")";
  }
  if (auto why = pattern_reader(pattern).read(); !why.empty()) {
    return "pattern '" + std::string(pattern.substr(0, 80)) +
           "' is not in the regex syntax mcprt accepts: " + why;
  }
  return {};
}

}  // namespace

std::string unsafe_keyword(const value& schema) {
  if (schema.IsArray()) {
    for (const auto& v : schema.GetArray()) {
      if (auto why = unsafe_keyword(v); !why.empty()) {
        return why;
      }
    }
    return {};
  }
  if (!schema.IsObject()) {
    return {};
  }
  for (const auto& m : schema.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "pattern" && m.value.IsString()) {
      if (auto why = check_pattern({m.value.GetString(), m.value.GetStringLength()});
          !why.empty()) {
        return why;
      }
    }
    if (name == "patternProperties" && !m.value.IsObject()) {
      return "'patternProperties' must be an object";
    }
    if (name == "patternProperties") {
      for (const auto& p : m.value.GetObject()) {
        if (auto why = check_pattern({p.name.GetString(), p.name.GetStringLength()});
            !why.empty()) {
          return why;
        }
      }
    }
    if (auto why = unsafe_keyword(m.value); !why.empty()) {
      return why;
    }
  }
  return {};
}

namespace {

enum class visit { on_path, done };

// Depth-first over in-place applicators; `seen` marks schemas on the current path and those
// known to end.
bool cycles(const value& root, const value& node, std::unordered_map<const value*, visit>& seen) {
  if (!node.IsObject()) {
    return false;
  }
  if (auto it = seen.find(&node); it != seen.end()) {
    return it->second == visit::on_path;
  }
  seen[&node] = visit::on_path;
  auto next = [&](const value& v) { return cycles(root, v, seen); };
  bool found = false;
  for (const auto& m : node.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if ((k == "allOf" || k == "anyOf" || k == "oneOf") && m.value.IsArray()) {
      for (const auto& v : m.value.GetArray()) {
        found = found || next(v);
      }
    } else if (k == "not") {
      found = found || next(m.value);
    } else if (k == "dependencies" && m.value.IsObject()) {
      for (const auto& d : m.value.GetObject()) {
        found = found || next(d.value);
      }
    } else if (k == "$ref" && m.value.IsString() && m.value.GetStringLength() > 0 &&
               m.value.GetString()[0] == '#') {
      rapidjson::Pointer target(m.value.GetString() + 1, m.value.GetStringLength() - 1);
      if (const value* v = target.IsValid() ? target.Get(root) : nullptr) {
        found = found || next(*v);
      }
    }
    if (found) {
      return true;
    }
  }
  seen[&node] = visit::done;
  return false;
}

// Every schema in the document: a cycle may start below the root (a definition, a property).
bool any_cycles(const value& root, const value& node, std::unordered_map<const value*, visit>& seen,
                int depth) {
  if (depth > 200) {
    return false;  // Deeper than any parsed document (parse_json stops at 128).
  }
  if (node.IsObject()) {
    if (cycles(root, node, seen)) {
      return true;
    }
    for (const auto& m : node.GetObject()) {
      if (any_cycles(root, m.value, seen, depth + 1)) {
        return true;
      }
    }
  } else if (node.IsArray()) {
    for (const auto& v : node.GetArray()) {
      if (any_cycles(root, v, seen, depth + 1)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string endless_ref(const value& schema) {
  std::unordered_map<const value*, visit> seen;
  if (any_cycles(schema, schema, seen, 0)) {
    return "a $ref leads back to its own schema without descending into a property or an "
           "item, so validation would never end";
  }
  return {};
}

namespace {

std::string malformed_at(const value& schema, const std::string& where, int depth) {
  if (depth > 200 || !schema.IsObject()) {
    return {};
  }
  auto must_be_schema = [&](const value& v, const std::string& at) -> std::string {
    if (!v.IsObject()) {
      return "'" + at + "' must be a schema (an object)";
    }
    return malformed_at(v, at, depth + 1);
  };
  for (const auto& m : schema.GetObject()) {
    std::string k(m.name.GetString(), m.name.GetStringLength());
    auto at = where + "/" + k;
    std::string why;
    if (k == "allOf" || k == "anyOf" || k == "oneOf") {
      if (!m.value.IsArray()) {
        why = "'" + at + "' must be an array of schemas";
      } else {
        for (rapidjson::SizeType i = 0; why.empty() && i < m.value.Size(); ++i) {
          why = must_be_schema(m.value[i], at + "/" + std::to_string(i));
        }
      }
    } else if (k == "not") {
      why = must_be_schema(m.value, at);
    } else if (k == "properties" || k == "patternProperties" || k == "definitions") {
      if (!m.value.IsObject()) {
        why = "'" + at + "' must be an object of schemas";
      } else {
        for (auto it = m.value.MemberBegin(); why.empty() && it != m.value.MemberEnd(); ++it) {
          why = must_be_schema(it->value, at + "/" + it->name.GetString());
        }
      }
    } else if (k == "items") {
      if (m.value.IsArray()) {
        for (rapidjson::SizeType i = 0; why.empty() && i < m.value.Size(); ++i) {
          why = must_be_schema(m.value[i], at + "/" + std::to_string(i));
        }
      } else {
        why = must_be_schema(m.value, at);
      }
    } else if (k == "additionalProperties" || k == "additionalItems") {
      why = m.value.IsBool() ? std::string() : must_be_schema(m.value, at);
    } else if (k == "dependencies" && m.value.IsObject()) {
      for (auto it = m.value.MemberBegin(); why.empty() && it != m.value.MemberEnd(); ++it) {
        if (!it->value.IsArray()) {
          why = must_be_schema(it->value, at + "/" + it->name.GetString());
        }
      }
    }
    if (!why.empty()) {
      return why;
    }
  }
  return {};
}

}  // namespace

std::string malformed_subschema(const value& schema) {
  return malformed_at(schema, "", 0);
}

std::string prepare_for_rapidjson(value& schema, allocator& alloc) {
  if (auto why = unsafe_keyword(schema); !why.empty()) {
    return why;
  }
  to_draft04(schema, alloc);
  if (auto why = malformed_subschema(schema); !why.empty()) {
    return why;
  }
  return endless_ref(schema);
}

}  // namespace mcprt::actors::catalog
