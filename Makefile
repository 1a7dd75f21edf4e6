# mcprt: the two commands a user needs are `make run` and `make test`.
# Everything else here is a step those two are built from.

BUILD_DIR   ?= build
BUILD_TYPE  ?= RelWithDebInfo
JOBS        ?= 2
LISTEN      ?= 127.0.0.1:8080
ARGS        ?=

# Debian 12 packages the build and the tests need (see docs/architecture.md, "Dependencies").
APT_PACKAGES := g++ cmake ninja-build make pkg-config ccache clang-format clang-tidy \
  libcaf-dev libboost1.81-dev rapidjson-dev prometheus-cpp-dev catch2 \
  libbenchmark-dev libssl-dev openssl libsqlite3-dev curl nodejs npm
# Only `make test` (and `make package`) need these: the .deb and its unit are built and checked
# (dpkg-dev, file, systemd), metrics and rules checked (prometheus: promtool), the schema
# validator compared (libvalijson-dev, json-schema-test-suite), the instruction-count gate run
# (valgrind).
TEST_PACKAGES := dpkg-dev file systemd prometheus libvalijson-dev json-schema-test-suite haproxy \
  valgrind
# `make fuzz` also needs clang with its libFuzzer runtime.
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 600
FUZZ_MAX_LEN ?= 8192

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
INTEROP := tests/interop

.PHONY: all deps apt-install build run test test-deps package bench-schema unit integration sanitize tsan tidy fuzz bench bench-jobs bench-cluster bench-auth bench-fanout bench-ws-held bench-gate bench-soak bench-peers clean format format-check

all: build

## deps: install the Debian packages that are missing (idempotent; skips what is present).
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do \
	  if [ "$$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi; \
	  if [ "$$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi; \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

## build: optimized build (RelWithDebInfo, the build that is benchmarked); leaves build/mcprt.
build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

## run: install, build, and start the server on its embedded defaults.
run: build
	./$(BUILD_DIR)/mcprt --listen $(LISTEN) $(ARGS)

# The TypeScript SDK clients and the conformance suite, pinned by the lockfile.
$(INTEROP)/node_modules/.installed: $(INTEROP)/package.json $(INTEROP)/package-lock.json
	cd $(INTEROP) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: install, build, and run every test (unit, integration, interop, conformance).
test: test-deps build $(INTEROP)/node_modules/.installed
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# The test packages, then a configure pass, so a build tree made by `make run` before they
# were installed finds valijson and the suite (their targets and test are optional).
test-deps: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_PACKAGES)"
	@if [ -f $(BUILD_DIR)/build.ninja ]; then cmake -S . -B $(BUILD_DIR) > /dev/null; fi

## package: the .deb (CPack) in build/; `sudo apt install ./build/mcprt_*.deb` installs it.
package: test-deps build
	cd $(BUILD_DIR) && cpack -G DEB

## bench-schema: the schema validators compared (docs/plugins.md): suite pass counts, cost.
bench-schema: test-deps build
	./$(BUILD_DIR)/mcprt-schema-suite
	./$(BUILD_DIR)/mcprt-schema-bench --benchmark_min_time=0.5 --benchmark_repetitions=3 \
	  --benchmark_report_aggregates_only=true

## unit: only the Catch2 unit tests.
unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

## sanitize: ASan+UBSan debug build in build-asan, with the unit and integration tests.
sanitize: test-deps $(INTEROP)/node_modules/.installed
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCPRT_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

## tsan: ThreadSanitizer build in build-tsan and the unit tests of code outside CAF (codec,
## outbox, job store, config, transport pieces). Debian's CAF 0.17 is not instrumented, so TSan
## cannot see its synchronization and reports every actor hand-off (stack-notes §10.9): tests
## that run actors are left out rather than suppressed (a test in these tags that starts an
## actor system is tagged [caf]). tests/tsan.supp lists what is.
TSAN_TESTS := [runtime]~[caf],[outbox],[job_store],[job_state],[config],[transport],[task_wire],[header_params],[uri_template],[front]
tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMCPRT_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS) --target mcprt_unit
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ./mcprt_unit "$(TSAN_TESTS)"

