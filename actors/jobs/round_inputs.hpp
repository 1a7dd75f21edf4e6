// What a job waits for between multi-round (MRTR) rounds: the input requests its tool asked
// and not yet answered, and the answers collected for the next round. Pure: no locks, store
// or actors; the job service holds one per job under the job's lock.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>

namespace mcprt::actors::jobs {

/// One job's pending input.
class round_inputs {
 public:
  /// Starts waiting for the members of `input_requests` (a JSON object; anything else asks
  /// nothing). Answers of an earlier round are kept until the next round takes them.
  void ask(std::string_view input_requests);
  /// Takes the answers whose keys were asked (others are ignored); true once nothing is left
  /// to wait for.
  bool answer(const rapidjson::Value& responses);
  /// Forgets everything (the job ended).
  void clear();

  /// The requests still unanswered, as a JSON object ("" when none: tasks/get shows no
  /// inputRequests then).
  const std::string& pending_json() const { return pending_json_; }
  /// True while some request is unanswered.
  bool waiting() const { return !pending_.empty(); }
  /// The answers for the next round as a JSON object, and forgets them.
  std::string take_answers();

 private:
  std::map<std::string, std::string> pending_;   // Key -> the request (JSON).
  std::map<std::string, std::string> answered_;  // Key -> the answer (JSON).
  std::string pending_json_;
};

}  // namespace mcprt::actors::jobs
