// The header of a WebSocket frame as a server sends it (RFC 6455 §5.2): final, unmasked,
// text. The connection's writer puts one before each queued message and sends them together.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mcprt::transport {

/// Room for the longest header: 2 bytes, then a 64-bit length.
using frame_header = std::array<unsigned char, 10>;

/// Writes the header of a final text frame carrying `payload` bytes into `out`; returns its
/// length (2, 4 or 10 bytes).
inline size_t text_frame_header(uint64_t payload, frame_header& out) {
  out[0] = 0x81;  // FIN, opcode 1 (text).
  if (payload < 126) {
    out[1] = static_cast<unsigned char>(payload);
    return 2;
  }
  if (payload <= 0xffff) {
    out[1] = 126;
    out[2] = static_cast<unsigned char>(payload >> 8);
    out[3] = static_cast<unsigned char>(payload);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) {
    out[2 + i] = static_cast<unsigned char>(payload >> (8 * (7 - i)));
  }
  return 10;
}

}  // namespace mcprt::transport
