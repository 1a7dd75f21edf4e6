// The publisher plugins get: notes serialized once, handed to the notifier's shards.
#include "actors/catalog/plugin_host.hpp"

namespace mcprt::actors::catalog {

namespace {

class notifier_publisher final : public mcprt::publisher {
 public:
  explicit notifier_publisher(std::shared_ptr<notifier::notifier> notes)
      : notes_(std::move(notes)) {}
  void resource_updated(std::string_view uri) override {
    auto params = R"({"uri":)" + quote(uri) + "}";
    notes_->publish(
        notifier::topic::resource(uri),
        shared_note::make("notifications/resources/updated", params, "updated " + std::string(uri)),
        overflow_policy::coalesce);
  }
  void publish(std::string_view uri, std::string_view method, std::string_view params_json,
               overflow_policy policy) override {
    notes_->publish(notifier::topic::resource(uri), shared_note::make(method, params_json), policy);
  }

 private:
  std::shared_ptr<notifier::notifier> notes_;
};

// Without a notifier (unit tests): nobody subscribes, so nothing is lost.
class null_publisher final : public mcprt::publisher {
 public:
  void resource_updated(std::string_view) override {}
  void publish(std::string_view, std::string_view, std::string_view, overflow_policy) override {}
};

// Without a running node (unit tests): changes are refused, saying why.
class frozen_catalog final : public mcprt::live_catalog {
 public:
  caf::error add_tools(std::vector<tool_spec>) override { return refuse(); }
  bool remove_tool(std::string_view) override { return false; }
  caf::error add_prompts(std::vector<prompt_spec>) override { return refuse(); }
  bool remove_prompt(std::string_view) override { return false; }
  caf::error add_resources(std::vector<resource_spec>) override { return refuse(); }
  bool remove_resource(std::string_view) override { return false; }
  caf::error add_resource_templates(std::vector<resource_template_spec>) override {
    return refuse();
  }
  bool remove_resource_template(std::string_view) override { return false; }
  caf::error apply(catalog_change) override { return refuse(); }

 private:
  static caf::error refuse() {
    return caf::make_error(caf::sec::invalid_argument, "this catalog cannot change");
  }
};

}  // namespace

plugin_host::plugin_host(caf::actor_system& sys, settings_view settings, catalog_builder& catalog,
                         std::shared_ptr<mcprt::publisher> publisher,
                         std::shared_ptr<mcprt::live_catalog> live)
    : sys_(sys),
      settings_(std::move(settings)),
      catalog_(catalog),
      publisher_(publisher ? std::move(publisher) : std::make_shared<null_publisher>()),
      live_(live ? std::move(live) : std::make_shared<frozen_catalog>()) {}

std::shared_ptr<mcprt::publisher> make_publisher(std::shared_ptr<notifier::notifier> notes) {
  return std::make_shared<notifier_publisher>(std::move(notes));
}

}  // namespace mcprt::actors::catalog
