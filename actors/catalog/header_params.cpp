// x-mcp-header: reading the annotations of an inputSchema and checking a request against them.
#include "actors/catalog/header_params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "runtime/codec/ascii.hpp"
#include "runtime/codec/base64.hpp"

namespace mcprt::actors::catalog {

namespace {

constexpr std::string_view annotation = "x-mcp-header";

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view view(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// Keywords whose values are data, not schemas: an "x-mcp-header" key inside them is not an
// annotation.
bool holds_data(std::string_view keyword) {
  return keyword == "enum" || keyword == "const" || keyword == "default" || keyword == "examples";
}

class reader {
 public:
  std::vector<header_param> params;
  std::string error;

  // A schema reached from the root through `properties` keys only.
  void reachable(const rapidjson::Value& schema, std::vector<std::string>& path) {
    if (!schema.IsObject() || !error.empty()) {
      return;
    }
    for (const auto& m : schema.GetObject()) {
      auto key = view(m.name);
      if (key == annotation) {
        declare(schema, m.value, path);
      } else if (key == "properties" && m.value.IsObject()) {
        for (const auto& p : m.value.GetObject()) {
          path.emplace_back(view(p.name));
          reachable(p.value, path);
          path.pop_back();
        }
      } else if (!holds_data(key)) {
        unreachable(m.value, key);
      }
    }
  }

 private:
  // Anything under items, oneOf, $ref targets, ...: an annotation here is invalid.
  void unreachable(const rapidjson::Value& v, std::string_view via) {
    if (!error.empty()) {
      return;
    }
    if (v.IsArray()) {
      for (const auto& e : v.GetArray()) {
        unreachable(e, via);
      }
    } else if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        auto key = view(m.name);
        if (key == annotation) {
          error = "x-mcp-header under '" + std::string(via) +
                  "' is not reachable from the schema root through properties alone";
          return;
        }
        if (key == "properties" && m.value.IsObject()) {
          for (const auto& p : m.value.GetObject()) {
            unreachable(p.value, via);
          }
        } else if (!holds_data(key)) {
          unreachable(m.value, via);
        }
      }
    }
  }

  void declare(const rapidjson::Value& schema, const rapidjson::Value& name,
               const std::vector<std::string>& path) {
    if (path.empty()) {
      error = "x-mcp-header must annotate a property, not the schema root";
      return;
    }
    auto where = "property '" + path.back() + "'";
    if (!name.IsString() || name.GetStringLength() == 0 ||
        !std::all_of(name.GetString(), name.GetString() + name.GetStringLength(), is_tchar)) {
      error = "x-mcp-header of " + where + " must be a non-empty HTTP token";
      return;
    }
    auto* type = schema.HasMember("type") ? &schema["type"] : nullptr;
    header_param p{std::string(view(name)), path, header_param::kind::string};
    if (type != nullptr && type->IsString() && view(*type) == "integer") {
      p.type = header_param::kind::integer;
    } else if (type != nullptr && type->IsString() && view(*type) == "boolean") {
      p.type = header_param::kind::boolean;
    } else if (type == nullptr || !type->IsString() || view(*type) != "string") {
      error = "x-mcp-header '" + p.header + "' of " + where +
              " needs \"type\" string, integer or boolean";
      return;
    }
    for (const auto& other : params) {
      if (iequals(other.header, p.header)) {
        error = "x-mcp-header '" + p.header + "' is declared twice (names compare ignoring case)";
        return;
      }
    }
    params.push_back(std::move(p));
  }
};

// The argument at `path`, or nullptr.
const rapidjson::Value* value_at(const rapidjson::Value* arguments,
                                 const std::vector<std::string>& path) {
  const rapidjson::Value* v = arguments;
  for (const auto& key : path) {
    if (v == nullptr || !v->IsObject()) {
      return nullptr;
    }
    auto it = v->FindMember(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
    v = it == v->MemberEnd() ? nullptr : &it->value;
  }
  return v;
}

// RFC 9110 field values: visible ASCII, space and tab.
bool valid_field_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u <= 0x7E);
  });
}

bool same_value(const rapidjson::Value& body, const std::string& header) {
  if (body.IsString()) {
    return view(body) == header;
  }
  if (body.IsBool()) {
    return header == (body.GetBool() ? "true" : "false");
  }
  if (body.IsNumber()) {
    // Numerically: "42" and "42.0" name the same integer.
    double parsed = 0;
    auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), parsed);
    return ec == std::errc() && end == header.data() + header.size() && parsed == body.GetDouble();
  }
  return false;
}

std::string body_text(const rapidjson::Value& v) {
  if (v.IsString()) {
    return std::string(view(v));
  }
  if (v.IsBool()) {
    return v.GetBool() ? "true" : "false";
  }
  if (v.IsInt64()) {
    return std::to_string(v.GetInt64());
  }
  return v.IsNumber() ? std::to_string(v.GetDouble()) : "(not a primitive)";
}

}  // namespace

std::variant<std::vector<header_param>, std::string> header_params_of(
    const rapidjson::Value& input_schema) {
  reader r;
  std::vector<std::string> path;
  r.reachable(input_schema, path);
  if (!r.error.empty()) {
    return r.error;
  }
  return std::move(r.params);
}

std::optional<std::string> check_header_params(const std::vector<header_param>& params,
                                               const rapidjson::Value* arguments,
                                               const param_headers& headers) {
  for (const auto& p : params) {
    const auto* body = value_at(arguments, p.path);
    if (body == nullptr || body->IsNull()) {
      continue;  // Nothing to mirror: no header is expected.
    }
    auto name = "Mcp-Param-" + p.header;
    auto sent = std::find_if(headers.begin(), headers.end(),
                             [&](const auto& h) { return iequals(h.first, p.header); });
    if (sent == headers.end()) {
      return "Header mismatch: the " + name + " header is required when the argument '" +
             p.path.back() + "' is present";
    }
    if (!valid_field_value(sent->second)) {
      return "Header mismatch: " + name + " holds characters a header value may not carry";
    }
    auto decoded = decode_header_value(sent->second);
    if (!decoded) {
      return "Header mismatch: " + name + " holds invalid base64";
    }
    if (!same_value(*body, *decoded)) {
      return "Header mismatch: " + name + " header value '" + *decoded +
             "' does not match body value '" + body_text(*body) + "'";
    }
  }
  return std::nullopt;
}

}  // namespace mcprt::actors::catalog
