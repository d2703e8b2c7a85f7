#!/usr/bin/env bash
# Builds the probe the way aws-lambda-go users ship to provided.al2023:
# a static `bootstrap` (CGO_ENABLED=0, -tags lambda.norpc) at the root of the
# function zip. Idempotent: go's build cache makes a no-change rebuild cheap,
# the binary is only rewritten when it changes, and the zip only then.
set -euo pipefail
cd "$(dirname "$0")"
command -v go >/dev/null || { echo "build.sh: go toolchain not found (need go >= 1.26)" >&2; exit 1; }

mkdir -p build
# aws-lambda-go comes from the Go module proxy at the version pinned in go.mod,
# verified against the committed go.sum.
export GOFLAGS="-mod=readonly -buildvcs=false"
go mod download github.com/aws/aws-lambda-go
CGO_ENABLED=0 GOOS=linux go build -trimpath -tags lambda.norpc -ldflags="-s -w" -o build/bootstrap.new .
# go build relinks every time; keep the old file (and its mtime) when nothing changed
if cmp -s build/bootstrap.new build/bootstrap; then rm -f build/bootstrap.new; else mv -f build/bootstrap.new build/bootstrap; fi

if [ ! -f build/function.zip ] || [ build/bootstrap -nt build/function.zip ]; then
  rm -f build/function.zip.tmp
  zip -q -X -j build/function.zip.tmp build/bootstrap
  mv -f build/function.zip.tmp build/function.zip
  echo "build.sh: wrote build/function.zip"
fi
