// A WebSocket connection on /mcp (subprotocol `mcp`): one JSON-RPC message per text frame,
// read into the protocol's message_connection, written from its outbox. The HTTP session
// hands its stream (plain TCP, or TLS) over on upgrade.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>

#include "transport/http_session.hpp"

namespace mcprt::transport {

/// The two streams a connection is served on.
using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// Completes the handshake for `upgrade` (already accepted by the handler) and serves the
/// connection until either side closes it. `early`: bytes read after the request (frames a
/// client sent without waiting for the 101); they are read before anything else.
void start_websocket_session(plain_stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> upgrade,
                             std::string early, std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot);
/// The same over TLS (wss://).
void start_websocket_session(tls_stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> upgrade,
                             std::string early, std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot);

}  // namespace mcprt::transport
