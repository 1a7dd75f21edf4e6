// The stdio transport's framing: lines across reads, the length bound, blank lines.
#include "transport/line_framer.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using mcprt::transport::line_framer;

namespace {

struct collected {
  std::vector<std::string> lines;
  int oversized = 0;
};

void feed(line_framer& f, collected& out, std::string_view bytes) {
  f.feed(
      bytes, [&out](std::string line) { out.lines.push_back(std::move(line)); },
      [&out] { ++out.oversized; });
}

}  // namespace

TEST_CASE("lines come out whole, however the reads cut them", "[transport][stdio]") {
  line_framer f(16);
  collected out;
  feed(f, out, "{\"a\":1}\n{\"b\"");
  feed(f, out, ":2}\n\n\r\n");
  feed(f, out, "{\"c\":3}");  // No newline yet: not a line.
  CHECK(out.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  feed(f, out, "\n");
  CHECK(out.lines.back() == "{\"c\":3}");
  CHECK(out.oversized == 0);
}

TEST_CASE("a line over the bound is skipped to its newline and reported once",
          "[transport][stdio]") {
  line_framer f(8);
  collected out;
  feed(f, out, "12345678\n");  // Exactly the bound: kept.
  feed(f, out, "123456789");
  feed(f, out, std::string(100, 'x'));
  feed(f, out, "\nok\n");
  CHECK(out.lines == std::vector<std::string>{"12345678", "ok"});
  CHECK(out.oversized == 1);
}
