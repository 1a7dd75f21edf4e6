// Gathers the note wakes one thread raises in a loop: a notifier shard offers one note to each
// of its subscribers, and each offer wakes its writer's I/O thread. Woken one by one, every
// offer takes the wake batch's lock, which the I/O thread's drain takes too; gathered, a
// thread's wakes go over in runs, one lock per run.
#pragma once

#include <cstdint>

#include "runtime/io/wake_sink.hpp"

namespace mcprt {
inline namespace io {

/// While one lives on a thread, the note wakes outboxes raise there are gathered per sink and
/// handed over when a sink's run fills (so its I/O thread starts writing while the loop goes
/// on) and when the outermost gathering ends. Each sink is held alive until then. A sink that
/// cannot be held, or one past the few a thread gathers for at once, is woken at once.
class wake_gathering {
 public:
  wake_gathering();
  ~wake_gathering();
  wake_gathering(const wake_gathering&) = delete;
  wake_gathering& operator=(const wake_gathering&) = delete;

  /// For an outbox, under its lock: gathers a note wake for `sink`. False when this thread
  /// gathers nothing (or not for `sink`): the caller then wakes the sink itself.
  static bool gather(wake_sink& sink, uint64_t token);

 private:
  bool outermost_;
};

}  // namespace io
}  // namespace mcprt
