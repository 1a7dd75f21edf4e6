// libFuzzer target for transport/ws_frame_reader: any bytes as what a client sends after the
// upgrade, read in pieces of a size the first byte picks (0: all at once). Text must come out
// as UTF-8 within the bound, and nothing may follow a close or a failure. Built by `make fuzz`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/codec/utf8.hpp"
#include "transport/ws_frame_reader.hpp"

using mcprt::transport::ws_event;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  constexpr size_t bound = size_t{64} * 1024;
  size_t step = data[0] == 0 ? size : data[0];
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  mcprt::transport::ws_frame_reader reader(bound);
  bool ended = false;
  for (size_t at = 0; at < bytes.size(); at += step) {
    auto n = std::min(step, bytes.size() - at);
    reader.read(std::span<char>(bytes.data() + at, n), [&](const ws_event& ev) {
      if (ended) {
        std::abort();  // Nothing after a close or a failure.
      }
      ended = ev.what == ws_event::kind::close || ev.what == ws_event::kind::fail;
      if (ev.what == ws_event::kind::text &&
          (ev.payload.size() > bound ||
           mcprt::utf8::first_invalid(ev.payload) != std::string_view::npos)) {
        std::abort();
      }
    });
  }
  return 0;
}
