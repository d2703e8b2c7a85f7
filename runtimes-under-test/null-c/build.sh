#!/usr/bin/env bash
# Builds null-c with the machine's C compiler into build/bootstrap (the function folder).
set -euo pipefail
cd "$(dirname "$0")"
command -v cc >/dev/null || { echo "build.sh: no C compiler (cc); install build-essential" >&2; exit 1; }
mkdir -p build
cc -O2 -Wall -Wextra -o build/bootstrap.new bootstrap.c
mv -f build/bootstrap.new build/bootstrap
