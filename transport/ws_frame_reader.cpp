// Frame by frame: a header gathered whole, the payload unmasked where it lies, and a message
// copied only when it does not arrive in one piece.
#include "transport/ws_frame_reader.hpp"

#include <algorithm>

#include "runtime/codec/utf8.hpp"
#include "transport/ws_frame.hpp"

namespace mcprt::transport {

namespace {

bool is_control(uint8_t op) {
  return (op & 0x8) != 0;
}

// The codes a close frame may carry (RFC 6455 §7.4.1-2).
bool valid_close_code(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

}  // namespace

ws_event ws_frame_reader::fail(ws_close_code code, std::string_view why) {
  ws_event ev;
  ev.what = ws_event::kind::fail;
  ev.code = static_cast<uint16_t>(code);
  ev.payload = why;
  return ev;
}

bool ws_frame_reader::parse_header(ws_event& failed, bool& bad) {
  bad = false;
  if (header_size_ < 2) {
    return false;
  }
  auto b0 = header_[0];
  auto b1 = header_[1];
  if ((b0 & 0x70) != 0 || (b1 & 0x80) == 0) {
    bad = true;  // Known from the first two bytes: no need to wait for the rest.
    failed =
        (b0 & 0x70) != 0
            ? fail(ws_close_code::protocol_error, "reserved bits set (no extension was agreed)")
            : fail(ws_close_code::protocol_error, "a client's frames must be masked");
    return true;
  }
  size_t need = 2 + 4;
  auto len7 = b1 & 0x7f;
  if (len7 == 126) {
    need += 2;
  } else if (len7 == 127) {
    need += 8;
  }
  if (header_size_ < need) {
    return false;
  }
  bad = true;
  fin_ = (b0 & 0x80) != 0;
  opcode_ = b0 & 0x0f;
  uint64_t length = len7;
  size_t mask_at = 2;
  if (len7 == 126) {
    length = (uint64_t{header_[2]} << 8) | header_[3];
    mask_at = 4;
  } else if (len7 == 127) {
    length = 0;
    for (size_t i = 0; i < 8; ++i) {
      length = (length << 8) | header_[2 + i];
    }
    mask_at = 10;
    if ((length >> 63) != 0) {
      failed = fail(ws_close_code::protocol_error, "a frame length's top bit is set");
      return true;
    }
  }
  std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(mask_at), 4, mask_.begin());
  if (is_control(opcode_)) {
    if (!fin_ || length > 125) {
      failed = fail(ws_close_code::protocol_error, "a control frame must be whole and short");
      return true;
    }
    if (opcode_ != ws_opcode::close && opcode_ != ws_opcode::ping && opcode_ != ws_opcode::pong) {
      failed = fail(ws_close_code::protocol_error, "unknown control opcode");
      return true;
    }
  } else if (opcode_ == ws_opcode::binary) {
    failed = fail(ws_close_code::unsupported_data,
                  "binary frames are not MCP messages: send JSON-RPC as text");
    return true;
  } else if (opcode_ == ws_opcode::text) {
    if (in_message_) {
      failed = fail(ws_close_code::protocol_error, "a new message began inside a fragmented one");
      return true;
    }
  } else if (opcode_ == ws_opcode::continuation) {
    if (!in_message_) {
      failed = fail(ws_close_code::protocol_error, "a continuation frame with no message begun");
      return true;
    }
  } else {
    failed = fail(ws_close_code::protocol_error, "unknown data opcode");
    return true;
  }
  if (!is_control(opcode_) && message_.size() + length > max_message_) {
    failed = fail(ws_close_code::too_big, "message too big");
    return true;
  }
  bad = false;
  remaining_ = length;
  unmasked_ = 0;
  in_frame_ = true;
  header_size_ = 0;
  if (!is_control(opcode_)) {
    in_message_ = !fin_;
  }
  return true;
}

bool ws_frame_reader::finish_frame(std::string_view payload, ws_event& ev) {
  in_frame_ = false;
  if (is_control(opcode_)) {
    ev.payload = payload;
    if (opcode_ == ws_opcode::ping) {
      ev.what = ws_event::kind::ping;
    } else if (opcode_ == ws_opcode::pong) {
      ev.what = ws_event::kind::pong;
    } else {
      ev.what = ws_event::kind::close;
      ev.payload = {};
      if (payload.size() == 1) {
        ev = fail(ws_close_code::protocol_error, "a close frame's code is cut short");
      } else if (payload.size() >= 2) {
        auto code = static_cast<uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                          static_cast<unsigned char>(payload[1]));
        auto reason = payload.substr(2);
        if (!valid_close_code(code)) {
          ev = fail(ws_close_code::protocol_error, "a close frame's code is not one to send");
        } else if (utf8::first_invalid(reason) != std::string_view::npos) {
          ev = fail(ws_close_code::invalid_payload, "a close reason that is not UTF-8");
        } else {
          ev.code = code;
          ev.payload = reason;
        }
      }
    }
    return true;
  }
  if (!fin_) {
    return false;  // More fragments to come.
  }
  if (utf8::first_invalid(payload) != std::string_view::npos) {
    ev = fail(ws_close_code::invalid_payload, "a text message that is not UTF-8");
    return true;
  }
  ev.what = ws_event::kind::text;
  ev.payload = payload;
  return true;
}

bool ws_frame_reader::next(std::span<char> bytes, size_t& at, ws_event& ev) {
  if (handed_on_ != nullptr) {
    std::string().swap(*handed_on_);  // An idle reader holds no message buffer.
    handed_on_ = nullptr;
  }
  for (;;) {
    if (!in_frame_) {
      // Gather the header; it may come in pieces.
      bool bad = false;
      while (!parse_header(ev, bad)) {
        if (at == bytes.size()) {
          return false;
        }
        header_[header_size_++] = static_cast<unsigned char>(bytes[at++]);
      }
      if (bad) {
        return true;
      }
    }
    auto available = static_cast<uint64_t>(bytes.size() - at);
    auto take = static_cast<size_t>(std::min(remaining_, available));
    char* data = bytes.data() + at;
    for (size_t i = 0; i < take; ++i) {
      data[i] = static_cast<char>(data[i] ^ mask_[(unmasked_ + i) & 3]);
    }
    unmasked_ += take;
    remaining_ -= take;
    at += take;
    std::string_view piece(data, take);
    auto& gathered = is_control(opcode_) ? control_ : message_;
    bool whole_here = remaining_ == 0 && gathered.empty() && (is_control(opcode_) || fin_);
    if (whole_here) {
      // The common case: a whole message (or control frame) within this read, not copied.
      if (finish_frame(piece, ev)) {
        return true;
      }
      continue;
    }
    gathered.append(piece);
    if (remaining_ > 0) {
      return false;  // The read is used up inside the frame.
    }
    std::string_view whole = gathered;
    if (finish_frame(whole, ev)) {
      handed_on_ = &gathered;  // The event points into it until the next call.
      return true;
    }
  }
}

}  // namespace mcprt::transport
