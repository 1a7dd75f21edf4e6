#include "runtime/mcp/trace_context.hpp"

#include <algorithm>

#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace mcp {

namespace {

// W3C limits: tracestate holds at most 32 entries of at most 256 characters; baggage at most
// 8192 bytes. Anything longer is not passed on.
constexpr size_t most_tracestate = 512;
constexpr size_t most_baggage = 8192;

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// Version 00 as W3C Trace Context level 1 defines it; version ff is invalid.
bool valid_traceparent(std::string_view v) {
  if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') {
    return false;
  }
  auto version = v.substr(0, 2), trace = v.substr(3, 32), parent = v.substr(36, 16),
       flags = v.substr(53, 2);
  return lower_hex(version) && version == "00" && lower_hex(trace) && !all_zero(trace) &&
         lower_hex(parent) && !all_zero(parent) && lower_hex(flags);
}

// Header-safe text: visible ASCII and spaces, as both headers' grammars allow.
bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string string_at(const rapidjson::Value& meta, const char* key) {
  auto it = meta.FindMember(key);
  if (it == meta.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

std::string trace_context::meta_members() const {
  std::string out;
  if (!traceparent.empty()) {
    out += R"(,"traceparent":)" + quote(traceparent);
    if (!tracestate.empty()) {
      out += R"(,"tracestate":)" + quote(tracestate);
    }
  }
  if (!baggage.empty()) {
    out += R"(,"baggage":)" + quote(baggage);
  }
  return out;
}

trace_context trace_context_of(const rapidjson::Value* meta) {
  trace_context t;
  if (meta == nullptr || !meta->IsObject()) {
    return t;
  }
  if (auto parent = string_at(*meta, "traceparent"); valid_traceparent(parent)) {
    t.traceparent = std::move(parent);
    if (auto state = string_at(*meta, "tracestate");
        state.size() <= most_tracestate && printable(state)) {
      t.tracestate = std::move(state);
    }
  }
  if (auto baggage = string_at(*meta, "baggage");
      baggage.size() <= most_baggage && printable(baggage)) {
    t.baggage = std::move(baggage);
  }
  return t;
}

}  // namespace mcp
}  // namespace mcprt
