#!/usr/bin/env bash
# Every C++ example in docs/plugins.md, in order, as one translation unit (they form one plugin
# module), compiled as a plugin module is: against the generated one-file <mcprt/plugin.hpp>
# alone (no include path into the source tree), -Wall -Wextra -Werror.
# Usage: doc_examples.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
[ -f "$build/sdk/mcprt/plugin.hpp" ] || { echo "no generated SDK header in $build/sdk" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '/^```cpp$/ {on=1; n++; printf "#line %d \"docs/plugins.md\"\n", NR+1; next}
     /^```$/ {on=0; next}
     on {print}
     END {if (n < 5) {print "too few examples: " n > "/dev/stderr"; exit 1}}' \
  "$src/docs/plugins.md" >"$work/examples.cpp"
blocks=$(grep -c '^```cpp$' "$src/docs/plugins.md")
caf_flags=$(pkg-config --cflags caf 2>/dev/null || true)
c++ -std=c++20 -Wall -Wextra -Werror -fPIC -fvisibility=hidden $caf_flags -I"$build/sdk" \
  -c "$work/examples.cpp" -o "$work/examples.o"
nm "$work/examples.o" | grep -q " T mcprt_plugin_descriptors$" ||
  { echo "the examples do not end in a plugin module" >&2; exit 1; }
echo "docs/plugins.md: $blocks C++ examples compile as one plugin module"
