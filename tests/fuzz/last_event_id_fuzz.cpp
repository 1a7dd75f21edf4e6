// libFuzzer target for the Last-Event-ID a client sends to resume a stream: the event log of
// a session holding events of two streams is asked for what follows the input's id. Nothing
// may crash; an id is replayed only when it is this session's (its salt) and was issued, and
// a replay holds only events of the named event's stream, in order.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/io/event_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  static const auto log = [] {
    auto l = std::make_shared<event_log>("a1b2c3", 8);
    auto frame = std::make_shared<const std::string>("{}");
    for (int i = 0; i < 12; ++i) {
      auto id = l->next_id();
      l->keep(logged_event{id, static_cast<uint64_t>(i % 2), nullptr, frame});
    }
    return l;
  }();
  std::string_view id(reinterpret_cast<const char*>(data), size);
  std::vector<logged_event> out;
  auto how = log->after(id, out);
  if (how != event_log::resume::replay && !out.empty()) {
    __builtin_trap();  // Nothing may be replayed for a foreign or forgotten id.
  }
  if (how == event_log::resume::replay) {
    if (id.substr(0, 7) != "a1b2c3-") {
      __builtin_trap();  // Replayed for another session's id.
    }
    for (size_t i = 1; i < out.size(); ++i) {
      if (out[i].id <= out[i - 1].id || out[i].stream != out[0].stream) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
