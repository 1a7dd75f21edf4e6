// Server-to-client WebSocket frames (RFC 6455 §5.2: unmasked) cut out of the bytes a read
// returned. The fan-out client reads its subscribers' sockets itself with this: Beast's
// per-message read (a composed operation and UTF-8 validation per message) cost the client
// about 2 µs a message, and a client that lags adds its own delay to every latency it records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mcprt::bench {

struct server_frame {
  bool fin = false;
  int opcode = 0;  // 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
  std::string_view payload;
};

/// What next_frame found.
enum class frame_cut {
  whole,    // `out` holds a frame; `used` bytes were it.
  partial,  // More bytes needed.
  masked,   // A server must not mask: not a frame this client can read.
};

/// Cuts the frame at the start of `bytes`.
inline frame_cut next_frame(std::string_view bytes, server_frame& out, size_t& used) {
  if (bytes.size() < 2) {
    return frame_cut::partial;
  }
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if ((byte(1) & 0x80) != 0) {
    return frame_cut::masked;
  }
  uint64_t length = byte(1) & 0x7f;
  size_t header = 2;
  if (length == 126 || length == 127) {
    size_t extra = length == 126 ? 2 : 8;
    if (bytes.size() < 2 + extra) {
      return frame_cut::partial;
    }
    length = 0;
    for (size_t i = 0; i < extra; ++i) {
      length = (length << 8) | byte(2 + i);
    }
    header += extra;
  }
  if (bytes.size() - header < length) {
    return frame_cut::partial;
  }
  out.fin = (byte(0) & 0x80) != 0;
  out.opcode = byte(0) & 0x0f;
  out.payload = bytes.substr(header, static_cast<size_t>(length));
  used = header + static_cast<size_t>(length);
  return frame_cut::whole;
}

}  // namespace mcprt::bench
