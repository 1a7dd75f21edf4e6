#!/usr/bin/env bash
# The .deb as an operator and a plugin author meet it: built by CPack from this build, its
# control data and files checked with dpkg-deb, its systemd unit with systemd-analyze verify;
# then, in a scratch root holding the unpacked package, the example plugin is built against the
# packaged SDK and served by the packaged server, started from / with no HOME.
# Usage: package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
work=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# 1. The package.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack did not build the .deb"; }
deb=$(ls "$work"/pkg/mcprt_*_amd64.deb)
info=$(dpkg-deb --info "$deb")
grep -q "^ Package: mcprt$" <<<"$info" || fail "package name: $info"
grep -q "^ Depends: .*libcaf-core0.17" <<<"$info" || fail "Depends lacks CAF: $info"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = /etc/mcprt/mcprt.json ] ||
  fail "the default config is not a conffile"
root=$work/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/mcprt etc/mcprt/mcprt.json usr/lib/systemd/system/mcprt.service \
  usr/include/mcprt/plugin.hpp usr/lib/cmake/mcprt/mcprtConfig.cmake \
  usr/share/mcprt/examples/hello_plugin/hello.cpp usr/share/doc/mcprt/operations.md \
  usr/share/mcprt/grafana/mcprt-dashboard.json usr/share/mcprt/prometheus/mcprt-alerts.yml; do
  [ -e "$root/$f" ] || fail "missing from the package: /$f"
done
[ -d "$root/usr/lib/mcprt/plugins" ] || fail "missing plugin directory"
# The SDK is one header that names no other header of the server's.
headers=$(cd "$root/usr/include" && find . -type f | sort)
[ "$headers" = "./mcprt/plugin.hpp" ] || fail "the package installs more headers than the SDK's: $headers"
! grep -n '#include "' "$root/usr/include/mcprt/plugin.hpp" ||
  fail "the SDK header includes project headers"
echo "ok: $(basename "$deb") built; control data and files as expected"

# 2. The unit, verified against the unpacked root (with the targets and kill it refers to).
mkdir -p "$root/bin"
cp /bin/kill "$root/bin/kill"
cp -n /lib/systemd/system/*.target "$root/usr/lib/systemd/system/"
out=$(systemd-analyze verify --root="$root" /usr/lib/systemd/system/mcprt.service 2>&1) ||
  fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warned: $out"
grep -q "^ExecReload=/bin/kill -HUP \$MAINPID$" "$root/usr/lib/systemd/system/mcprt.service" ||
  fail "ExecReload is not HUP"
echo "ok: the unit verifies"

# 3. The example plugin, built out of tree against the packaged SDK.
cmake -S "$root/usr/share/mcprt/examples/hello_plugin" -B "$work/hello" \
  -DCMAKE_PREFIX_PATH="$root/usr" >"$work/hello.log" 2>&1 &&
  cmake --build "$work/hello" >>"$work/hello.log" 2>&1 ||
  { cat "$work/hello.log" >&2; fail "the example plugin did not build"; }
plugins=$root/usr/lib/mcprt/plugins
cp "$work/hello/hello.so" "$plugins/"
echo "ok: the example plugin builds against the packaged SDK"

# 4. The packaged server, its packaged config, from /, without HOME: state goes to
# $STATE_DIRECTORY as under systemd, the plugin module loads and serves its typed tool.
state=$work/state
cd /
start_process "mcprt listening on " env -u MCPRT_JOBS_STORE_PATH -u HOME STATE_DIRECTORY="$state" \
  "$root/usr/bin/mcprt" --config "$root/etc/mcprt/mcprt.json" --listen 127.0.0.1:0 \
  --set plugins.dirs="$plugins" --set plugins.enabled=demo,ticker,hello
[ -f "$state/jobs.sqlite" ] || fail "the job store is not under STATE_DIRECTORY: $(ls -R "$state" 2>&1)"
call() {
  curl -sS "$SERVER_URL" -H 'content-type: application/json' \
    -H 'accept: application/json, text/event-stream' -H 'mcp-protocol-version: 2026-07-28' \
    -H 'mcp-method: tools/call' -H 'mcp-name: greet' \
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":'"$1"',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"package.sh","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}'
}
got=$(call '{"name":"Ada","times":2}')
grep -q '"text":"Hello, Ada! Hello, Ada!"' <<<"$got" || fail "greet: $got"
got=$(call '{"name":"Ada","times":9}')
grep -q '"isError":true' <<<"$got" && grep -q "/times fails 'maximum'" <<<"$got" ||
  fail "greet with times 9 was not refused by the generated schema: $got"
grep -q '"msg":"plugin started","plugin":"hello"' "$SERVER_LOG" ||
  fail "no start line for hello: $(cat "$SERVER_LOG")"
stop_server
SERVER_PID=""
echo "ok: the packaged server loads hello.so and serves greet; state under STATE_DIRECTORY"

# 5. Modules the server must refuse, each with a line naming the file and the reason.
mkdir -p "$work/stale" "$work/foreign"
c++ -std=c++20 -shared -fPIC -I"$root/usr/include" \
  "$here/fixtures/stale_plugin.cpp" -o "$work/stale/stale.so"
c++ -shared -fPIC "$here/fixtures/not_a_plugin.cpp" -o "$work/foreign/foreign.so"
refused() {
  local dir=$1 expect=$2 out rc=0
  out=$(env -u HOME STATE_DIRECTORY="$state" "$root/usr/bin/mcprt" --check-config \
    --set plugins.dirs="$dir" 2>&1) || rc=$?
  [ "$rc" = 2 ] || fail "a bad module in $dir: exit $rc, want 2: $out"
  grep -qF "$expect" <<<"$out" || fail "a bad module in $dir: '$out' lacks '$expect'"
  echo "ok: refused: $out"
}
refused "$work/stale" "stale.so was built for plugin ABI $(($(grep -o 'plugin_abi_version = [0-9]*' \
  "$root/usr/include/mcprt/plugin.hpp" | grep -o '[0-9]*$') - 1))"
refused "$work/foreign" "foreign.so: not an mcprt plugin"
refused "$work/missing" "plugins.dirs '$work/missing'"
echo "package: all checks passed"
