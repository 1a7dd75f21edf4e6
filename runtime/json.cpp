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
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buf.GetString(), buf.GetSize());
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
