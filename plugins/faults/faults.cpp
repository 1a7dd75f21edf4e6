// Fault injection for supervision tests: `crash` throws inside the plugin's actor (as a buggy
// plugin would), `hold` answers only after a long wait, on the same actor.
#include "plugins/faults/faults.hpp"

#include <optional>
#include <stdexcept>

namespace mcprt::plugins::faults {

namespace {

std::vector<tool_spec> tools() {
  std::vector<tool_spec> out;
  tool_spec crash;
  crash.definition.name = "crash";
  crash.definition.description =
      "Throws inside the plugin's actor, which ends it (supervision tests only)";
  crash.handler = [](tool_invocation&) { throw std::runtime_error("faults plugin: crash tool"); };
  out.push_back(std::move(crash));

  tool_spec hold;
  hold.definition.name = "hold";
  hold.definition.description =
      "Sends progress 0, then answers after `ms` milliseconds (default 600000)";
  hold.definition.input_schema =
      R"({"type":"object","properties":{"ms":{"type":"integer","minimum":0,"maximum":3600000}}})";
  hold.handler = [](tool_invocation& inv) {
    auto ms = int64_t{600000};
    if (auto given = inv.arguments().member("ms"); given && given->IsInt64()) {
      ms = given->GetInt64();
    }
    // Progress 0 says the call is now held by the actor (tests wait for it before a crash).
    inv.out().progress(0, std::nullopt, "holding");
    inv.after(std::chrono::milliseconds(ms), [inv] { inv.finish(text_result("held")); });
  };
  out.push_back(std::move(hold));
  return out;
}

}  // namespace

plugin descriptor() {
  plugin p;
  p.name = "faults";
  p.version = "1.0.0";
  p.status = "test";
  p.description = "crash and hold tools that make this plugin's actor fail (tests only)";
  p.safe_for_untrusted_input = false;
  p.start = [](plugin_context& ctx) { return ctx.add_tools(tools()); };
  return p;
}

}  // namespace mcprt::plugins::faults
