// Rewrites a JSON Schema 2020-12 document into the draft-04 form RapidJSON's validator
// enforces, for the validator's private copy only (tools/list serves the original).
#pragma once

#include <rapidjson/document.h>

namespace mcprt::actors::catalog {

/// Rewrites in place, in schema positions only: `$defs` -> `definitions` (and `$ref`s to
/// them), `const` -> one-value `enum`, numeric `exclusiveMinimum`/`exclusiveMaximum` ->
/// draft-04 `minimum`/`maximum` with the boolean flag. Everything else is left as it is.
void to_draft04(rapidjson::Value& schema, rapidjson::Document::AllocatorType& alloc);

}  // namespace mcprt::actors::catalog
