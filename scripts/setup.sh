#!/usr/bin/env bash
# Installs what bootspec's tests need on a fresh Debian 12 machine, idempotently: Debian packages
# (bubblewrap for Lambda's paths, curl/jq for the bash runtime, zip for runtime builds), then the
# Docker engine and Chromium when their setup scripts exist. Toolchains (go, cargo, mvn, python3,
# node) come with the machine image; a missing one is named, not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(bubblewrap curl jq zip unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for tool in node npm go cargo mvn java javac python3 cc; do
  command -v "$tool" >/dev/null || echo "setup: warning: $tool is not installed; runtimes that build with it will get error verdicts" >&2
done

# Optional parts, each idempotent: the container driver's engine, the report tests' browser, the
# AWS CLI for the control plane's tests.
for extra in scripts/setup-docker.sh scripts/setup-browser.sh scripts/setup-aws-clients.sh; do
  if [ -f "$extra" ]; then bash "$extra"; fi
done
echo "setup: ok"
