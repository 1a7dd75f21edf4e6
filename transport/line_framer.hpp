// Newline-delimited framing (the stdio transport's): bytes in, whole lines out, with a bound
// on a line's length so a client cannot make the server buffer without limit. Pure: the
// transport feeds it what read() returned.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mcprt::transport {

/// Splits a byte stream into lines. A line longer than the bound is skipped up to its newline
/// and reported once; empty lines (and a lone "\r") are skipped.
class line_framer {
 public:
  explicit line_framer(size_t max_line_bytes) : max_line_(max_line_bytes) {}

  /// Takes the next `bytes`: `on_line` for each complete line (without its newline),
  /// `on_oversized` for each line over the bound.
  void feed(std::string_view bytes, const std::function<void(std::string)>& on_line,
            const std::function<void()>& on_oversized);

 private:
  size_t max_line_;
  std::string line_;
  bool oversized_ = false;
};

}  // namespace mcprt::transport
