// Tools whose arguments are a C++ struct: the struct's described fields give the input schema,
// and a call's (already validated) arguments are decoded into the struct before the handler.
//
//   struct forecast_args {
//     std::string city;
//     std::optional<int64_t> days;
//     static constexpr auto fields = std::tuple{
//         mcprt::arg(&forecast_args::city, "city", "City to forecast"),
//         mcprt::arg(&forecast_args::days, "days", "Days ahead").range(1, 14)};
//   };
//   ctx.add_tools({mcprt::typed_tool<forecast_args>("forecast", "Daily forecast.",
//       [](const forecast_args& a, mcprt::tool_invocation& call) { ... })});
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace api {

namespace typed_detail {

template <class T>
struct is_optional : std::false_type {
  using inner = T;
};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {
  using inner = T;
};
template <class T>
struct is_vector : std::false_type {
  using inner = T;
};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {
  using inner = T;
};

template <class T>
constexpr bool is_integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// The JSON Schema `type` of a scalar member type; a static_assert names what is not supported.
template <class T>
constexpr std::string_view scalar_type() {
  if constexpr (std::is_same_v<T, bool>) {
    return "boolean";
  } else if constexpr (is_integer<T>) {
    return "integer";
  } else if constexpr (std::is_floating_point_v<T>) {
    return "number";
  } else {
    static_assert(std::is_same_v<T, std::string>,
                  "typed tool fields are bool, integers, floating point, std::string, "
                  "std::vector of those, or std::optional of any of them");
    return "string";
  }
}

// `"minimum":..,"maximum":..` for an integer type: validation refuses a value the member
// cannot hold instead of the decoding cutting it short or wrapping it.
template <class T>
std::string integer_bounds() {
  if constexpr (is_integer<T>) {
    return R"(,"minimum":)" + std::to_string(std::numeric_limits<T>::min()) + R"(,"maximum":)" +
           std::to_string(std::numeric_limits<T>::max());
  } else {
    return {};
  }
}

template <class T>
std::string scalar_schema() {
  return R"("type":")" + std::string(scalar_type<T>()) + "\"";
}

template <class T>
T decode_scalar(const rapidjson::Value& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v.GetBool();
  } else if constexpr (is_integer<T> && std::is_unsigned_v<T>) {
    return static_cast<T>(v.GetUint64());  // Validated: 0 to max(T).
  } else if constexpr (is_integer<T>) {
    return static_cast<T>(v.GetInt64());  // Validated: min(T) to max(T).
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v.GetDouble());
  } else {
    return std::string(v.GetString(), v.GetStringLength());
  }
}

template <class T>
T decode_value(const rapidjson::Value& v) {
  if constexpr (is_vector<T>::value) {
    T out;
    for (const auto& e : v.GetArray()) {
      out.push_back(decode_scalar<typename is_vector<T>::inner>(e));
    }
    return out;
  } else {
    return decode_scalar<T>(v);
  }
}

}  // namespace typed_detail

/// One described member of a typed tool's argument struct (see the top of this file).
template <class S, class T>
struct typed_arg {
  T S::*member;
  std::string_view name;
  std::string_view description;
  double minimum = 0, maximum = 0;  ///< For numbers; both 0: no bounds.
  bool has_default = false;         ///< Not required: the struct's own value stays.

  /// Inclusive bounds of a number (or of each number of a list).
  constexpr typed_arg range(double lo, double hi) const {
    auto a = *this;
    a.minimum = lo;
    a.maximum = hi;
    return a;
  }
  /// The client may leave it out; the member keeps its initial value then.
  constexpr typed_arg defaulted() const {
    auto a = *this;
    a.has_default = true;
    return a;
  }

  using value_type = T;
  static constexpr bool optional = typed_detail::is_optional<T>::value;
  bool required() const { return !optional && !has_default; }

  /// This member's entry in the schema's `properties`: `"name":{...}`.
  std::string schema() const {
    using V = typename typed_detail::is_optional<T>::inner;
    using E = typename typed_detail::is_vector<V>::inner;  // V itself when not a vector.
    // The field's own range, else (for integers) what the member's type can hold.
    std::string bounds = minimum != 0 || maximum != 0 ? R"(,"minimum":)" + number_json(minimum) +
                                                            R"(,"maximum":)" + number_json(maximum)
                                                      : typed_detail::integer_bounds<E>();
    std::string body;
    if constexpr (typed_detail::is_vector<V>::value) {
      body = R"("type":"array","items":{)" + typed_detail::scalar_schema<E>() + bounds + "}";
    } else {
      body = typed_detail::scalar_schema<E>() + bounds;
    }
    if (!description.empty()) {
      body += R"(,"description":)" + quote(description);
    }
    return quote(name) + ":{" + body + "}";
  }

  /// Sets the member from the arguments object when it holds this field.
  void decode(const rapidjson::Value& args, S& out) const {
    auto it = args.FindMember(rapidjson::StringRef(name.data(), name.size()));
    if (it == args.MemberEnd() || it->value.IsNull()) {
      return;
    }
    out.*member =
        typed_detail::decode_value<typename typed_detail::is_optional<T>::inner>(it->value);
  }
};

/// Describes the member `m` as the argument `name`.
template <class S, class T>
constexpr typed_arg<S, T> arg(T S::*m, std::string_view name, std::string_view description) {
  return typed_arg<S, T>{m, name, description};
}

/// The input schema generated from `S::fields`: an object of those properties, no others.
template <class S>
std::string input_schema_of() {
  std::string properties;
  std::string required;
  auto add = [&](const auto& field) {
    properties += (properties.empty() ? "" : ",") + field.schema();
    if (field.required()) {
      required += (required.empty() ? "" : ",") + quote(field.name);
    }
  };
  std::apply([&](const auto&... field) { (add(field), ...); }, S::fields);
  return R"({"type":"object","properties":{)" + properties + R"(},"required":[)" + required +
         R"(],"additionalProperties":false})";
}

/// The struct decoded from validated arguments (an empty ref leaves every member as it is).
template <class S>
S decode_arguments(const json_ref& arguments) {
  S out{};
  if (arguments && arguments->IsObject()) {
    std::apply([&](const auto&... field) { (field.decode(*arguments, out), ...); }, S::fields);
  }
  return out;
}

/// A function tool whose arguments arrive as an `S`. The schema is generated from `S::fields`
/// and checked by the runtime before the handler runs, so the handler sees only valid values.
template <class S, class F>
tool_spec typed_tool(std::string name, std::string description, F handler) {
  tool_spec spec;
  spec.definition = make_tool(std::move(name), std::move(description), input_schema_of<S>());
  spec.handler = [handler = std::move(handler)](tool_invocation& call) {
    const S args = decode_arguments<S>(call.arguments());
    handler(args, call);
  };
  return spec;
}

}  // namespace api
}  // namespace mcprt
