// Helpers around RapidJSON shared by the codec, the catalog and the plugins.
#include "runtime/json.hpp"

namespace mcprt {

json_ref json_ref::member(std::string_view name) const {
  if (value_ == nullptr) {
    return {};
  }
  return json_ref{doc_, find_member(*value_, name)};
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string quote(std::string_view text) {
  // Runs of plain bytes are copied whole: large text (result chunks, documents) quotes at
  // memory speed instead of a byte at a time. Escapes match RapidJSON's Writer.
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 2 + text.size() / 16);
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
  return out;
}

const rapidjson::Value* find_member(const rapidjson::Value& obj, std::string_view name) {
  if (!obj.IsObject()) {
    return nullptr;
  }
  auto it = obj.FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string_view> string_member(const rapidjson::Value& obj, std::string_view name) {
  auto* v = find_member(obj, name);
  if (v == nullptr || !v->IsString()) {
    return std::nullopt;
  }
  return std::string_view(v->GetString(), v->GetStringLength());
}

}  // namespace mcprt
