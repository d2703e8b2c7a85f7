#!/bin/sh
# The bash runtime needs no build, only its tools: bash, curl and jq (plus coreutils, which every
# Lambda base image has). curl and jq are installed with apt-get when they are missing and we are root.
set -eu
cd "$(dirname -- "$0")"

missing=
for tool in curl jq; do
  command -v "$tool" > /dev/null 2>&1 || missing="$missing $tool"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: missing:$missing. Install them (e.g. sudo apt-get install -y$missing) or run this as root." >&2
    exit 1
  fi
  if ! command -v apt-get > /dev/null 2>&1; then
    echo "build.sh: missing:$missing, and there is no apt-get here; install them with this system's package manager." >&2
    exit 1
  fi
  echo "build.sh: installing$missing with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y --no-install-recommends $missing || { apt-get update && apt-get install -y --no-install-recommends $missing; }
fi

for tool in bash curl jq sha256sum head tr wc mktemp sleep; do
  if ! command -v "$tool" > /dev/null 2>&1; then
    echo "build.sh: $tool is not on PATH; the runtime needs it." >&2
    exit 1
  fi
done
if [ ! -x bootstrap ]; then
  echo "build.sh: bootstrap is not executable; run: chmod +x $(pwd)/bootstrap" >&2
  exit 1
fi
