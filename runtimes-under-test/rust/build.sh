#!/usr/bin/env bash
# Builds the probe the way lambda_runtime users ship to provided.al2023:
# a release `bootstrap` binary at the root of the function zip.
# Idempotent: cargo is incremental (target dir under build/), the binary is
# only copied when it changed, and the zip is only rewritten then.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null || { echo "build.sh: cargo not found" >&2; exit 1; }

mkdir -p build
# lambda_runtime comes from crates.io at the version pinned (=) in Cargo.toml;
# --locked holds every crate to the committed Cargo.lock.
export CARGO_TARGET_DIR="$PWD/build/target"
cargo build --release --locked --quiet

if ! cmp -s build/target/release/bootstrap build/bootstrap; then
  cp -f build/target/release/bootstrap build/bootstrap.new
  mv -f build/bootstrap.new build/bootstrap
fi
if [ ! -f build/function.zip ] || [ build/bootstrap -nt build/function.zip ]; then
  rm -f build/function.zip.tmp
  zip -q -X -j build/function.zip.tmp build/bootstrap
  mv -f build/function.zip.tmp build/function.zip
  echo "build.sh: wrote build/function.zip"
fi
