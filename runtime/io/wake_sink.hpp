// Where a subscriber queue's writer is woken: a transport's wake batch for one I/O thread.
// Its own header so the queue (outbox) and the gathering of wakes (wake_gathering) share it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace mcprt {
inline namespace io {

/// Where a writer's wakes go (a transport's wake batch for its I/O thread). An outbox calls it
/// under its lock, so it must only queue the wake and never call the outbox; it is not called
/// once detach() has returned. Kept in the outbox as a pointer and a token: a wake on the
/// fan-out path touches no allocation of the connection's.
class wake_sink {
 public:
  /// Wakes the writer `token` names; `urgent` as for outbox::attach_writer.
  virtual void wake(uint64_t token, bool urgent) = 0;
  /// A reference that keeps this sink alive for wakes handed over later (wake_gathering);
  /// null when it cannot be held, and is then woken at once.
  virtual std::shared_ptr<wake_sink> hold() { return nullptr; }
  /// Note wakes gathered for this sink, handed over together; a token may name a writer that
  /// has gone since (the sink then wakes nothing for it).
  virtual void wake_notes(std::span<const uint64_t> tokens) {
    for (auto token : tokens) {
      wake(token, false);
    }
  }

 protected:
  ~wake_sink() = default;
};

}  // namespace io
}  // namespace mcprt
