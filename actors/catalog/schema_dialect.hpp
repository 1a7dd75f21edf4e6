// Rewrites a JSON Schema 2020-12 document into the draft-04 form RapidJSON's validator
// enforces, for the validator's private copy only (tools/list serves the original).
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace mcprt::actors::catalog {

/// Rewrites in place, in schema positions only: `$defs` -> `definitions` (and `$ref`s to
/// them), `const` -> one-value `enum`, numeric `exclusiveMinimum`/`exclusiveMaximum` ->
/// draft-04 `minimum`/`maximum` with the boolean flag. Everything else is left as it is.
void to_draft04(rapidjson::Value& schema, rapidjson::Document::AllocatorType& alloc);

/// Why `schema` holds a keyword RapidJSON cannot be trusted with, or empty: a `pattern` or
/// `patternProperties` regex too costly to compile (RapidJSON expands a bounded repetition such
/// as `a{1000}` by copying its operand, so large or nested bounds take memory in proportion to
/// their product), or a `patternProperties` that is not an object (RapidJSON reads it as one
/// unchecked). A schema from an adapter's worker could otherwise exhaust or corrupt the server.
std::string unsafe_keyword(const rapidjson::Value& schema);

/// Why validating against the (rewritten) `schema` might never end, or empty: a `$ref` that
/// leads back to a schema on its own path through in-place keywords only (allOf, anyOf, oneOf,
/// not, dependencies, $ref), never descending into a property or an item. RapidJSON follows
/// such a cycle until the stack overflows.
std::string endless_ref(const rapidjson::Value& schema);

/// Makes `schema` (a copy: it is rewritten in place) ready for RapidJSON's validator: the
/// checks above before and after to_draft04. Empty when it is ready; else why the tool must
/// be refused. What the catalog, the schema fuzz target and the benches all run.
std::string prepare_for_rapidjson(rapidjson::Value& schema,
                                  rapidjson::Document::AllocatorType& alloc);

/// Why the (rewritten) `schema` has a keyword whose value is not a schema where one belongs
/// (`allOf: ["x"]`, `not: 3`, `properties: {"a": 1}`), or empty. RapidJSON leaves a null
/// there and dereferences it while validating.
std::string malformed_subschema(const rapidjson::Value& schema);

}  // namespace mcprt::actors::catalog
