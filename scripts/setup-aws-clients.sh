#!/usr/bin/env bash
# Installs the AWS CLI (the `awscli` package from PyPI, pinned) into a private venv at
# .bootspec/awscli, for the control plane's tests with the real clients (test/control-plane/).
# Idempotent: does nothing when that venv already has the pinned version. Needs python3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

AWSCLI_VERSION=1.46.3
VENV=.bootspec/awscli

if [ -x "$VENV/bin/aws" ] && "$VENV/bin/aws" --version 2>&1 | grep -q "aws-cli/$AWSCLI_VERSION "; then
  echo "setup-aws-clients: aws-cli $AWSCLI_VERSION already in $VENV"
  exit 0
fi
if ! command -v python3 >/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
  echo "setup-aws-clients: warning: python3 with venv is missing; the AWS CLI tests will be skipped with that reason" >&2
  exit 0
fi
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION"
echo "setup-aws-clients: installed $("$VENV/bin/aws" --version 2>&1)"
