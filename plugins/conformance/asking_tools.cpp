// Fixture tools that ask the client something mid-call (sampling, elicitation) and report
// the answer, as the suite's reference server does.
#include "plugins/conformance/conformance.hpp"

namespace mcprt::plugins::conformance {

namespace {

tool_definition asking(std::string name, std::string description, std::string schema) {
  return tool_definition{std::move(name), {}, std::move(description), std::move(schema), {}, {}};
}

std::string elicitation_params(std::string_view message, std::string_view properties) {
  return R"({"message":)" + quote(message) +
         R"(,"requestedSchema":{"type":"object","properties":)" + std::string(properties) +
         R"(,"required":[]}})";
}

// "action=<action>, content=<content json>" of an elicitation result.
std::string describe_elicitation(const client_reply& reply) {
  auto action = string_member(*reply.result, "action").value_or("");
  auto* content = find_member(*reply.result, "content");
  return "action=" + std::string(action) + ", content=" + (content ? to_json(*content) : "{}");
}

// Runs an elicitation and finishes with `prefix` and what the client answered.
void elicit(const tool_invocation& c, std::string params, std::string prefix) {
  c.ask_client("elicitation/create", std::move(params),
               [c, prefix = std::move(prefix)](const client_reply& reply) {
                 if (!reply.ok()) {
                   c.finish(error_result("Elicitation failed: " + reply.error->message));
                   return;
                 }
                 c.finish(text_result(prefix + describe_elicitation(reply)));
               });
}

constexpr std::string_view sep1034_properties =
    R"({"name":{"type":"string","description":"User name","default":"John Doe"},)"
    R"("age":{"type":"integer","default":30},)"
    R"("score":{"type":"number","default":95.5},)"
    R"("status":{"type":"string","enum":["active","inactive","pending"],"default":"active"},)"
    R"("verified":{"type":"boolean","default":true}})";

constexpr std::string_view sep1330_properties =
    R"({"untitledSingle":{"type":"string","description":"Choose an option","enum":["option1","option2","option3"]},)"
    R"("titledSingle":{"type":"string","description":"Choose a titled option","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},)"
    R"("legacyEnum":{"type":"string","description":"Choose a legacy option","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},)"
    R"("untitledMulti":{"type":"array","description":"Choose multiple options","minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},)"
    R"("titledMulti":{"type":"array","description":"Choose multiple titled options","minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}})";

}  // namespace

std::vector<tool_spec> asking_tools() {
  std::vector<tool_spec> t;
  t.push_back(
      {asking(
           "test_sampling", "Tests server-initiated sampling (LLM completion request)",
           R"({"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]})"),
       [](tool_invocation& c) {
         auto prompt = string_member(*c.arguments(), "prompt").value_or("");
         std::string params = R"({"messages":[{"role":"user","content":{"type":"text","text":)" +
                              quote(prompt) + R"(}}],"maxTokens":100})";
         c.ask_client("sampling/createMessage", std::move(params), [c](const client_reply& reply) {
           if (!reply.ok()) {
             c.finish(error_result("Sampling not supported or error: " + reply.error->message));
             return;
           }
           auto content = reply.result.member("content");
           auto text = content ? string_member(*content, "text") : std::nullopt;
           c.finish(text_result("LLM response: " + std::string(text.value_or(""))));
         });
       }});
  t.push_back(
      {asking(
           "test_elicitation", "Tests server-initiated elicitation (user input request)",
           R"({"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]})"),
       [](tool_invocation& c) {
         auto message = string_member(*c.arguments(), "message").value_or("");
         auto params =
             R"({"message":)" + quote(message) +
             R"(,"requestedSchema":{"type":"object","properties":{"response":{"type":"string","description":"User's response"}},"required":["response"]}})";
         elicit(c, std::move(params), "User response: ");
       }});
  t.push_back({asking("test_elicitation_sep1034_defaults",
                      "Tests elicitation with default values per SEP-1034",
                      R"({"type":"object","properties":{}})"),
               [](tool_invocation& c) {
                 elicit(c,
                        elicitation_params("Please review and update the form fields with defaults",
                                           sep1034_properties),
                        "Elicitation completed: ");
               }});
  t.push_back({asking("test_elicitation_sep1330_enums",
                      "Tests elicitation with enum schema improvements per SEP-1330",
                      R"({"type":"object","properties":{}})"),
               [](tool_invocation& c) {
                 elicit(c,
                        elicitation_params("Please select options from the enum fields",
                                           sep1330_properties),
                        "Elicitation completed: ");
               }});
  return t;
}

}  // namespace mcprt::plugins::conformance
