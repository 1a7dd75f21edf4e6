// transport.ioThreads: a configured count is kept; 0 follows the machine, leaving a core to
// the actors.
#include <catch2/catch.hpp>

#include "transport/http_server.hpp"

using mcprt::transport::io_threads_for;

TEST_CASE("io_threads_for: 0 is one per core but one, at least one", "[io_threads]") {
  CHECK(io_threads_for(3, 16) == 3);
  CHECK(io_threads_for(0, 16) == 15);
  CHECK(io_threads_for(0, 2) == 1);
  CHECK(io_threads_for(0, 1) == 1);
  CHECK(io_threads_for(0, 0) == 1);  // hardware_concurrency() may not know.
}
