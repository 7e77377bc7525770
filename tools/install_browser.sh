#!/usr/bin/env bash
# Installs the Chromium that tests/test_browser.py drives through Playwright, from Debian's
# packages (Playwright's own browser download is never used: `playwright install` is not
# run). Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (as CI
# is) or passwordless sudo; fails loudly otherwise, and so do the browser tests.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"  # overridable only to test this script

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install_browser.sh: $CHROMIUM is missing and this user cannot run apt-get as root;" >&2
  echo "  install it with: apt-get update && apt-get install -y chromium chromium-driver" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: $CHROMIUM is missing and there is no apt-get to install it" >&2
  exit 1
fi

echo "install_browser.sh: installing chromium from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "install_browser.sh: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
"$CHROMIUM" --version >&2
