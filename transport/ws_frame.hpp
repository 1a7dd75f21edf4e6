// The header of a WebSocket frame as a server sends it (RFC 6455 §5.2): final, unmasked,
// text. The connection's writer puts one before each queued message and sends them together.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mcprt::transport {

/// Frame opcodes (RFC 6455 §5.2), shared by the reader, the writer and the write gate.
namespace ws_opcode {
inline constexpr unsigned char continuation = 0x0;
inline constexpr unsigned char text = 0x1;
inline constexpr unsigned char binary = 0x2;
inline constexpr unsigned char close = 0x8;
inline constexpr unsigned char ping = 0x9;
inline constexpr unsigned char pong = 0xa;
}  // namespace ws_opcode

/// True for a server frame (unmasked, first byte FIN + opcode) that closes the connection.
inline bool is_close_frame(std::string_view frame) {
  return !frame.empty() && (static_cast<unsigned char>(frame[0]) & 0x0f) == ws_opcode::close;
}

/// Room for the longest header: 2 bytes, then a 64-bit length.
using frame_header = std::array<unsigned char, 10>;

/// Writes the header of a final text frame carrying `payload` bytes into `out`; returns its
/// length (2, 4 or 10 bytes).
inline size_t text_frame_header(uint64_t payload, frame_header& out) {
  out[0] = 0x80 | ws_opcode::text;  // FIN, text.
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

/// A control frame as a server sends it: final, unmasked; `payload` of at most 125 bytes
/// (longer is cut there).
inline std::string control_frame(unsigned char opcode, std::string_view payload) {
  payload = payload.substr(0, 125);
  std::string f;
  f.reserve(2 + payload.size());
  f += static_cast<char>(0x80 | opcode);
  f += static_cast<char>(payload.size());
  f += payload;
  return f;
}

/// A close frame with `code` and `reason` (cut where the payload reaches 125 bytes); code 0
/// sends none.
inline std::string close_frame(uint16_t code, std::string_view reason) {
  std::string payload;
  if (code != 0) {
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xff);
    payload += reason;
  }
  return control_frame(ws_opcode::close, payload);
}

}  // namespace mcprt::transport
