// Fixture tools. Timed steps use tool_invocation::after, so no thread ever sleeps.
#include "plugins/conformance/conformance.hpp"

#include "runtime/codec/json_parse.hpp"

namespace mcprt::plugins::conformance {

namespace {

using namespace std::chrono_literals;

tool_definition fixture(std::string name, std::string description,
                        std::string schema = R"({"type":"object","properties":{}})") {
  return tool_definition{std::move(name), {}, std::move(description), std::move(schema), {}, {}};
}

// The progress token as String() would print it: a string's value or a number's digits.
std::string token_text(const std::string& token_json) {
  rapidjson::Document d;
  if (!parse_json(d, token_json) && d.IsString()) {
    return std::string(d.GetString(), d.GetStringLength());
  }
  return token_json;
}

void progress_step(const tool_invocation& call, int step) {
  double done = step * 50.0;
  call.out().progress(done, 100, "Completed step " + std::to_string(step * 50) + " of 100");
  if (step == 2) {
    call.finish(text_result(token_text(call.out().info().progress_token)));
    return;
  }
  call.after(50ms, [call, step] { progress_step(call, step + 1); });
}

std::vector<tool_spec> tools() {
  std::vector<tool_spec> t;
  t.push_back(
      {fixture("test_simple_text", "Tests simple text content response"), [](tool_invocation& c) {
         c.finish(text_result("This is a simple text response for testing."));
       }});
  t.push_back(
      {fixture("test_image_content", "Tests image content response"), [](tool_invocation& c) {
         c.finish(tool_result{{content::image(png_base64, "image/png")}, {}, false});
       }});
  t.push_back(
      {fixture("test_audio_content", "Tests audio content response"), [](tool_invocation& c) {
         c.finish(tool_result{{content::audio(wav_base64, "audio/wav")}, {}, false});
       }});
  t.push_back({fixture("test_embedded_resource", "Tests embedded resource content response"),
               [](tool_invocation& c) {
                 c.finish(tool_result{
                     {content::embedded_text_resource("test://embedded-resource", "text/plain",
                                                      "This is an embedded resource content.")},
                     {},
                     false});
               }});
  t.push_back({fixture("test_multiple_content_types", "Tests response with multiple content types"),
               [](tool_invocation& c) {
                 c.finish(tool_result{{content::text("Multiple content types test:"),
                                       content::image(png_base64, "image/png"),
                                       content::embedded_text_resource(
                                           "test://mixed-content-resource", "application/json",
                                           R"({"test":"data","value":123})")},
                                      {},
                                      false});
               }});
  t.push_back(
      {fixture("test_tool_with_logging", "Tests tool that emits log messages during execution"),
       [](tool_invocation& c) {
         c.out().log(log_level::info, quote("Tool execution started"));
         c.after(50ms, [c] {
           c.out().log(log_level::info, quote("Tool processing data"));
           c.after(50ms, [c] {
             c.out().log(log_level::info, quote("Tool execution completed"));
             c.finish(text_result("Tool with logging executed successfully"));
           });
         });
       }});
  t.push_back({fixture("test_tool_with_progress", "Tests tool that reports progress notifications"),
               [](tool_invocation& c) { progress_step(c, 0); }});
  t.push_back(
      {fixture("test_error_handling", "Tests error response handling"), [](tool_invocation& c) {
         c.finish(error_result("This tool intentionally returns an error for testing"));
       }});
  // SEP-2243: arguments mirrored into Mcp-Param-* headers, one of each permitted type.
  t.push_back(
      {fixture(
           "test_custom_header",
           "Tests tool parameters mirrored into Mcp-Param headers (x-mcp-header, SEP-2243)",
           R"({"type":"object","properties":{"region":{"type":"string","description":"Where to run","x-mcp-header":"Region"},"priority":{"type":"integer","x-mcp-header":"Priority"},"dry_run":{"type":"boolean","x-mcp-header":"DryRun"},"query":{"type":"string"}},"required":["region"]})"),
       [](tool_invocation& c) {
         const auto& args = *c.arguments();
         std::string text = "region=" + std::string(*string_member(args, "region"));
         if (auto* p = find_member(args, "priority"); p != nullptr && p->IsInt64()) {
           text += " priority=" + std::to_string(p->GetInt64());
         }
         if (auto* d = find_member(args, "dry_run"); d != nullptr && d->IsBool()) {
           text += std::string(" dry_run=") + (d->GetBool() ? "true" : "false");
         }
         c.finish(text_result(text));
       }});
  t.push_back(
      {fixture(
           "json_schema_2020_12_tool",
           "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
           // The 0.2 suite's schema (SEP-2106), a superset of 0.1.16's: $anchor, allOf/anyOf
           // and if/then/else are served verbatim.
           R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","$defs":{"address":{"$anchor":"addressDef","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},"properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},"contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},"email":{"type":"string"}},"allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],"if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},"then":{"required":["phone"]},"else":{"required":["email"]},"additionalProperties":false})"),
       [](tool_invocation& c) {
         std::string args = c.arguments() ? to_json(*c.arguments()) : "{}";
         c.finish(text_result("JSON Schema 2020-12 tool called with: " + args));
       }});
  t.push_back({fixture("test_reconnection",
                       "Tests SSE stream disconnection and client reconnection (SEP-1699)"),
               [](tool_invocation& c) {
                 // Close the stream at once (after its priming event); the result follows when
                 // the client resumes with Last-Event-ID.
                 c.out().close_stream();
                 c.after(100ms, [c] {
                   c.finish(text_result(
                       "Reconnection test completed successfully. If you received this, the "
                       "client properly reconnected after stream closure."));
                 });
               }});
  return t;
}

