// Base64 and the header sentinel of 2026-07-28.
#include "runtime/base64.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

TEST_CASE("base64 round-trips every length", "[runtime][base64]") {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "Hello, \xe4\xb8\x96\xe7\x95\x8c"}) {
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("us-west1") == "dXMtd2VzdDE=");
}

TEST_CASE("base64 refuses foreign characters", "[runtime][base64]") {
  CHECK_FALSE(base64_decode("!!").has_value());
  CHECK_FALSE(base64_decode("a").has_value());
}

TEST_CASE("header values decode the =?base64?...?= sentinel only", "[runtime][base64]") {
  CHECK(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=") ==
        "Hello, \xe4\xb8\x96\xe7\x95\x8c");
  CHECK(decode_header_value("plain") == "plain");
  CHECK_FALSE(decode_header_value("=?base64?***?=").has_value());
}
