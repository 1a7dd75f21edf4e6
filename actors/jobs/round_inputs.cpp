// A job's pending MRTR input.
#include "actors/jobs/round_inputs.hpp"

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::actors::jobs {

namespace {

std::string object_of(const std::map<std::string, std::string>& members) {
  std::string out = "{";
  for (const auto& [k, v] : members) {
    out += (out.size() > 1 ? "," : "") + quote(k) + ":" + v;
  }
  return out + "}";
}

}  // namespace

void round_inputs::ask(std::string_view input_requests) {
  // The handler's own JSON object: its members are the requests to be answered.
  rapidjson::Document requests;
  (void)parse_json(requests, input_requests);
  pending_.clear();
  if (requests.IsObject()) {
    for (const auto& m : requests.GetObject()) {
      pending_[std::string(m.name.GetString(), m.name.GetStringLength())] = to_json(m.value);
    }
  }
  pending_json_ = object_of(pending_);
}

bool round_inputs::answer(const rapidjson::Value& responses) {
  if (responses.IsObject()) {
    for (const auto& m : responses.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if (auto it = pending_.find(key); it != pending_.end()) {
        answered_[key] = to_json(m.value);
        pending_.erase(it);
      }
    }
  }
  pending_json_ = pending_.empty() ? std::string() : object_of(pending_);
  return pending_.empty();
}

void round_inputs::clear() {
  pending_.clear();
  answered_.clear();
  pending_json_.clear();
}

std::string round_inputs::take_answers() {
  auto out = object_of(answered_);
  answered_.clear();
  return out;
}

}  // namespace mcprt::actors::jobs
