// Bounded JSON parsing: RapidJSON's iterative reader feeds the document through a guard that
// counts depth and rejects strings holding UTF-16 surrogates.
#include "runtime/codec/json_parse.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>

#include "runtime/codec/utf8.hpp"

namespace mcprt {
inline namespace codec {

namespace {

// A surrogate code point encoded as UTF-8 starts ED A0..BF. The UTF-8 check refuses such raw
// bytes and RapidJSON an escaped lone high surrogate, but RapidJSON decodes an escaped lone
// low surrogate ("\udc00") into them; nothing else can produce them.
bool holds_surrogate(const char* s, size_t n) {
  const char* end = s + n;
  while (const void* hit = std::memchr(s, 0xED, static_cast<size_t>(end - s))) {
    const char* p = static_cast<const char*>(hit);
    if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) {
      return true;
    }
    s = p + 1;
  }
  return false;
}

// Forwards SAX events to the document, stopping the parse when a limit is crossed.
class guard {
 public:
  enum class stop { none, too_deep, surrogate };

  explicit guard(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (holds_surrogate(s, n)) {
      stop_ = stop::surrogate;
      return false;
    }
    return doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return String(s, n, copy); }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  stop stopped() const { return stop_; }

 private:
  bool enter() {
    if (++depth_ > max_json_depth) {
      stop_ = stop::too_deep;
      return false;
    }
    return true;
  }

  rapidjson::Document& doc_;
  unsigned depth_ = 0;
  stop stop_ = stop::none;
};

// Iterative: no recursion whatever the input. UTF-8 is checked before parsing, over the whole
// text (RFC 8259 §8.1), faster than RapidJSON's per-character kParseValidateEncodingFlag. Not in
// situ: a document's strings are its own copies, so a deep copy of it (CopyFrom) owns them too
// (in situ strings are references, which CopyFrom shares instead of copying).
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag;

}  // namespace

std::optional<json_parse_error> parse_json(rapidjson::Document& doc, std::string_view text) {
  doc.SetNull();
  if (text.empty()) {
    // Said here: RapidJSON 1.1 offsets a null stack pointer on empty input (UBSan reports it).
    return json_parse_error{"the document is empty", 0};
  }
  if (auto bad = utf8::first_invalid(text); bad != std::string_view::npos) {
    return json_parse_error{"the text is not valid UTF-8", bad};
  }
  // RapidJSON's streams read a NUL as the end of the text. JSON allows none outside a string,
  // and none raw inside one.
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    return json_parse_error{"the text holds a NUL byte",
                            static_cast<size_t>(static_cast<const char*>(nul) - text.data())};
  }
  rapidjson::ParseResult result;
  guard::stop stopped = guard::stop::none;
  // Populate runs the parse as a generator of the document's own SAX events and keeps the
  // root only when the generator succeeds.
  auto generate = [&](rapidjson::Document& target) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    rapidjson::Reader reader;
    guard g(target);
    result = reader.Parse<parse_flags>(in, g);
    stopped = g.stopped();
    return !result.IsError();
  };
  doc.Populate(generate);
  if (!result.IsError()) {
    return std::nullopt;
  }
  json_parse_error e;
  e.offset = result.Offset();
  switch (stopped) {
    case guard::stop::too_deep:
      e.message = "nesting deeper than " + std::to_string(max_json_depth) + " levels";
      break;
    case guard::stop::surrogate:
      e.message = "a string holds a lone UTF-16 surrogate, which is not valid Unicode";
      break;
    case guard::stop::none:
      e.message = rapidjson::GetParseError_En(result.Code());
      if (!e.message.empty() && e.message.back() == '.') {
        e.message.pop_back();
      }
      break;
  }
  return e;
}

std::string describe(const json_parse_error& error) {
  return error.message + " at offset " + std::to_string(error.offset);
}

}  // namespace codec
}  // namespace mcprt
