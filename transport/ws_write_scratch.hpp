// What a WebSocket connection's writer works with while it has something to write: the pulled
// pieces, the frame headers and the gathered buffers. Between writes it holds none of it: the
// vectors, with their capacity, go back to a list of its I/O thread's, and the next connection
// to write takes them from there. An idle subscriber then costs a pointer, not ~250 bytes of
// buffers sized for the last batch it wrote.
#pragma once

#include <boost/asio/buffer.hpp>
#include <memory>
#include <vector>

#include "runtime/io/outbox.hpp"
#include "transport/ws_frame.hpp"

namespace mcprt::transport {

struct ws_write_scratch {
  std::vector<out_piece> pieces;                ///< The current pull.
  std::vector<frame_header> headers;            ///< The frame headers of the write.
  std::vector<boost::asio::const_buffer> bufs;  ///< The write in flight.

  /// A set from this thread's list (a new one when it is empty). On an I/O thread.
  static std::unique_ptr<ws_write_scratch> take() {
    auto& spares = thread_spares();
    if (spares.empty()) {
      return std::make_unique<ws_write_scratch>();
    }
    auto s = std::move(spares.back());
    spares.pop_back();
    return s;
  }

  /// Back to this thread's list, emptied (the pieces' owners are released now), its capacity
  /// kept for the next writer; beyond the list's bound it is freed.
  static void give_back(std::unique_ptr<ws_write_scratch> s) {
    s->pieces.clear();
    s->headers.clear();
    s->bufs.clear();
    auto& spares = thread_spares();
    if (spares.size() < most_spares) {
      spares.push_back(std::move(s));
    }
  }

 private:
  // Enough for the connections of a thread that are mid-write at once; the rest are freed.
  static constexpr size_t most_spares = 256;
  static std::vector<std::unique_ptr<ws_write_scratch>>& thread_spares() {
    thread_local std::vector<std::unique_ptr<ws_write_scratch>> spares;
    return spares;
  }
};

}  // namespace mcprt::transport
