#!/usr/bin/env bash
# Installs the AWS Lambda Runtime Interface Emulator (aws-lambda-rie) from the Go module proxy into a
# cache folder outside the repo, for `bench/rie-vs-serve.ts`. Its code is never copied into bootspec.
# The module has no release tags on the proxy, only pseudo-versions: this one is pinned.
set -euo pipefail
RIE_VERSION="${RIE_VERSION:-v0.0.0-20261030222936-bef5c4ba774d}"
BIN_DIR="${BOOTSPEC_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bootspec/bin}"
command -v go >/dev/null || { echo "bench-install-rie: go toolchain not found; install Go >= 1.26" >&2; exit 1; }
stamp="$BIN_DIR/aws-lambda-rie.version"
if [ -x "$BIN_DIR/aws-lambda-rie" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$RIE_VERSION" ]; then
  echo "$BIN_DIR/aws-lambda-rie"
  exit 0
fi
mkdir -p "$BIN_DIR"
GOBIN="$BIN_DIR" GOFLAGS="-buildvcs=false" CGO_ENABLED=0 \
  go install "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$RIE_VERSION" >&2
echo "$RIE_VERSION" > "$stamp"
echo "$BIN_DIR/aws-lambda-rie"
