// 2026-07-28 multi-round fixtures (SEP-2322): tools and a prompt that answer
// `input_required` until the client's `inputResponses` (and echoed `requestState`) hold what
// they asked for. Values follow the 0.2 conformance suite's scenario texts.
#include "plugins/conformance/conformance.hpp"
#include "plugins/conformance/fixture_json.hpp"

namespace mcprt::plugins::conformance {

namespace {

tool_definition mrtr(std::string name, std::string description) {
  return tool_definition{
      std::move(name), {}, std::move(description), R"({"type":"object","properties":{}})", {}, {}};
}

std::string sample_request(std::string_view text, int max_tokens) {
  return R"({"method":"sampling/createMessage","params":{"messages":[{"role":"user","content":{"type":"text","text":)" +
         quote(text) + R"(}}],"maxTokens":)" + std::to_string(max_tokens) + "}}";
}

constexpr std::string_view roots_request = R"({"method":"roots/list","params":{}})";

std::string sampled_text(const rapidjson::Value* r) {
  auto* content = r != nullptr ? find_member(*r, "content") : nullptr;
  auto v = content != nullptr ? string_member(*content, "text") : std::nullopt;
  return std::string(v.value_or("no response"));
}

size_t root_count(const rapidjson::Value* r) {
  auto* roots = r != nullptr ? find_member(*r, "roots") : nullptr;
  return roots != nullptr && roots->IsArray() ? roots->Size() : 0;
}

void multi_round(tool_invocation& c) {
  const auto& state = c.request_state();
  if (state == "round-1" && response(c, "step1")) {
    auto name = elicited(response(c, "step1"), "name");
    c.input_required(
        object_of({{"step2", elicit_request("Step 2: What is your favorite color?", "color")}}),
        "round-2:" + name);
    return;
  }
  if (state.rfind("round-2:", 0) == 0 && response(c, "step2")) {
    c.finish(text_result("Multi-round complete for " + state.substr(8) + " who likes " +
                         elicited(response(c, "step2"), "color")));
    return;
  }
  c.input_required(object_of({{"step1", elicit_request("Step 1: What is your name?", "name")}}),
                   "round-1");
}

}  // namespace

std::vector<tool_spec> mrtr_tools() {
  std::vector<tool_spec> t;
  t.push_back(
      {mrtr("test_input_required_result_elicitation",
            "Asks the user's name through an input_required result (SEP-2322)"),
       [](tool_invocation& c) {
         if (auto* r = response(c, "user_name")) {
           c.finish(text_result("Hello, " + elicited(r, "name") + "!"));
           return;
         }
         c.input_required(object_of({{"user_name", elicit_request("What is your name?", "name")}}));
       }});
  t.push_back(
      {mrtr("test_input_required_result_sampling",
            "Asks the client's model a question through an input_required result"),
       [](tool_invocation& c) {
         if (auto* r = response(c, "capital_question")) {
           c.finish(text_result("Sampling result: " + sampled_text(r)));
           return;
         }
         c.input_required(object_of(
             {{"capital_question", sample_request("What is the capital of France?", 100)}}));
       }});
  t.push_back({mrtr("test_input_required_result_list_roots",
                    "Asks the client's roots through an input_required result"),
               [](tool_invocation& c) {
                 if (auto* r = response(c, "client_roots")) {
                   c.finish(text_result("Found " + std::to_string(root_count(r)) + " root(s)"));
                   return;
                 }
                 c.input_required(object_of({{"client_roots", std::string(roots_request)}}));
               }});
  auto confirm = [](tool_invocation& c) {
    if (c.request_state() == "confirm-pending" && response(c, "confirm")) {
      c.finish(text_result("state-ok: requestState validated"));
      return;
    }
    c.input_required(object_of({{"confirm", elicit_request("Please confirm", "ok", "boolean")}}),
                     "confirm-pending");
  };
  t.push_back({mrtr("test_input_required_result_request_state",
                    "Round-trips an integrity-protected requestState"),
               confirm});
  t.push_back({mrtr("test_input_required_result_tampered_state",
                    "Rejects a requestState that was altered (integrity check)"),
               confirm});
  t.push_back({mrtr("test_input_required_result_multiple_inputs",
                    "Asks for elicitation, sampling and roots in one input_required result"),
               [](tool_invocation& c) {
                 auto *name = response(c, "user_name"), *greeting = response(c, "greeting"),
                      *roots = response(c, "client_roots");
                 if (c.request_state() == "multiple-inputs" && name && greeting && roots) {
                   c.finish(text_result("Name: " + elicited(name, "name") +
                                        "; Greeting: " + sampled_text(greeting) +
                                        "; Roots: " + std::to_string(root_count(roots))));
                   return;
                 }
                 c.input_required(
                     object_of({{"user_name", elicit_request("What is your name?", "name")},
                                {"greeting", sample_request("Generate a greeting", 50)},
                                {"client_roots", std::string(roots_request)}}),
                     "multiple-inputs");
               }});
  t.push_back({mrtr("test_input_required_result_multi_round",
                    "Asks in two rounds, carrying state between them"),
               multi_round});
  t.push_back({mrtr("test_input_required_result_capabilities",
                    "Asks only for what the client declared it can answer"),
               [](tool_invocation& c) {
                 const auto& caps = c.out().info().caps;
                 if (c.input_responses()) {
                   c.finish(text_result("Received input for the declared capabilities"));
                   return;
                 }
                 std::string requests = "{";
                 auto add = [&requests](std::string_view key, const std::string& req) {
                   requests += (requests.size() > 1 ? "," : "") + quote(key) + ":" + req;
                 };
                 if (caps.sampling) {
                   add("capital_question", sample_request("What is the capital of France?", 100));
                 }
                 if (caps.elicitation) {
                   add("user_name", elicit_request("What is your name?", "name"));
                 }
                 if (caps.roots) {
                   add("client_roots", std::string(roots_request));
                 }
                 if (requests.size() == 1) {
                   c.finish(text_result("The client declared no capability to ask with"));
                   return;
                 }
                 c.input_required(requests + "}");
               }});
  // Diagnostics of the stateless scenario (SEP-2575).
  t.push_back(
      {mrtr("test_missing_capability",
            "Needs the client's sampling capability; refuses with -32021 without it"),
       [](tool_invocation& c) {
         if (!c.out().info().caps.sampling) {
           c.out().error(rpc_error{rpc_code::missing_client_capability,
                                   "Missing required client capability: sampling",
                                   R"({"requiredCapabilities":{"sampling":{}}})"});
           return;
         }
         c.input_required(object_of(
             {{"capital_question", sample_request("What is the capital of France?", 100)}}));
       }});
  t.push_back(
      {mrtr("test_streaming_elicitation",
            "Asks the user through an input_required result, never a request on the stream"),
       [](tool_invocation& c) {
         if (auto* r = response(c, "user_name")) {
           c.finish(text_result("Hello, " + elicited(r, "name") + "!"));
           return;
         }
         c.out().progress(0, 1, "asking the user");
         c.input_required(object_of({{"user_name", elicit_request("What is your name?", "name")}}));
       }});
  t.push_back(
      {mrtr("test_logging_tool", "Logs at info, which reaches only requests that set a log level"),
       [](tool_invocation& c) {
         c.out().log(log_level::info, quote("test_logging_tool ran"));
         c.finish(text_result("Logged at info"));
       }});
  return t;
}

std::vector<tool_spec> trigger_tools(const std::shared_ptr<live_catalog>& live) {
  // Each call toggles a dynamic tool (or prompt), so the list really changes.
  auto toggle_tool = [live](tool_invocation& c) {
    if (live->remove_tool("test_dynamic_tool")) {
      c.finish(text_result("Removed test_dynamic_tool"));
      return;
    }
    auto err = live->add_tools(
        {{mrtr("test_dynamic_tool", "A tool added at run time"),
          [](tool_invocation& d) { d.finish(text_result("Dynamic tool executed")); }}});
    c.finish(err ? error_result("Could not add test_dynamic_tool")
                 : text_result("Added test_dynamic_tool"));
  };
  auto toggle_prompt = [live](tool_invocation& c) {
    if (live->remove_prompt("test_dynamic_prompt")) {
      c.finish(text_result("Removed test_dynamic_prompt"));
      return;
    }
    auto err = live->add_prompts(
        {{prompt_definition{"test_dynamic_prompt", {}, "A prompt added at run time", {}},
          [](prompt_request& p) {
            p.finish({prompt_message::user(content::text("Dynamic prompt"))});
          }}});
    c.finish(err ? error_result("Could not add test_dynamic_prompt")
                 : text_result("Added test_dynamic_prompt"));
  };
  auto toggle_resource = [live](tool_invocation& c) {
    if (live->remove_resource("test://dynamic-resource")) {
      c.finish(text_result("Removed test://dynamic-resource"));
      return;
    }
    auto err = live->add_resources(
        {{resource_definition{"test://dynamic-resource",
                              "dynamic-resource",
                              {},
                              "A resource added at run time",
                              "text/plain"},
          [](resource_request& r) {
            r.finish({resource_contents{r.uri(), "text/plain", "Dynamic resource content", false}});
          }}});
    c.finish(err ? error_result("Could not add test://dynamic-resource")
                 : text_result("Added test://dynamic-resource"));
  };
  return {
      {mrtr("test_trigger_tool_change", "Adds or removes test_dynamic_tool"), toggle_tool},
      {mrtr("test_trigger_resource_change", "Adds or removes test://dynamic-resource"),
       toggle_resource},
      {mrtr("test_trigger_prompt_change", "Adds or removes test_dynamic_prompt"), toggle_prompt}};
}

std::vector<prompt_spec> mrtr_prompts() {
  return {
      {prompt_definition{"test_input_required_result_prompt",
                         {},
                         "A prompt that asks the user for context first (SEP-2322)",
                         {}},
       [](prompt_request& p) {
         const auto& responses = p.out().info().input_responses;
         auto* r = responses ? find_member(*responses, "user_context") : nullptr;
         if (r != nullptr) {
           p.finish({prompt_message::user(
               content::text("Prompt with context: " + elicited(r, "context")))});
           return;
         }
         p.out().input_required(object_of(
             {{"user_context", elicit_request("What context should the prompt use?", "context")}}));
       }}};
}

}  // namespace mcprt::plugins::conformance
