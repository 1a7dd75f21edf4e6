// Where a subscriber queue's writer is woken: a transport's wake batch for one I/O thread.
// Its own header so the queue (outbox) and the gathering of wakes (wake_gathering) share it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace mcprt {
inline namespace io {

/// Where a writer's wakes go (a transport's wake batch for its I/O thread). An outbox calls it
/// under its lock, so it must only queue the wake and never call the outbox. Kept in the outbox
/// as a pointer and a token: a wake on the fan-out path touches no allocation of the
/// connection's.
class wake_sink {
 public:
  /// Wakes the writer `token` names; `urgent` as for outbox::attach_writer. Not called once
  /// that writer's detach() has returned.
  virtual void wake(uint64_t token, bool urgent) = 0;
  /// A reference that keeps this sink alive for wakes handed over later (wake_gathering);
  /// null when it cannot be held, and is then only ever woken at once.
  virtual std::shared_ptr<wake_sink> hold() { return nullptr; }
  /// Note wakes a publish loop gathered for a sink it held, handed over together. Unlike
  /// wake(), a token may name a writer that has detached since: the sink wakes nothing for it.
  virtual void wake_notes(std::span<const uint64_t> tokens) = 0;

 protected:
  ~wake_sink() = default;
};

}  // namespace io
}  // namespace mcprt
