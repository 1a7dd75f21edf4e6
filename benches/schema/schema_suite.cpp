// Runs the JSON-Schema-Test-Suite (Debian's json-schema-test-suite, draft 7) through both
// validators and prints, per keyword file, how many cases each gets right.
// Usage: mcprt-schema-suite [SUITE_DIR]   (default /usr/share/json-schema-test-suite/tests/draft7)
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "benches/schema/validators.hpp"

namespace {

namespace fs = std::filesystem;

struct tally {
  int cases = 0, rapidjson = 0, valijson = 0;
};

template <class V>
bool agrees(const rapidjson::Value& schema, const rapidjson::Value& test) {
  V v;
  bool expected = test["valid"].GetBool();
  if (!v.compile(schema)) {
    return false;  // A schema it cannot take gets no case right.
  }
  return v.valid(test["data"]) == expected;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? argv[1] : "/usr/share/json-schema-test-suite/tests/draft7";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") {
      files.push_back(e.path());
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "no suite files in %s\n", dir.c_str());
    return 2;
  }
  std::sort(files.begin(), files.end());
  tally all;
  std::printf("| keyword | cases | mcprt today (RapidJSON + rewrite) | valijson draft 7 |\n");
  std::printf("|---|---:|---:|---:|\n");
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rapidjson::Document groups;
    groups.Parse(text.c_str());
    if (groups.HasParseError() || !groups.IsArray()) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 2;
    }
    tally t;
    for (const auto& g : groups.GetArray()) {
      for (const auto& test : g["tests"].GetArray()) {
        ++t.cases;
        t.rapidjson += agrees<mcprt::benches::rapidjson_rewritten>(g["schema"], test) ? 1 : 0;
        t.valijson += agrees<mcprt::benches::valijson_draft7>(g["schema"], test) ? 1 : 0;
      }
    }
    std::printf("| `%s` | %d | %d | %d |\n", f.stem().c_str(), t.cases, t.rapidjson, t.valijson);
    all.cases += t.cases;
    all.rapidjson += t.rapidjson;
    all.valijson += t.valijson;
  }
  std::printf("| **all** | %d | %d | %d |\n", all.cases, all.rapidjson, all.valijson);
  return 0;
}
