#include "runtime/codec/url.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

TEST_CASE("absolute http(s) URLs split into what a client needs", "[url]") {
  auto u = parse_http_url("HTTPS://Auth.Example.com/realms/x?y=1").value();
  CHECK(u.scheme == "https");
  CHECK(u.host == "auth.example.com");
  CHECK(u.port == "443");
  CHECK(u.target == "/realms/x?y=1");
  CHECK(u.origin() == "https://auth.example.com");
  CHECK_FALSE(u.is_loopback());
  auto v6 = parse_http_url("http://[::1]:8080").value();
  CHECK(v6.host == "[::1]");
  CHECK(v6.port == "8080");
  CHECK(v6.target == "/");
  CHECK(v6.is_loopback());
  CHECK(v6.origin() == "http://[::1]:8080");
  CHECK(parse_http_url("http://127.0.0.9:80/a").value().origin() == "http://127.0.0.9");
  for (const char* bad : {"ftp://h/", "//h/", "https://", "https://u:p@h/", "https://h/#f",
                          "https://h:99999999/", "https://h:x/", "http://[::1/"}) {
    INFO(bad);
    CHECK_FALSE(parse_http_url(bad));
  }
}
