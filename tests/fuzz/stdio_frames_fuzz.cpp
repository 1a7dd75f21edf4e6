// libFuzzer target for stdio framing: any bytes as what a client writes to the server's stdin,
// cut into reads where the input says. Lines must come out without a newline and within the
// bound; each goes to the JSON-RPC decoder as the stdio peer does. Built by `make fuzz`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/codec/json_rpc.hpp"
#include "transport/line_framer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t bound = 1024;  // Small, so the oversized path is reached.
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) {
    return 0;
  }
  // The first byte picks how big each read() is (1..256 bytes).
  size_t read_size = static_cast<size_t>(static_cast<uint8_t>(input[0])) + 1;
  input.remove_prefix(1);
  mcprt::transport::line_framer framer(bound);
  auto on_line = [](const std::string& line) {
    if (line.size() > bound || line.find('\n') != std::string::npos || line.empty()) {
      __builtin_trap();
    }
    (void)mcprt::rpc::decode(line);
  };
  while (!input.empty()) {
    auto piece = input.substr(0, read_size);
    framer.feed(piece, on_line, [] {});
    input.remove_prefix(piece.size());
  }
  return 0;
}
