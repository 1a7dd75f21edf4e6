// A WebSocket connection on /mcp (subprotocol `mcp`): one JSON-RPC message per text frame,
// read into the protocol's message_connection, written from its outbox. The HTTP session
// hands its socket over on upgrade.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "transport/http_session.hpp"

namespace mcprt::transport {

/// Completes the handshake for `upgrade` (already accepted by the handler) and serves the
/// connection until either side closes it.
void start_websocket_session(boost::asio::ip::tcp::socket socket,
                             boost::beast::http::request<boost::beast::http::string_body> upgrade,
                             std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot);

}  // namespace mcprt::transport
