// log.format: text lines as before; JSON lines with the message's key=value pairs as members.
#include "runtime/observe/log_line.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

TEST_CASE("a log line as text and as JSON", "[runtime][log]") {
  auto t = "2026-12-02T13:00:00.000Z";
  CHECK(format_log_line(log_format::text, t, log_level::info, "plugin started plugin=demo") ==
        "2026-12-02T13:00:00.000Z info plugin started plugin=demo\n");
  CHECK(format_log_line(log_format::json, t, log_level::warning,
                        R"(auth refused status=401 reason=missing request="POST /mcp")") ==
        R"({"time":"2026-12-02T13:00:00.000Z","level":"warning","msg":"auth refused",)"
        R"("status":"401","reason":"missing","request":"POST /mcp"})"
        "\n");
  // Not key=value all the way (a free-text tail): the whole message is `msg`.
  CHECK(format_log_line(log_format::json, t, log_level::error, "stdin closed; stopping") ==
        R"({"time":"2026-12-02T13:00:00.000Z","level":"error","msg":"stdin closed; stopping"})"
        "\n");
  CHECK(format_log_line(log_format::json, t, log_level::info, R"(x a="unclosed)") ==
        R"({"time":"2026-12-02T13:00:00.000Z","level":"info","msg":"x a=\"unclosed"})"
        "\n");
}
