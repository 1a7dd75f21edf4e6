// Unguessable ids (sessions, legacy streams, jobs, event logs) from OpenSSL's CSPRNG.
// Not a counter: the random part is the capability that lets a client reach what it names.
#pragma once

#include <cstddef>
#include <string>

namespace mcprt {
inline namespace mcp {

/// `bytes` random bytes from OpenSSL's CSPRNG as lower-case hex; aborts if the CSPRNG fails
/// (never a weak fallback).
std::string random_hex(size_t bytes);

/// A new 128-bit random session id, as 32 hex characters.
std::string new_session_id();

}  // namespace mcp
}  // namespace mcprt
