// libFuzzer target for resource templates: the input's first line is read as an RFC 6570
// level-1 template, the rest as a request URI matched against it. A match must rebuild the URI
// exactly from the template's literals and the values, each value non-empty and without '/'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/catalog/uri_template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt::actors::catalog;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  auto text = input.substr(0, newline);
  auto uri = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  auto parsed = parse_uri_template(text);
  if (!parsed) {
    return 0;
  }
  if (parsed->literals.size() != parsed->names.size() + 1) {
    __builtin_trap();
  }
  auto vars = match_uri(*parsed, uri);
  if (!vars) {
    return 0;
  }
  std::string rebuilt = parsed->literals[0];
  for (size_t i = 0; i < parsed->names.size(); ++i) {
    auto it = vars->find(parsed->names[i]);
    if (it == vars->end() || it->second.empty() || it->second.find('/') != std::string::npos) {
      __builtin_trap();
    }
    rebuilt += it->second + parsed->literals[i + 1];
  }
  if (rebuilt != uri) {
    __builtin_trap();
  }
  return 0;
}
