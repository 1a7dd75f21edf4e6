// A server's reader of a client's WebSocket frames (RFC 6455 §5), for a connection that reads
// into a buffer it does not keep (a thread's): what a frame leaves unfinished at the end of a
// read stays here, and nothing else does. An idle connection's reader holds no buffer; a
// message split over several reads, or over fragments, is gathered in one string that is let
// go once the message is handed on. Client frames must be masked; each is unmasked in place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mcprt::transport {

/// The close codes a reader fails a connection with (RFC 6455 §7.4.1).
enum class ws_close_code : uint16_t {
  normal = 1000,
  protocol_error = 1002,
  unsupported_data = 1003,  ///< Binary frames: MCP messages are text.
  invalid_payload = 1007,   ///< Text that is not UTF-8.
  too_big = 1009,
};

/// What the reader found; its view is valid during the callback that receives it.
struct ws_event {
  enum class kind { text, ping, pong, close, fail };
  kind what = kind::fail;
  std::string_view payload;  ///< The message; the control frame's data; the close reason.
  uint16_t code = 0;         ///< close: the peer's code (0: none given); fail: ours to send.
};

class ws_frame_reader {
 public:
  /// `max_message`: the longest text message taken (longer fails with 1009).
  explicit ws_frame_reader(size_t max_message) : max_message_(max_message) {}

  /// Reads the frames in `bytes` (unmasking them in place), calling `on(const ws_event&)` for
  /// each message and control frame. After a `fail` or a `close` event nothing more is read:
  /// returns false then.
  template <class OnEvent>
  bool read(std::span<char> bytes, OnEvent&& on) {
    size_t at = 0;
    while (!done_) {
      ws_event ev;
      if (!next(bytes, at, ev)) {
        break;
      }
      if (ev.what == ws_event::kind::fail || ev.what == ws_event::kind::close) {
        done_ = true;
      }
      on(static_cast<const ws_event&>(ev));
    }
    return !done_;
  }

  /// True while part of a frame or message is held.
  bool holds_partial() const { return header_size_ > 0 || in_frame_ || !message_.empty(); }

 private:
  // One step: the next event from `bytes` starting at `at`; false when they are used up.
  bool next(std::span<char> bytes, size_t& at, ws_event& ev);
  // Parses the header gathered in header_; false when it needs more bytes. Sets `failed`.
  bool parse_header(ws_event& failed, bool& bad);
  // The frame is complete: its event, if it completes a message or is a control frame.
  bool finish_frame(std::string_view payload, ws_event& ev);
  ws_event fail(ws_close_code code, std::string_view why);

  const size_t max_message_;
  bool done_ = false;
  // The frame being read.
  std::array<unsigned char, 14> header_{};  // Gathered until whole (2 to 14 bytes).
  size_t header_size_ = 0;
  bool in_frame_ = false;
  bool fin_ = false;
  uint8_t opcode_ = 0;
  std::array<unsigned char, 4> mask_{};
  uint64_t remaining_ = 0;  // Payload bytes of the frame still to come.
  uint64_t unmasked_ = 0;   // Payload bytes of the frame seen so far (the mask's phase).
  // A message of several frames or reads, and a control frame split over reads.
  std::string message_;
  bool in_message_ = false;  // A text message has begun and its final frame is to come.
  std::string control_;
  std::string* handed_on_ = nullptr;  // Gathered bytes an event pointed into: let go next.
};

}  // namespace mcprt::transport
