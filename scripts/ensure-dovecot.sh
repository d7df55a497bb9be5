#!/usr/bin/env bash
# The email channel's tests run a private Dovecot IMAP server on loopback (Debian's
# dovecot-imapd; the fixture writes its own config, the system service is not used).
set -euo pipefail
bin=${LOOPDESK_DOVECOT:-/usr/sbin/dovecot}
[ -x "$bin" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's dovecot-imapd for the IMAP tests..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -qq dovecot-imapd || (apt-get update -qq && apt-get install -y -qq dovecot-imapd)) >/dev/null
  # Only the binary is needed: the tests start their own instance on a free port.
  if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
    systemctl disable --now dovecot >/dev/null 2>&1 || true
  fi
  exit 0
fi
echo "Dovecot is needed at $bin for the IMAP tests: sudo apt-get install dovecot-imapd" >&2
exit 1
