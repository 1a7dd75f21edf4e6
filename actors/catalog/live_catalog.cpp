// Copy-on-write catalog changes and their list_changed notifications.
#include "actors/catalog/live_catalog.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/send.hpp>

namespace mcprt::actors::catalog {

note_ptr list_changed_note(std::string_view what) {
  auto method = "notifications/" + std::string(what) + "/list_changed";
  return shared_note::make(method, "", "list " + std::string(what));
}

node_catalog::node_catalog(caf::actor_system& sys, std::shared_ptr<catalog_source> source,
                           std::shared_ptr<notifier::notifier> notes)
    : sys_(sys), source_(std::move(source)), notes_(std::move(notes)) {}

template <class F>
caf::error node_catalog::change(std::string_view what, F edit) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    catalog_builder next(*source_->current());
    caf::expected<bool> changed = edit(next);
    if (!changed) {
      return changed.error();
    }
    if (!*changed) {
      return caf::none;
    }
    source_->publish(next.build());
  }
  notes_->publish(notifier::topic::list_changed(what), list_changed_note(what),
                  overflow_policy::coalesce);
  return caf::none;
}

caf::error node_catalog::replace_actors(const std::vector<caf::actor_addr>& gone,
                                        const catalog* added) {
  std::vector<std::string> changed;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    catalog_builder next(*source_->current());
    changed = next.remove_served_by(gone);
    if (added != nullptr) {
      if (auto err = next.add_all(*added, changed)) {
        return err;
      }
    }
    if (changed.empty()) {
      return caf::none;
    }
    source_->publish(next.build());
  }
  for (const auto& what : changed) {
    notes_->publish(notifier::topic::list_changed(what), list_changed_note(what),
                    overflow_policy::coalesce);
  }
  return caf::none;
}

template <class F>
bool node_catalog::remove(std::string_view what, F erase) {
  bool removed = false;
  change(what, [&](catalog_builder& b) -> caf::expected<bool> { return removed = erase(b); });
  return removed;
}

// Each addition is a catalog_change of its own: one snapshot, one list_changed, and the actor
// spawned for it stopped again when it is refused.
caf::error node_catalog::add_tools(std::vector<tool_spec> tools) {
  catalog_change c;
  c.add_tools = std::move(tools);
  return apply(std::move(c));
}

bool node_catalog::remove_tool(std::string_view name) {
  return remove("tools", [name](catalog_builder& b) { return b.remove_tool(name); });
}

caf::error node_catalog::add_prompts(std::vector<prompt_spec> prompts) {
  catalog_change c;
  c.add_prompts = std::move(prompts);
  return apply(std::move(c));
}

bool node_catalog::remove_prompt(std::string_view name) {
  return remove("prompts", [name](catalog_builder& b) { return b.remove_prompt(name); });
}

caf::error node_catalog::add_resources(std::vector<resource_spec> resources) {
  catalog_change c;
  c.add_resources = std::move(resources);
  return apply(std::move(c));
}

bool node_catalog::remove_resource(std::string_view uri) {
  return remove("resources", [uri](catalog_builder& b) { return b.remove_resource(uri); });
}

caf::error node_catalog::add_resource_templates(std::vector<resource_template_spec> templates) {
  catalog_change c;
  c.add_resource_templates = std::move(templates);
  return apply(std::move(c));
}

caf::error node_catalog::apply(catalog_change change) {
  // The actors the additions run on, spawned before the lock; a refused change never reaches
  // the catalog, so shutdown would not find (and stop) them: they are stopped here.
  tool_actor tools_actor;
  if (!change.add_tools.empty()) {
    tools_actor = spawn_function_tools(sys_, change.add_tools);
  }
  runner_actor runner;
  if (!change.add_prompts.empty() || !change.add_resources.empty() ||
      !change.add_resource_templates.empty()) {
    runner = spawn_function_tools(sys_, {});
  }
  auto refuse = [&](caf::error err) {
    for (const auto& actor : {tools_actor, tool_actor(runner)}) {
      if (actor) {
        caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      }
    }
    return err;
  };
  bool tools = false;
  bool prompts = false;
  bool resources = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    catalog_builder next(*source_->current());
    for (const auto& name : change.remove_tools) {
      tools = next.remove_tool(name) || tools;
    }
    for (const auto& name : change.remove_prompts) {
      prompts = next.remove_prompt(name) || prompts;
    }
    for (const auto& uri : change.remove_resources) {
      resources = next.remove_resource(uri) || resources;
    }
    for (const auto& t : change.remove_resource_templates) {
      resources = next.remove_template(t) || resources;
    }
    for (auto& t : change.add_tools) {
      auto inline_handler = t.inline_safe ? t.handler : tool_handler{};
      if (auto err = next.add(t.definition, tools_actor, std::move(inline_handler))) {
        return refuse(std::move(err));
      }
      tools = true;
    }
    for (auto& p : change.add_prompts) {
      if (auto err = next.add(p.definition, p.handler, runner)) {
        return refuse(std::move(err));
      }
      prompts = true;
    }
    for (auto& r : change.add_resources) {
      if (auto err = next.add(r.definition, r.reader, runner)) {
        return refuse(std::move(err));
      }
      resources = true;
    }
    for (auto& t : change.add_resource_templates) {
      if (auto err = next.add(t.definition, t.reader, runner)) {
        return refuse(std::move(err));
      }
      resources = true;
    }
    if (!tools && !prompts && !resources) {
      return caf::none;
    }
    source_->publish(next.build());
  }
  for (auto [changed, what] : {std::pair{tools, "tools"}, std::pair{prompts, "prompts"},
                               std::pair{resources, "resources"}}) {
    if (changed) {
      notes_->publish(notifier::topic::list_changed(what), list_changed_note(what),
                      overflow_policy::coalesce);
    }
  }
  return caf::none;
}

bool node_catalog::remove_resource_template(std::string_view uri_template) {
  return remove("resources",
                [uri_template](catalog_builder& b) { return b.remove_template(uri_template); });
}

}  // namespace mcprt::actors::catalog
