#include "runtime/observe/log_line.hpp"

#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace observe {

namespace {

// Appends `,"key":"value"` for each `key=value` (or `key="quoted value"`) of `rest`; false
// (appending nothing more) where `rest` stops having that shape.
bool append_fields(std::string& out, std::string_view rest) {
  while (!rest.empty()) {
    auto eq = rest.find('=');
    auto space = rest.find(' ');
    if (eq == std::string_view::npos || eq == 0 ||
        (space != std::string_view::npos && space < eq)) {
      return false;
    }
    auto key = rest.substr(0, eq);
    rest.remove_prefix(eq + 1);
    std::string_view value;
    if (!rest.empty() && rest.front() == '"') {
      auto close = rest.find('"', 1);
      if (close == std::string_view::npos) {
        return false;
      }
      value = rest.substr(1, close - 1);
      rest.remove_prefix(close + 1);
    } else {
      auto end = rest.find(' ');
      value = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    out += ',' + quote(key) + ':' + quote(value);
    while (!rest.empty() && rest.front() == ' ') {
      rest.remove_prefix(1);
    }
  }
  return true;
}

}  // namespace

std::string format_log_line(log_format format, std::string_view time, log_level level,
                            std::string_view message) {
  if (format == log_format::text) {
    std::string line(time);
    line += ' ';
    line += to_string(level);
    line += ' ';
    line += message;
    line += '\n';
    return line;
  }
  // The leading words (up to the first word holding '=') are the message proper.
  size_t words_end = message.size();
  for (size_t start = 0; start < message.size();) {
    auto end = message.find(' ', start);
    auto word = message.substr(start, end == std::string_view::npos ? end : end - start);
    if (word.find('=') != std::string_view::npos) {
      words_end = start == 0 ? 0 : start - 1;
      break;
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  std::string head = "{\"time\":" + quote(time) + ",\"level\":" + quote(to_string(level));
  std::string fields;
  auto rest = words_end < message.size() ? message.substr(words_end) : std::string_view();
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  if (!append_fields(fields, rest)) {
    // Not key=value all the way: the whole message stays one string.
    return head + ",\"msg\":" + quote(message) + "}\n";
  }
  return head + ",\"msg\":" + quote(message.substr(0, words_end)) + fields + "}\n";
}

}  // namespace observe
}  // namespace mcprt
