#!/usr/bin/env bash
# The mcprt command line: --help, --version, --check-config, --print-config, and bad config
# (unknown key, wrong type, out of range) as one line naming the key with exit code 2.
set -uo pipefail
bin=$1
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect NAME EXIT_CODE PATTERN -- command...
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out code
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $code (want $want): $out"
  fi
}

expect "--help documents the options" 0 "--check-config" -- "$bin" --help
expect "--version names the MCP revisions" 0 "mcprt .*2026-07-28" -- "$bin" --version
expect "defaults are a valid config" 0 "config ok" -- "$bin" --check-config
expect "the shipped example config is valid" 0 "config ok" -- \
  "$bin" --check-config "$(dirname "$0")/../../config/examples/mcprt.json"
echo '{"performance":{"maxInflight":100,"batchSize":8},"demo":{"maxSleepMs":500}}' >"$work/good.json"
expect "a good file passes --check-config" 0 "config ok" -- "$bin" --check-config "$work/good.json"
echo '{"performance":{"maxInflite":100}}' >"$work/typo.json"
expect "an unknown key in the file names it, exit 2" 2 "unknown key 'performance.maxInflite'" -- \
  "$bin" --check-config "$work/typo.json"
echo '{"performance":{"maxInflight":"lots"}}' >"$work/type.json"
expect "a wrong type names the key, exit 2" 2 "key 'performance.maxInflight' must be an integer" -- \
  "$bin" --config "$work/type.json" --check-config
expect "an out-of-range value names the key, exit 2" 2 "key 'performance.queueWatermark' is out of range" -- \
  "$bin" --set performance.queueWatermark=1.5 --check-config
expect "an unknown --set key, exit 2" 2 "unknown key 'nope.key'" -- "$bin" --set nope.key=1 --check-config
expect "an unknown plugin, exit 2" 2 "unknown plugin 'nope'" -- "$bin" --set plugins.enabled=demo,nope --check-config
expect "a bad choice, exit 2" 2 "key 'runtime.schedulerPolicy' must be one of" -- \
  "$bin" --set runtime.schedulerPolicy=fast --check-config
echo '{"performance":' >"$work/broken.json"
expect "a broken JSON file, exit 2" 2 "is not valid JSON" -- "$bin" --config "$work/broken.json" --check-config
expect "an unreadable file, exit 2" 2 "cannot be read" -- "$bin" --config "$work/missing.json" --check-config
expect "an unknown option, exit 2" 2 "unknown option '--bogus'" -- "$bin" --bogus
expect "--print-config shows defaults and env names" 0 "performance.maxInflight = 2048  \(default; env MCP_MAX_INFLIGHT\)" -- \
  "$bin" --print-config
expect "the file layer is reported" 0 "performance.batchSize = 8  \(file" -- "$bin" --config "$work/good.json" --print-config
expect "MCP_MAX_INFLIGHT overrides the file" 0 "performance.maxInflight = 7  \(env" -- \
  env MCP_MAX_INFLIGHT=7 "$bin" --config "$work/good.json" --print-config
expect "MCPRT_ env names reach every key" 0 "session.idleTimeoutMs = 5000  \(env" -- \
  env MCPRT_SESSION_IDLE_TIMEOUT_MS=5000 "$bin" --print-config
expect "a bad env value names the key and the variable" 2 "MCP_BATCH_SIZE" -- env MCP_BATCH_SIZE=x "$bin" --check-config
expect "--set beats env" 0 "performance.maxInflight = 9  \(flag" -- \
  env MCP_MAX_INFLIGHT=7 "$bin" --set performance.maxInflight=9 --print-config
expect "plugin settings are keys too" 0 "demo.maxSleepMs = 500  \(file" -- "$bin" --config "$work/good.json" --print-config
# --check-config checks that the configuration would start a server here.
expect "a host name resolves" 0 "config ok" -- "$bin" --check-config --set transport.host=localhost
expect "a host that does not resolve, exit 2" 2 "transport.host 'nowhere.invalid' does not resolve" -- \
  "$bin" --check-config --set transport.host=nowhere.invalid
echo '{"adapters":[{"name":"ghost","command":"no-such-worker-command"},{"name":"shell","command":"sh"}]}' >"$work/adapters.json"
expect "an adapter command that cannot run, exit 2" 2 "adapters 'ghost': command 'no-such-worker-command' is not an executable" -- \
  "$bin" --check-config "$work/adapters.json"
: >"$work/afile"
expect "a job store under a file, exit 2" 2 "jobs.storePath '$work/afile/db/jobs.sqlite': '$work/afile' is a file" -- \
  "$bin" --check-config --set "jobs.storePath=$work/afile/db/jobs.sqlite"
expect "TLS files that do not load, exit 2" 2 "transport.tls.certFile '$work/none.pem'" -- \
  "$bin" --check-config --set "transport.tls.certFile=$work/none.pem" --set "transport.tls.keyFile=$work/none.key"
expect "--print-config shows the adapters, not their env values" 0 "adapters\[1\] = shell: sh  \(file; workers 1..1, prefix '', env\)" -- \
  "$bin" --config "$work/adapters.json" --print-config
printf '{"performance":{"maxInflight":1,"maxInflight":2}}' >"$work/twice.json"
expect "a key named twice, exit 2" 2 "names 'performance.maxInflight' twice" -- "$bin" --check-config "$work/twice.json"
# A second server on a port the first holds fails with one clear line. Its job store is its
# own, as the first's is (lib.sh): the default one may be held by an mcprt the user runs.
source "$(dirname "$0")/lib.sh"
start_server "$bin"
port=${SERVER_URL##*:}
port=${port%/mcp}
expect "a port already in use fails with a clear line" 1 "cannot listen on 127.0.0.1:$port" -- \
  env MCPRT_JOBS_STORE_PATH="$work/second.sqlite" "$bin" --listen "127.0.0.1:$port"
stop_server
trap 'rm -rf "$work"' EXIT
echo "cli and config: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
