// The two validators compared by schema_suite and schema_bench: mcprt's (RapidJSON's draft-04
// validator over the catalog's rewrite of the schema) and valijson's draft 7 (RapidJSON
// adapter). Each compiles a schema once and then checks instances. They live in separate
// translation units: valijson redefines RAPIDJSON_ASSERT (to throw) wherever it is included,
// which would otherwise turn RapidJSON's assertions on in mcprt's validator too.
#pragma once

#include <rapidjson/document.h>

#include <memory>

namespace mcprt::benches {

/// mcprt today: the catalog's rewrite, then RapidJSON's SchemaDocument.
class rapidjson_rewritten {
 public:
  rapidjson_rewritten();
  ~rapidjson_rewritten();
  /// False when the schema cannot be compiled (the catalog refuses such a tool).
  bool compile(const rapidjson::Value& schema);
  bool valid(const rapidjson::Value& instance) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// valijson, draft 7.
class valijson_draft7 {
 public:
  valijson_draft7();
  ~valijson_draft7();
  bool compile(const rapidjson::Value& schema);
  bool valid(const rapidjson::Value& instance) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mcprt::benches
