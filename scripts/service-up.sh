#!/usr/bin/env bash
# Is a local test service reachable? Tries to start it when we are root (CI machines).
set -u
case "$1" in
  postgres)
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && exit 0
    if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1
      sleep 2
    fi
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null ;;
  redis)
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0
    if command -v redis-server >/dev/null; then
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1
      sleep 1
    fi
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 ;;
  *) echo "unknown service $1" >&2; exit 2 ;;
esac
