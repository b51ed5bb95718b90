#!/usr/bin/env bash
# Installs Debian's `chromium` for the offline render test, if it is missing. Idempotent.
# Prints the browser's path on success (last line of stdout); exits 1 if it cannot install.
set -euo pipefail

find_browser() {
  for b in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
      command -v "$b"
      return 0
    fi
  done
  return 1
}

if path=$(find_browser); then
  echo "$path"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-chromium: no chromium and no apt-get on this system" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "setup-chromium: not root and no password-less sudo; cannot install chromium" >&2
    exit 1
  fi
fi

echo "setup-chromium: installing Debian's chromium (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when chromium is not already known to apt.
if ! apt-cache show chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq >&2 || true
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2; then
  $SUDO apt-get update -qq >&2 || true
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2
fi

if path=$(find_browser); then
  echo "$path"
  exit 0
fi
echo "setup-chromium: apt-get finished but no chromium binary was found" >&2
exit 1
