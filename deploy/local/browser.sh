#!/usr/bin/env bash
# Installs Debian's chromium (and a font for screenshots with text) when missing, and prints the
# browser's path: the dashboard's browser tests and benchmarks drive it with playwright-core,
# which downloads no browser of its own here. Root, or sudo, as for the stack's packages.
set -euo pipefail
log() { printf '[browser] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation >/dev/null 2>&1 || {
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation >/dev/null
  }
fi
command -v chromium
