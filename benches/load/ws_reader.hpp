// Server-to-client WebSocket frames (RFC 6455 §5.2: unmasked) cut out of the bytes a read
// returned, and the one frame the fan-out client sends once set up: a pong. The client reads
// and writes its subscribers' sockets itself with these: Beast's per-message read (a composed
// operation and UTF-8 validation per message) cost the client about 2 µs a message, and a
// client that lags adds its own delay to every latency it records.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/ws_frame.hpp"

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

/// A client's pong (RFC 6455 §5.5.3), masked with `mask` (§5.3): its bytes are the first
/// `size` of `bytes`. A control frame carries at most 125 bytes; longer payloads give size 0.
struct client_pong {
  std::array<char, 2 + 4 + 125> bytes{};
  size_t size = 0;

  client_pong(std::string_view payload, std::array<uint8_t, 4> mask) {
    if (payload.size() > 125) {
      return;
    }
    bytes[0] = static_cast<char>(0x80 | transport::ws_opcode::pong);  // FIN, pong.
    bytes[1] = static_cast<char>(0x80 | payload.size());
    for (size_t i = 0; i < 4; ++i) {
      bytes[2 + i] = static_cast<char>(mask[i]);
    }
    for (size_t i = 0; i < payload.size(); ++i) {
      bytes[6 + i] = static_cast<char>(static_cast<uint8_t>(payload[i]) ^ mask[i % 4]);
    }
    size = 6 + payload.size();
  }
};

}  // namespace mcprt::bench
