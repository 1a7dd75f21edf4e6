// A thread's gathered wakes: a few runs in thread-local storage, so a gathering allocates
// nothing and a publish loop's wake costs a compare and a store.
#include "runtime/io/wake_gathering.hpp"

#include <array>
#include <cstddef>
#include <memory>

namespace mcprt {
inline namespace io {

namespace {

constexpr size_t run_length = 64;  // As a wake batch's drain chunk: one run, one drain turn.
constexpr size_t most_sinks = 8;   // I/O threads one loop usually reaches; more wake at once.

struct run {
  wake_sink* sink = nullptr;
  std::shared_ptr<wake_sink> held;
  std::array<uint64_t, run_length> tokens{};
  size_t count = 0;
};

struct gathered {
  bool active = false;
  std::array<run, most_sinks> runs;
  size_t used = 0;
};

thread_local gathered here;

void hand_over(run& r) {
  if (r.count > 0) {
    auto count = r.count;
    r.count = 0;
    r.sink->wake_notes(std::span<const uint64_t>(r.tokens.data(), count));
  }
}

run* run_for(wake_sink& sink) {
  for (size_t i = 0; i < here.used; ++i) {
    if (here.runs[i].sink == &sink) {
      return &here.runs[i];
    }
  }
  if (here.used == most_sinks) {
    return nullptr;
  }
  auto held = sink.hold();
  if (!held) {
    return nullptr;
  }
  auto& r = here.runs[here.used++];
  r.sink = &sink;
  r.held = std::move(held);
  return &r;
}

}  // namespace

wake_gathering::wake_gathering() : outermost_(!here.active) {
  here.active = true;
}

wake_gathering::~wake_gathering() {
  if (!outermost_) {
    return;
  }
  for (size_t i = 0; i < here.used; ++i) {
    auto& r = here.runs[i];
    hand_over(r);
    r.sink = nullptr;
    r.held.reset();
  }
  here.used = 0;
  here.active = false;
}

bool wake_gathering::gather(wake_sink& sink, uint64_t token) {
  if (!here.active) {
    return false;
  }
  auto* r = run_for(sink);
  if (r == nullptr) {
    return false;
  }
  r->tokens[r->count++] = token;
  if (r->count == run_length) {
    hand_over(*r);
  }
  return true;
}

}  // namespace io
}  // namespace mcprt
