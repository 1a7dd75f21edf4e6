#include "actors/node/plugin_library.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>

#include "runtime/api/plugin_module.hpp"

namespace mcprt::actors::node {

namespace {

namespace fs = std::filesystem;

std::string describe(const plugin_module_stamp& s) {
  return "plugin ABI " + std::to_string(s.abi_version) + ", CAF " +
         std::to_string(s.caf_version / 10000) + "." + std::to_string(s.caf_version / 100 % 100) +
         "." + std::to_string(s.caf_version % 100) + ", " +
         (s.cxx11_string_abi != 0 ? "C++11 string ABI" : "old string ABI");
}

expected<std::vector<plugin>, std::string> load_one(const fs::path& file) {
  // RTLD_LOCAL: two modules may use the same helper names without meeting.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return "plugin module " + file.string() + ": " + (why != nullptr ? why : "cannot be loaded");
  }
  using stamp_fn = plugin_module_stamp (*)();
  using descriptors_fn = void (*)(std::vector<plugin>*);
  auto stamp = reinterpret_cast<stamp_fn>(dlsym(handle, "mcprt_plugin_stamp"));
  auto descriptors = reinterpret_cast<descriptors_fn>(dlsym(handle, "mcprt_plugin_descriptors"));
  if (stamp == nullptr || descriptors == nullptr) {
    dlclose(handle);
    return "plugin module " + file.string() +
           ": not an mcprt plugin (no MCPRT_PLUGIN_MODULE: mcprt_plugin_stamp and "
           "mcprt_plugin_descriptors are missing)";
  }
  auto theirs = stamp();
  const auto& ours = this_build_stamp;
  if (theirs.abi_version != ours.abi_version || theirs.caf_version != ours.caf_version ||
      theirs.cxx11_string_abi != ours.cxx11_string_abi) {
    dlclose(handle);
    return "plugin module " + file.string() + " was built for " + describe(theirs) +
           "; this server has " + describe(ours) + ": rebuild it against this mcprt";
  }
  std::vector<plugin> out;
  descriptors(&out);
  if (out.empty()) {
    return "plugin module " + file.string() + " declares no plugin";
  }
  return out;  // The handle stays open on purpose (see the header).
}

}  // namespace

expected<std::vector<plugin>, std::string> load_plugin_modules(const std::vector<std::string>& dirs,
                                                               const std::vector<plugin>& known) {
  std::vector<plugin> loaded;
  auto taken = [&](const std::string& name) {
    auto same = [&name](const plugin& p) { return p.name == name; };
    return std::any_of(known.begin(), known.end(), same) ||
           std::any_of(loaded.begin(), loaded.end(), same);
  };
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so" && entry.is_regular_file(ec)) {
        files.push_back(entry.path());
      }
    }
    if (ec) {
      return "plugins.dirs '" + dir + "': " + ec.message();
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto got = load_one(file);
      if (auto* why = got.failure()) {
        return *why;
      }
      for (auto& p : got.value()) {
        if (taken(p.name)) {
          return "plugin module " + file.string() + " declares plugin '" + p.name +
                 "', which another plugin already is";
        }
        loaded.push_back(std::move(p));
      }
    }
  }
  return loaded;
}

}  // namespace mcprt::actors::node
