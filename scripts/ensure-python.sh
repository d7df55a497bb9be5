#!/usr/bin/env bash
# Make sure `python3 -m venv` works (Debian/Ubuntu ship it in a separate package).
set -euo pipefail
py=${1:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Loopdesk needs Python 3.11 or newer as '$py'." >&2; exit 1
fi
if "$py" -c 'import ensurepip, venv' 2>/dev/null; then exit 0; fi
ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq "python${ver}-venv" || apt-get install -y -qq python3-venv
else
  echo "Python's venv module is missing: run 'sudo apt-get install python${ver}-venv' and retry." >&2; exit 1
fi
