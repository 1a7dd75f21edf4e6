// libFuzzer target for the config loader: any bytes as the --config file (written to a
// private file per run; the loader only reads paths), with one --set and no environment.
// Nothing may crash, hang or leak; a loaded config names a source for every key it reports.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  static const std::string path = "/tmp/mcprt-fuzz-config-" + std::to_string(getpid()) + ".json";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  config::load_request req;
  req.file = path;
  req.sets = {{"transport.port", "0"}};
  req.known_plugins = {"demo", "ticker"};
  req.plugin_settings = {{"demo.greeting", setting_type::string, std::string("hi"), 0, 0, "x"}};
  req.getenv = [](const char*) -> const char* { return nullptr; };
  auto loaded = config::load(req);
  if (loaded && loaded->sources.at("transport.port") != "flag") {
    __builtin_trap();  // A flag is the last word.
  }
  return 0;
}
