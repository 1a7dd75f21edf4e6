// A complete response on its way to the socket: its head and body go out in one gathered
// write, the body never copied behind the head.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <cstddef>
#include <string>

namespace mcprt::transport {

struct answer_bytes {
  std::string head;
  std::string body;

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

}  // namespace mcprt::transport
