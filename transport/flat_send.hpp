// Small gathered writes leave as one contiguous send(2). Asio writes a buffer sequence with
// sendmsg, whose msghdr and iovec import cost about 0.2 us a call more than send(2) on this
// VM (perf, the fan-out row: copy_msghdr_from_user, import_iovec, a second _copy_from_iter
// segment); a frame header and a note are a few hundred bytes to copy. Also what a writer on
// a non-blocking socket does before it falls back to an asynchronous write (write_now).
#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <vector>

namespace mcprt::transport {

/// Up to this many bytes a write is copied and sent whole; beyond it, gathered.
inline constexpr size_t flat_send_limit = 2048;

/// A thread's buffer for one flat write of up to flat_send_limit bytes.
inline std::array<char, flat_send_limit>& flat_scratch() {
  thread_local std::array<char, flat_send_limit> flat;
  return flat;
}

/// socket.write_some(bufs, ec), sent as one buffer when the write is small. Returns the bytes
/// the socket took (they count from the start of `bufs` either way).
template <class Socket>
size_t write_some_flat(Socket& socket, const std::vector<boost::asio::const_buffer>& bufs,
                       boost::system::error_code& ec) {
  if (bufs.size() == 1) {
    return socket.write_some(bufs.front(), ec);  // A single buffer: send(2) already.
  }
  auto total = boost::asio::buffer_size(bufs);
  if (total > flat_send_limit) {
    return socket.write_some(bufs, ec);
  }
  auto& flat = flat_scratch();
  boost::asio::buffer_copy(boost::asio::buffer(flat.data(), total), bufs);
  return socket.write_some(boost::asio::const_buffer(flat.data(), total), ec);
}

/// Removes the first `n` bytes, which a write took, from `bufs`.
inline void consume_written(std::vector<boost::asio::const_buffer>& bufs, size_t n) {
  size_t whole = 0;
  while (whole < bufs.size() && n >= bufs[whole].size()) {
    n -= bufs[whole++].size();
  }
  bufs.erase(bufs.begin(), bufs.begin() + static_cast<std::ptrdiff_t>(whole));
  if (n > 0) {
    bufs.front() += n;
  }
}

/// Writes what a non-blocking `socket` takes of `bufs` now, removing it from `bufs`. True when
/// all of it went; otherwise `ec` says why: would_block (the rest waits for the socket, to be
/// written asynchronously) or the connection's failure.
template <class Socket>
bool write_now(Socket& socket, std::vector<boost::asio::const_buffer>& bufs,
               boost::system::error_code& ec) {
  while (!bufs.empty()) {
    auto n = write_some_flat(socket, bufs, ec);
    if (ec) {
      return false;
    }
    consume_written(bufs, n);
  }
  return true;
}

}  // namespace mcprt::transport
