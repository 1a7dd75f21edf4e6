// The node-wide admission gate.
#include "runtime/io/admission.hpp"

#include <catch2/catch.hpp>

TEST_CASE("admission admits up to its bound and frees slots on release", "[runtime][admission]") {
  mcprt::admission gate(2);
  CHECK(gate.try_acquire());
  CHECK(gate.try_acquire());
  CHECK_FALSE(gate.try_acquire());
  CHECK(gate.inflight() == 2);
  gate.release();
  CHECK(gate.try_acquire());
  CHECK(gate.inflight() == 2);
}
