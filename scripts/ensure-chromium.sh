#!/usr/bin/env bash
# The browser journeys drive Debian's chromium through Playwright (no browser download).
set -euo pipefail
bin=${LOOPDESK_CHROMIUM:-/usr/bin/chromium}
[ -x "$bin" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)) >/dev/null
  exit 0
fi
echo "Chromium is needed at $bin for the browser tests: sudo apt-get install chromium" >&2
exit 1
