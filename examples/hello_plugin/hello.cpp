// A plugin module with one typed tool: `greet {name, times?, shout?}`. Its input schema is
// generated from greet_args, and a call's arguments arrive decoded into one.
#include <mcprt/plugin.hpp>

namespace {

struct greet_args {
  std::string name;
  std::optional<int64_t> times;
  bool shout = false;
  static constexpr auto fields =
      std::tuple{mcprt::arg(&greet_args::name, "name", "Who to greet"),
                 mcprt::arg(&greet_args::times, "times", "How often to say hello").range(1, 5),
                 mcprt::arg(&greet_args::shout, "shout", "Upper case").defaulted()};
};

std::string greeting(const greet_args& a, const std::string& salutation) {
  std::string text;
  for (int64_t i = 0; i < a.times.value_or(1); ++i) {
    text += (i > 0 ? " " : "") + salutation + ", " + a.name + "!";
  }
  if (a.shout) {
    for (auto& c : text) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return text;
}

mcprt::plugin hello() {
  mcprt::plugin p;
  p.name = "hello";
  p.version = "1.0.0";
  p.status = "example";
  p.description = "greets, from a plugin module built against the installed SDK";
  p.settings = {{"hello.salutation", mcprt::setting_type::string, std::string("Hello"), 0, 0,
                 "the word a greeting starts with"}};
  p.start = [](mcprt::plugin_context& ctx) {
    auto salutation = ctx.settings().string("salutation", "Hello");
    return ctx.add_tools({mcprt::typed_tool<greet_args>(
        "greet", "Greets someone.",
        [salutation](const greet_args& a, mcprt::tool_invocation& call) {
          call.finish(mcprt::text_result(greeting(a, salutation)));
        })});
  };
  return p;
}

std::vector<mcprt::plugin> plugins() {
  return {hello()};
}

}  // namespace

MCPRT_PLUGIN_MODULE(plugins)
