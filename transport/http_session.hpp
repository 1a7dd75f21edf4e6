// Starts serving one accepted TCP connection as HTTP/1.1. Beast stays inside the .cpp.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "runtime/http_handler.hpp"
#include "runtime/metrics.hpp"
#include "transport/http_server.hpp"

namespace mcprt::transport {

/// What every connection shares.
struct connection_context {
  server_options options;
  std::shared_ptr<http_handler> handler;
  std::shared_ptr<mcprt::metrics> metrics;
};

/// Serves `socket` until the peer closes, an error, or an idle timeout.
void start_http_session(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<const connection_context> ctx);

}  // namespace mcprt::transport
