// JSON-RPC codes through CAF's error type and back, and rendered by an actor system.
#include "runtime/api/mcp_errors.hpp"

#include <caf/actor_system.hpp>
#include <caf/sec.hpp>
#include <catch2/catch.hpp>

using namespace mcprt;

TEST_CASE("a JSON-RPC code survives a trip through caf::error", "[runtime][api][errors]") {
  for (auto code : {rpc_code::parse_error, rpc_code::invalid_params, rpc_code::header_mismatch,
                    rpc_code::server_overloaded, rpc_code::request_timeout}) {
    auto back = to_rpc_error(to_caf_error(code, "because"));
    CHECK(back.code == code);
    CHECK(back.message == "because");
  }
}

TEST_CASE("a caf::error of another category is an internal error with its rendering",
          "[runtime][api][errors]") {
  auto other = to_rpc_error(caf::make_error(caf::sec::invalid_argument), "system: invalid");
  CHECK(other.code == rpc_code::internal_error);
  CHECK(other.message == "system: invalid");
}

TEST_CASE("an actor system with the mcp category renders codes by name",
          "[runtime][api][errors][caf]") {
  caf::actor_system_config cfg;
  register_mcp_errors(cfg);
  caf::actor_system sys{cfg};
  CHECK(sys.render(to_caf_error(rpc_code::invalid_params, "no name")) ==
        "mcp: invalid_params (no name)");
  CHECK(sys.render(to_caf_error(rpc_code::method_not_found)) == "mcp: method_not_found");
  CHECK(rpc_code_name(rpc_code::session_not_found) == "session_not_found");
}
