// Base64 and the header sentinel of 2026-07-28.
#include "runtime/codec/base64.hpp"

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

TEST_CASE("the header sentinel requires RFC 4648 padding", "[runtime][base64]") {
  CHECK(decode_header_value("=?base64?SGVsbG8=?=") == "Hello");
  CHECK_FALSE(decode_header_value("=?base64?SGVsbG8?=").has_value());      // Padding missing.
  CHECK_FALSE(decode_header_value("=?base64?SGVs!!!bG8=?=").has_value());  // Not the alphabet.
  CHECK_FALSE(decode_header_value("=?base64?SG=sbG8=?=").has_value());     // '=' in the middle.
  CHECK_FALSE(decode_header_value("=?base64?SGVs====?=").has_value());     // Too much padding.
  CHECK(decode_header_value("=?base64?SGVsbG8=") == "=?base64?SGVsbG8=");  // Not the sentinel.
  CHECK(base64_decode("SGVsbG8") == "Hello");  // Cursors may still leave it out.
}

TEST_CASE("base64url is the URL-safe alphabet without padding", "[runtime][base64]") {
  std::string bytes("\xfb\xff\xbf", 3);
  CHECK(base64url_encode(bytes) == "-_-_");
  CHECK(base64url_decode("-_-_") == bytes);
  for (std::string s : {"", "a", "ab", "abc", "abcd", "abcde"}) {
    CHECK(base64url_decode(base64url_encode(s)) == s);
  }
  CHECK(base64url_encode("ab") == "YWI");
  CHECK_FALSE(base64url_decode("YWI="));   // Padding is not JOSE's.
  CHECK_FALSE(base64url_decode("+/+/"));   // The standard alphabet is not this one.
  CHECK_FALSE(base64url_decode("YWJjZ"));  // A length no bytes can have.
  CHECK_FALSE(base64url_decode("YW.j"));
}
