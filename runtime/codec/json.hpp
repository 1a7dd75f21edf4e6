// Owned, immutable parsed JSON that may travel between threads and actors, and small writers.
// A json_ref keeps its document alive; nothing in it points into a transport buffer.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace codec {

/// A read-only view of one value inside a shared, immutable document.
class json_ref {
 public:
  json_ref() = default;
  json_ref(std::shared_ptr<const rapidjson::Document> doc, const rapidjson::Value* value)
      : doc_(std::move(doc)), value_(value) {}

  /// True when the ref points at a value.
  explicit operator bool() const { return value_ != nullptr; }
  /// The value; only valid when the ref is non-empty.
  const rapidjson::Value& operator*() const { return *value_; }
  const rapidjson::Value* operator->() const { return value_; }
  const rapidjson::Value* get() const { return value_; }
  /// A ref to a member of this object, or an empty ref.
  json_ref member(std::string_view name) const;
  /// The document this ref keeps alive.
  const std::shared_ptr<const rapidjson::Document>& document() const { return doc_; }

 private:
  std::shared_ptr<const rapidjson::Document> doc_;
  const rapidjson::Value* value_ = nullptr;
};

/// Serializes a value to compact JSON text.
std::string to_json(const rapidjson::Value& value);

/// Writes a string as a JSON string literal (with quotes and escapes). JSON text must be
/// UTF-8 (RFC 8259 §8.1): each byte of `text` that does not belong to a valid UTF-8 sequence
/// is written as U+FFFD, so the literal is valid whatever bytes a plugin or peer handed over.
std::string quote(std::string_view text);
/// The same, appended to `out`: a large text is quoted straight into the message it goes in.
void quote_into(std::string& out, std::string_view text);

/// A number as JSON text: integral values within ±2^53 without a fraction, others in the
/// shortest form that reads back to the same double; `null` when not finite (JSON has no
/// literal for infinities or NaN), as JavaScript's JSON.stringify writes them.
std::string number_json(double value);

/// Looks up a string member; nullopt when absent or not a string.
std::optional<std::string_view> string_member(const rapidjson::Value& obj, std::string_view name);

/// Looks up any member of an object; nullptr when absent or obj is not an object.
const rapidjson::Value* find_member(const rapidjson::Value& obj, std::string_view name);

/// A RapidJSON writer (`Writer`, `PrettyWriter`) that writes a non-finite double as `null`:
/// RapidJSON's own writes nothing for it and leaves invalid JSON behind (`{"sum":}`).
template <class Base>
class finite_writer : public Base {
 public:
  using Base::Base;
  bool Double(double d) { return std::isfinite(d) ? Base::Double(d) : Base::Null(); }
};

/// The writer mcprt serializes with.
using json_writer = finite_writer<rapidjson::Writer<rapidjson::StringBuffer>>;

}  // namespace codec
}  // namespace mcprt
