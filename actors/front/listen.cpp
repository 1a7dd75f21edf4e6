// The listen filter, its acknowledgement, and the subscriptions behind one listen stream.
#include "actors/front/listen.hpp"

namespace mcprt::actors::front {

namespace {

struct list_flag {
  const char* member;  // In the filter.
  const char* list;    // The topic's list kind.
};
constexpr list_flag list_flags[] = {{"toolsListChanged", "tools"},
                                    {"promptsListChanged", "prompts"},
                                    {"resourcesListChanged", "resources"}};

bool serves(const catalog::catalog& c, std::string_view list) {
  if (list == "tools") {
    return !c.tools().empty();
  }
  if (list == "prompts") {
    return !c.prompts().empty();
  }
  return !c.resources().empty() || !c.templates().empty();
}

}  // namespace

std::string listen_filter::honored_json() const {
  std::string out = "{";
  for (const auto& f : list_flags) {
    if (std::find(lists.begin(), lists.end(), f.list) != lists.end()) {
      out += (out.size() > 1 ? "," : "") + quote(f.member) + ":true";
    }
  }
  if (!uris.empty()) {
    out += std::string(out.size() > 1 ? "," : "") + R"("resourceSubscriptions":[)";
    for (size_t i = 0; i < uris.size(); ++i) {
      out += (i > 0 ? "," : "") + quote(uris[i]);
    }
    out += "]";
  }
  return out + "}";
}

expected<listen_filter> read_listen(const rpc::message& msg, const catalog::catalog& c,
                                    size_t max_uris) {
  auto* wanted = msg.params ? find_member(*msg.params, "notifications") : nullptr;
  if (wanted == nullptr || !wanted->IsObject()) {
    return invalid_params(
        "subscriptions/listen needs an object \"notifications\" naming what to "
        "receive (toolsListChanged, promptsListChanged, resourcesListChanged, "
        "resourceSubscriptions)");
  }
  listen_filter f;
  for (const auto& flag : list_flags) {
    auto* v = find_member(*wanted, flag.member);
    if (v != nullptr && v->IsBool() && v->GetBool() && serves(c, flag.list)) {
      f.lists.emplace_back(flag.list);
    }
  }
  if (auto* uris = find_member(*wanted, "resourceSubscriptions")) {
    if (!uris->IsArray() || uris->Size() > max_uris) {
      return invalid_params("\"resourceSubscriptions\" must be an array of at most " +
                            std::to_string(max_uris) + " resource URIs");
    }
    for (const auto& u : uris->GetArray()) {
      std::map<std::string, std::string> vars;
      std::string uri = u.IsString() ? std::string(u.GetString(), u.GetStringLength()) : "";
      if (uri.empty() ||
          (c.find_resource(uri) == nullptr && c.match_template(uri, vars) == nullptr)) {
        return rpc_error{rpc_code::invalid_params, "Resource not found",
                         R"({"uri":)" + quote(uri) + "}"};
      }
      f.uris.push_back(std::move(uri));
    }
  }
  if (f.lists.empty() && f.uris.empty()) {
    return invalid_params(
        "subscriptions/listen opts in to no notification type this server "
        "sends");
  }
  return f;
}

std::vector<std::string> open_listen(const listen_filter& filter, const std::string& request_id,
                                     const std::shared_ptr<outbox>& box,
                                     const std::shared_ptr<notifier::notifier>& notes) {
  auto tag = R"("_meta":{"io.modelcontextprotocol/subscriptionId":)" + request_id + "}";
  box->set_tag(tag);
  box->push_control(
      rpc::encode_notification("notifications/subscriptions/acknowledged",
                               R"({"notifications":)" + filter.honored_json() + "," + tag + "}"));
  std::vector<std::string> topics;
  for (const auto& l : filter.lists) {
    topics.push_back(notifier::topic::list_changed(l));
  }
  for (const auto& u : filter.uris) {
    topics.push_back(notifier::topic::resource(u));
  }
  for (const auto& t : topics) {
    notes->subscribe(t, box);
  }
  // Not resumable: when the client goes, so do its subscriptions.
  std::weak_ptr<outbox> weak = box;
  box->on_detach([weak, notes, topics] {
    if (auto b = weak.lock()) {
      for (const auto& t : topics) {
        notes->unsubscribe(t, b);
      }
      b->close("the listen stream closed");
    }
  });
  return topics;
}

}  // namespace mcprt::actors::front
