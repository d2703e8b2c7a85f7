#!/usr/bin/env bash
# bootspec serve vs the AWS Runtime Interface Emulator, same runtimes, same run (null-c and go).
# Installs the emulator (pinned version, Go module proxy) into ~/.cache/bootspec/bin first.
#   scripts/bench-rie.sh [extra options for bench/rie-vs-serve.ts, e.g. --rounds 6 --seconds 1]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bench-install-rie.sh >/dev/null
for runtime in runtimes-under-test/null-c runtimes-under-test/go; do
  node --import tsx bench/rie-vs-serve.ts "$runtime" "$@"
done
