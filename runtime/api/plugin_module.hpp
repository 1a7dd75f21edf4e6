// What a plugin built as a shared object exports, so the server can check it before use.
// A plugin source ends with MCPRT_PLUGIN_MODULE(fn), fn returning its descriptors.
#pragma once

#include <caf/config.hpp>
#include <vector>

#include "runtime/api/plugin_api.hpp"

namespace mcprt {
inline namespace api {

/// Built into every plugin module and into the server; a module loads only when the two agree
/// (the plugin API, the CAF release, the C++ library's string ABI: each changes object layouts).
struct plugin_module_stamp {
  int abi_version;
  int caf_version;
  int cxx11_string_abi;
};

/// The stamp of the code being compiled now.
inline constexpr plugin_module_stamp this_build_stamp{plugin_abi_version, CAF_VERSION,
                                                      _GLIBCXX_USE_CXX11_ABI};

}  // namespace api
}  // namespace mcprt

/// The two C symbols the server looks up in a plugin module.
#define MCPRT_PLUGIN_MODULE(descriptors_fn)                                        \
  extern "C" __attribute__((visibility("default"))) mcprt::plugin_module_stamp     \
  mcprt_plugin_stamp() {                                                           \
    return mcprt::this_build_stamp;                                                \
  }                                                                                \
  extern "C" __attribute__((visibility("default"))) void mcprt_plugin_descriptors( \
      std::vector<mcprt::plugin>* out) {                                           \
    *out = descriptors_fn();                                                       \
  }
