// A complete response on its way to the socket: its head and body go out in one gathered
// write, the body never copied behind the head.
#pragma once

#include <sys/socket.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "transport/flat_send.hpp"

namespace mcprt::transport {

struct answer_bytes {
  std::string head;
  std::string body;
  bool keep_alive = true;  ///< The connection serves another request after this one.

  size_t size() const { return head.size() + body.size(); }

  /// What is left once `sent` bytes went. Not a two-element std::array: Asio writes those
  /// with a leading empty buffer once the first is done, which Beast's TLS stream takes for
  /// the end of the data.
  auto unsent(size_t sent) const {
    boost::beast::buffers_suffix<
        boost::beast::buffers_cat_view<boost::asio::const_buffer, boost::asio::const_buffer>>
        rest(boost::beast::buffers_cat(boost::asio::buffer(head), boost::asio::buffer(body)));
    rest.consume(sent);
    return rest;
  }
};

/// What one non-blocking send of an answer did.
struct send_attempt {
  size_t sent = 0;      ///< Bytes the socket took.
  bool failed = false;  ///< The connection is gone (not merely full).
};

/// Hands a plain TCP socket what it takes of `a` now, head and body in one call, without
/// waiting and without SIGPIPE. A small answer is copied and sent with send(2), which costs
/// less than sendmsg's iovec import (transport/flat_send.hpp); a larger one is gathered.
inline send_attempt send_now(int fd, const answer_bytes& a) {
  ssize_t n;
  if (a.size() <= flat_send_limit) {
    auto& flat = flat_scratch();  // Any answering thread's own.
    std::memcpy(flat.data(), a.head.data(), a.head.size());
    std::memcpy(flat.data() + a.head.size(), a.body.data(), a.body.size());
    n = ::send(fd, flat.data(), a.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  } else {
    std::array<iovec, 2> iov{iovec{const_cast<char*>(a.head.data()), a.head.size()},
                             iovec{const_cast<char*>(a.body.data()), a.body.size()}};
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = iov.size();
    n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  if (n < 0) {
    return {0, errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR};
  }
  return {static_cast<size_t>(n), false};
}

}  // namespace mcprt::transport
