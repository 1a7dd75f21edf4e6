// Helpers around RapidJSON shared by the codec, the catalog and the plugins.
#include "runtime/codec/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runtime/codec/utf8.hpp"

namespace mcprt {
inline namespace codec {

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

namespace {

// True when the eight bytes need no escape and are ASCII: no byte below 0x20, no '"' or '\\',
// none of 0x80 or more. (The tests may flag a byte after a real hit; the byte loop sorts that.)
bool plain_word(uint64_t w) {
  constexpr uint64_t ones = 0x0101010101010101ULL;
  constexpr uint64_t highs = 0x8080808080808080ULL;
  auto has_zero_byte = [](uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
  bool control = ((w - ones * 0x20) & ~w & highs) != 0;
  return !control && !has_zero_byte(w ^ (ones * '"')) && !has_zero_byte(w ^ (ones * '\\')) &&
         utf8::all_ascii(w);
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out;
  quote_into(out, text);
  return out;
}

void quote_into(std::string& out, std::string_view text) {
  // Runs of plain bytes are copied whole: large text (result chunks, documents) quotes at
  // memory speed instead of a byte at a time. Escapes match RapidJSON's Writer.
  static constexpr char hex[] = "0123456789ABCDEF";
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  // Room for the text and a few escapes; never an exact reserve (appending many small texts
  // to one buffer must still grow it geometrically).
  auto need = out.size() + text.size() + 2 + text.size() / 16;
  if (out.capacity() < need) {
    out.reserve(std::max(need, 2 * out.capacity()));
  }
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    while (i + 8 <= text.size() && plain_word(utf8::word_at(text, i))) {
      i += 8;
    }
    if (i == text.size()) {
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      continue;
    }
    if (c >= 0x80) {
      if (auto n = utf8::sequence_length(text, i); n > 0) {
        i += n - 1;
        continue;
      }
      out.append(text.data() + run, i - run);
      run = i + 1;
      out += replacement;
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
}

std::string number_json(double value) {
  constexpr double exact_integers = 9007199254740992.0;  // 2^53
  if (!std::isfinite(value)) {
    return "null";
  }
  if (value == std::trunc(value) && std::fabs(value) <= exact_integers) {
    return std::to_string(static_cast<int64_t>(value));
  }
  rapidjson::StringBuffer buf;
  json_writer w(buf);
  w.Double(value);
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

}  // namespace codec
}  // namespace mcprt