std::vector<resource_spec> resources() {
  auto text = [](const std::string& uri, std::string name, std::string description,
                 const std::string& body) {
    resource_definition d{uri, std::move(name), {}, std::move(description), "text/plain"};
    return resource_spec{std::move(d), [uri, body](resource_request& r) {
                           r.finish({resource_contents{uri, "text/plain", body, false}});
                         }};
  };
  std::vector<resource_spec> out;
  out.push_back(text("test://static-text", "static-text", "A static text resource for testing",
                     "This is the content of the static text resource."));
  out.push_back({resource_definition{"test://static-binary",
                                     "static-binary",
                                     {},
                                     "A static binary resource (image) for testing",
                                     "image/png"},
                 [](resource_request& r) {
                   r.finish({resource_contents{"test://static-binary", "image/png",
                                               std::string(png_base64), true}});
                 }});
  out.push_back(text("test://watched-resource", "watched-resource",
                     "A resource that can be subscribed to", "Watched resource content"));
  return out;
}

std::vector<resource_template_spec> templates() {
  return {{resource_template_definition{"test://template/{id}/data",
                                        "template",
                                        {},
                                        "A resource template with parameter substitution",
                                        "application/json"},
           [](resource_request& r) {
             const auto& id = r.variables().at("id");
             std::string body = R"({"id":)" + quote(id) + R"(,"templateTest":true,"data":)" +
                                quote("Data for ID: " + id) + "}";
             r.finish({resource_contents{r.uri(), "application/json", body, false}});
           }}};
}

std::vector<prompt_spec> prompts() {
  std::vector<prompt_spec> out;
  out.push_back(
      {prompt_definition{"test_simple_prompt", {}, "A simple prompt without arguments", {}},
       [](prompt_request& p) {
         p.finish({prompt_message::user(content::text("This is a simple prompt for testing."))});
       }});
  out.push_back(
      {prompt_definition{
           "test_prompt_with_arguments",
           {},
           "A prompt with required arguments",
           {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}}},
       [](prompt_request& p) {
         const auto& a = p.arguments();
         p.finish({prompt_message::user(content::text(
             "Prompt with arguments: arg1='" + a.at("arg1") + "', arg2='" + a.at("arg2") + "'"))});
       }});
  out.push_back({prompt_definition{"test_prompt_with_embedded_resource",
                                   {},
                                   "A prompt that includes an embedded resource",
                                   {{"resourceUri", "URI of the resource to embed", true}}},
                 [](prompt_request& p) {
                   p.finish({prompt_message::user(content::embedded_text_resource(
                                 p.arguments().at("resourceUri"), "text/plain",
                                 "Embedded resource content for testing.")),
                             prompt_message::user(
                                 content::text("Please process the embedded resource above."))});
                 }});
  out.push_back(
      {prompt_definition{"test_prompt_with_image", {}, "A prompt that includes image content", {}},
       [](prompt_request& p) {
         p.finish({prompt_message::user(content::image(png_base64, "image/png")),
                   prompt_message::user(content::text("Please analyze the image above."))});
       }});
  return out;
}

}  // namespace

plugin descriptor() {
  plugin p;
  p.name = "conformance";
  p.version = "0.1.16";
  p.status = "test fixture";
  p.description = "the official conformance suite's fixture tools, for conformance runs";
  p.start = [](plugin_context& ctx) -> caf::error {
    auto all = tools();
    for (auto* more : {asking_tools, mrtr_tools, task_tools}) {
      for (auto& t : more()) {
        all.push_back(std::move(t));
      }
    }
    for (auto& t : trigger_tools(ctx.live())) {
      all.push_back(std::move(t));
    }
    if (auto err = ctx.add_tools(std::move(all))) {
      return err;
    }
    if (auto err = ctx.add_resources(resources(), templates())) {
      return err;
    }
    auto all_prompts = prompts();
    for (auto& p : mrtr_prompts()) {
      all_prompts.push_back(std::move(p));
    }
    return ctx.add_prompts(std::move(all_prompts));
  };
  return p;
}

}  // namespace mcprt::plugins::conformance
