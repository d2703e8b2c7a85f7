#!/usr/bin/env bash
# The test command (`npm test`, and what .ci/run calls): setup, type-check, lint, build every runtime
# under test, then vitest: unit tests, end-to-end CLI tests, every runtime against its
# expectations and every broken runtime against the verdicts it must get.
set -uo pipefail
cd "$(dirname "$0")/.."
export TESTCONTAINERS_RYUK_DISABLED=true

passed=0
failed=0
step() {
  local name=$1
  shift
  echo "::: $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "::: $name FAILED" >&2
    failed=$((failed + 1))
  fi
}

step setup bash scripts/setup.sh || true
# The AWS emulator, the oracle of the fidelity test (harness/fidelity), built from the Go module proxy.
step install-rie bash scripts/bench-install-rie.sh
[ -d node_modules ] || step install npm ci
step typecheck npx tsc --noEmit -p tsconfig.json
step typecheck-bench npx tsc --noEmit -p bench/tsconfig.json
step lint npx biome lint harness suites test bench
# Build failures show here with their logs, instead of as error verdicts later.
# Runtimes only: a folder with a runtime.json (runtimes-under-test/extension-probe is an extension).
mapfile -t runtimes < <(for d in runtimes-under-test/*/ runtimes-under-test/broken/*/; do [ -f "$d/runtime.json" ] && echo "$d"; done)
step build-runtimes node bin/bootspec.js build "${runtimes[@]}"
# Unit, end-to-end and report tests may share the machine; the conformance runs (every runtime,
# both drivers, every broken runtime) go one file at a time so timing scenarios are not starved.
step vitest npx vitest run --exclude 'test/conformance/**' --exclude 'test/drivers/container.test.ts'
step conformance npx vitest run test/conformance test/drivers/container.test.ts --maxWorkers 1 --no-file-parallelism
# The container driver labels every container it starts; none may outlive the tests.
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  step no-containers-left bash -c 'left=$(docker ps -aq --filter label=bootspec.sandbox); [ -z "$left" ] || { echo "containers left: $left" >&2; false; }'
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
