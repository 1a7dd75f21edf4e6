// The ticker plugin: publishes, at a configurable rate, `notifications/resources/updated` for
// `ticker://topic/{n}` and a tick with a distinct payload (sequence number, send time) on the
// channel `ticker://channel/{n}`, for trying subscriptions and for fan-out tests and benchmarks.
#pragma once

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::ticker {

/// The plugin's descriptor (config section `ticker`).
plugin descriptor();

/// The notification method of the channel ticks.
inline constexpr std::string_view tick_method = "notifications/ticker/tick";

}  // namespace mcprt::plugins::ticker
