#!/usr/bin/env bash
# Installs Debian's Chromium for the report's browser tests (test/report/*.browser.test.ts).
# Idempotent: does nothing when /usr/bin/chromium already runs. Never downloads a browser build of
# its own (no `npx playwright install`): playwright-core drives this system Chromium.
set -euo pipefail

CHROMIUM=${BOOTSPEC_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
  echo "setup-browser: $("$CHROMIUM" --version 2>/dev/null) already installed at $CHROMIUM"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-dejavu-core: the report's text needs a font; chromium pulls most of the rest.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "setup-browser: installed $("$CHROMIUM" --version 2>/dev/null)"
