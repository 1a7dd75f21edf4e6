// How a job looks on the wire as a task: the 2025-11-25 experimental `Task` object and the
// 2026-07-28 tasks extension's flat task / `DetailedTask` (SEP-2663: ttlMs, pollIntervalMs,
// inlined result or error).
#pragma once

#include <string>
#include <string_view>

#include "actors/jobs/jobs.hpp"
#include "runtime/mcp/protocol.hpp"

namespace mcprt::actors::jobs {

/// ISO 8601 UTC time with milliseconds, from Unix milliseconds.
std::string iso8601(int64_t unix_ms);

/// True when a stored result object is a tool execution error (`isError: true`).
bool is_tool_error(const std::string& result_json);

/// The task status a reader of `e` sees: working, input_required, completed, failed,
/// cancelled. 2025-11-25 reports a tool execution error as failed; 2026 as completed with
/// `result.isError` (failed is for protocol errors only).
std::string_view task_status(const job_record& r, era e);

/// The task object. `detailed` (2026 tasks/get) inlines `result` once completed, `error` once
/// failed, and `inputRequests` while input is required.
std::string task_json(const task_view& view, era e, int64_t poll_interval_ms, bool detailed);

}  // namespace mcprt::actors::jobs
