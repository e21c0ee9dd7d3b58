#!/usr/bin/env bash
# Run the no-Docker Splash server (installed by scripts/install-splash.sh) on 127.0.0.1.
#
#   scripts/splash.sh start|stop|status|restart [PORT]      (default port 8050)
#
# Environment: SPLASH_VENV (default .venv-splash in the repository), SPLASH_RUN_DIR for the pid
# and log files (default $SPLASH_VENV/run), SPLASH_START_TIMEOUT seconds (default 60).
# Idempotent: `start` on a running server and `stop` on a stopped one succeed and say so.
# `start` returns only once http://127.0.0.1:PORT/_ping answers.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CMD="${1:-status}"
PORT="${2:-8050}"
VENV="${SPLASH_VENV:-$REPO/.venv-splash}"
RUN_DIR="${SPLASH_RUN_DIR:-$VENV/run}"
PIDFILE="$RUN_DIR/splash-$PORT.pid"
LOGFILE="$RUN_DIR/splash-$PORT.log"
TIMEOUT="${SPLASH_START_TIMEOUT:-60}"
URL="http://127.0.0.1:$PORT"

ping() {
  # Any python will do; /usr/bin/python3 is always there on Debian (curl may not be).
  /usr/bin/python3 - "$URL/_ping" <<'PY' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if b'"ok"' in r.read() else 1)
PY
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must still be our splash server.
  grep -q "splash.server" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  if pid="$(running_pid)"; then
    if ping; then echo "splash: already running on $URL (pid $pid)"; return 0; fi
  elif ping; then
    echo "splash: $URL already answers (not started by this script); using it"
    return 0
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    echo "splash: no Splash venv at $VENV; run scripts/install-splash.sh first" >&2
    exit 1
  fi
  mkdir -p "$RUN_DIR"
  if [[ -z "${pid:-}" ]]; then
    # offscreen Qt platform: no X server/Xvfb needed. QTWEBENGINE_DISABLE_SANDBOX: running as root.
    # --disable-lua-sandbox: lets our execute scripts use the full splash API (loopback only).
    # --disable-browser-caches: a page served from WebKit's cache has no HTTP history, so its
    # status and headers (provenance) would be unknown; an archive wants fresh fetches anyway.
    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \
      setsid "$VENV/bin/python" -m splash.server --ip 127.0.0.1 --port "$PORT" \
      --disable-xvfb --disable-lua-sandbox --disable-browser-caches --max-timeout 300 \
      >>"$LOGFILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
  fi
  for ((i = 0; i < TIMEOUT * 4; i++)); do
    if ping; then echo "splash: running on $URL (pid $pid, log $LOGFILE)"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "splash: server exited during start; last log lines:" >&2
      tail -n 20 "$LOGFILE" >&2
      rm -f "$PIDFILE"
      exit 1
    fi
    sleep 0.25
  done
  echo "splash: $URL/_ping did not answer within ${TIMEOUT}s (pid $pid, log $LOGFILE)" >&2
  exit 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    echo "splash: not running on port $PORT"
    return 0
  fi
  kill "$pid"
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  echo "splash: stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)" && ping; then
    echo "splash: running on $URL (pid $pid)"
  elif ping; then
    echo "splash: $URL answers (not started by this script)"
  else
    echo "splash: not running on port $PORT"
    return 3
  fi
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart [PORT]" >&2; exit 2 ;;
esac
