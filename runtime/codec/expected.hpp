// The one shape of an internal result: a value, or why there is none. The reason is an
// rpc_error where a client hears of the failure (the JSON-RPC error it gets), a one-line
// std::string where an operator does (start-up: config, store, plugins, workers). A check with
// nothing to return on success returns std::optional of the reason instead.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/codec/errors.hpp"

namespace mcprt {
inline namespace codec {

template <class T, class E = rpc_error>
class [[nodiscard]] expected {
  static_assert(!std::is_same_v<T, E>, "a value and its failure must differ in type");

 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  expected(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  /// The value; only when has_value().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The failure; only when !has_value().
  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  /// The failure, or nullptr when there is a value: `if (auto* why = r.failure()) ...`.
  E* failure() { return std::get_if<1>(&v_); }
  const E* failure() const { return std::get_if<1>(&v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace codec
}  // namespace mcprt
