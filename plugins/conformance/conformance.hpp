// The conformance plugin: the fixture tools of the official MCP conformance suite with their
// exact values (shared/mcp-conformance.md §4). Off by default; enable with
// `--set plugins.enabled=demo,conformance`.
#pragma once

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::conformance {

/// The plugin's descriptor (config section `conformance`).
plugin descriptor();

/// The fixture tools that ask the client mid-call (sampling, elicitation).
std::vector<tool_spec> asking_tools();

/// The 2026-07-28 multi-round (input_required) fixtures.
std::vector<tool_spec> mrtr_tools();
std::vector<prompt_spec> mrtr_prompts();
/// The tasks extension fixtures (greet, slow_compute, failing_job, confirm_delete, ...).
std::vector<tool_spec> task_tools();
/// Tools that change the tool and prompt lists at run time (list_changed fixtures).
std::vector<tool_spec> trigger_tools(const std::shared_ptr<live_catalog>& live);

/// The fixture values, shared with the tests that check them.
inline constexpr std::string_view png_base64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";
inline constexpr std::string_view wav_base64 =
    "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

}  // namespace mcprt::plugins::conformance