## fuzz: every libFuzzer target (clang, ASan, UBSan) in turn, each for FUZZ_SECONDS (600):
## json_rpc (the JSON-RPC decoder), jwt (JWKS and bearer tokens), uri_template (resource
## templates and the URIs matched against them), credentials, last_event_id, config,
## http_front (a connection's bytes into the front door), websocket_frames, stdio_frames and
## schema (tool input schemas and arguments; docs/security.md lists what each covers), inputs up to FUZZ_MAX_LEN
## bytes, from the seed corpus in tests/fuzz/corpus/<target> (new inputs go to
## build-fuzz/corpus/<target>). A finding stops it with the crashing input in build-fuzz/.
## `make test` runs each seed corpus once (fuzz.corpus.*).
FUZZ_TARGETS := json_rpc jwt uri_template credentials last_event_id config http_front \
	websocket_frames ws_frame_reader stdio_frames schema
fuzz:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES) $(FUZZ_PACKAGES)"
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DMCPRT_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS) $(foreach t,$(FUZZ_TARGETS),--target mcprt-fuzz-$(subst _,-,$(t)))
	set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t; \
	  (cd build-fuzz && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/ubsan.supp \
	    ./mcprt-fuzz-$$(echo $$t | tr _ -) -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    corpus/$$t ../tests/fuzz/corpus/$$t); \
	done

## bench: the load generator, ceiling server and micro-benchmarks (built by `make build` too),
## then mcprt against the ceiling in interleaved rounds; results in var/benchmarks.
bench: build
	bash benches/run_rounds.sh $(BUILD_DIR) mcprt mcprt-actor ceiling

## bench-jobs: job submission, adapter pool round trip, workers scaling, chunked result reads.
bench-jobs: build
	bash benches/run_jobs.sh $(BUILD_DIR)

## bench-cluster: three nodes and HAProxy: a relayed 2025 call against a local one, cross-node
## fan-out latency, 2026 throughput of three nodes against one (docs/benchmarks.md).
bench-cluster: build
	@$(MAKE) --no-print-directory apt-install PACKAGES="haproxy"
	bash benches/run_cluster.sh $(BUILD_DIR)

## bench-auth: tools/call with JWT verification on (a real issuer's cached key) against auth off:
## throughput in interleaved rounds, then instructions per request under callgrind.
bench-auth: build $(INTEROP)/node_modules/.installed
	@$(MAKE) --no-print-directory apt-install PACKAGES="valgrind"
	bash benches/run_auth.sh $(BUILD_DIR)
	bash benches/count_auth.sh $(BUILD_DIR)

## bench-fanout: the fan-out floor (bare loopback writes), mcprt's WebSocket and SSE fan-out
## rows, and the TypeScript SDK's at the same load, one run (docs/benchmarks.md, issue 15).
bench-fanout: build
	cd benches/peers && npm ci --no-audit --no-fund --loglevel=error
	bash benches/run_fanout.sh $(BUILD_DIR)

## bench-ws-held: 15,000 WebSocket subscribers held on one server; its RSS per subscriber
## (docs/benchmarks.md, issue 15).
bench-ws-held: build
	bash benches/run_ws_held.sh $(BUILD_DIR)

## bench-soak: 10 minutes of tools/call at half the measured capacity beside 1,000 WebSocket
## subscribers, the server's RSS sampled (docs/benchmarks.md, issue 15). DURATION= to change.
bench-soak: build
	bash benches/run_soak.sh $(BUILD_DIR)

## bench-gate: instructions per operation of fixed workloads under callgrind against
## benches/gate/baseline.txt; +10% fails (also in make test). After a change that earns it:
## bash benches/gate/run_gate.sh build --update, and commit the baseline with the change.
bench-gate: test-deps build
	bash benches/gate/run_gate.sh $(BUILD_DIR)

## bench-peers: the same, with the TypeScript SDK servers of benches/peers as peers.
bench-peers: build
	cd benches/peers && npm ci --no-audit --no-fund --loglevel=error
	bash benches/run_rounds.sh $(BUILD_DIR) mcprt mcprt-actor ceiling ts-v1-stateless ts-v1-stateful ts-v2

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

## tidy: clang-tidy (.clang-tidy: bugprone, performance, modernize) on every source file;
## any warning fails it. About ten minutes on 2 cores, so not part of make test.
tidy: build
	run-clang-tidy -p $(BUILD_DIR) -j $(JOBS) -quiet '/(actors|runtime|transport|config|plugins|tests|benches)/'

## format-check: every C++ file as clang-format would write it (also a test in make test).
format-check:
	bash tests/integration/format_check.sh
