// The one shape of an internal result: a value or why there is none.
#include "runtime/codec/expected.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

using namespace mcprt;

namespace {

expected<int> half(int n) {
  if (n % 2 != 0) {
    return invalid_params("odd: " + std::to_string(n));
  }
  return n / 2;
}

}  // namespace

TEST_CASE("an expected holds a value or the error a client gets", "[runtime][codec]") {
  auto ok = half(8);
  REQUIRE(ok);
  CHECK(*ok == 4);
  CHECK(ok.failure() == nullptr);
  auto bad = half(3);
  REQUIRE_FALSE(bad);
  REQUIRE(bad.failure() != nullptr);
  CHECK(bad.error().code == rpc_code::invalid_params);
  CHECK(bad.failure()->message == "odd: 3");
}

TEST_CASE("an operator-facing expected carries a one-line reason and move-only values",
          "[runtime][codec]") {
  expected<std::unique_ptr<int>, std::string> made = std::make_unique<int>(7);
  REQUIRE(made.has_value());
  auto owned = std::move(made).value();
  CHECK(*owned == 7);
  expected<std::unique_ptr<int>, std::string> refused = std::string("file is locked");
  CHECK_FALSE(refused.has_value());
  CHECK(refused.error() == "file is locked");
}
