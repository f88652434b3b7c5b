#!/usr/bin/env bash
# Local real-runtime node for tests: Chopsticks (pinned in tools/chopsticks/package.json) on
# 127.0.0.1 running a raw chain spec in genesis mode.
#
#   tools/chopsticks.sh install                 install the pinned version if missing
#   tools/chopsticks.sh start [SPEC] [PORT]     start, wait until it answers, print the port
#   tools/chopsticks.sh stop                    stop the instance started from this run dir
#
# SPEC defaults to $BTQ_SHARED_DIR/chain/specs/raonet_raw_spec.json, PORT to 8100.
# Chopsticks silently moves to the next port when PORT is taken: the port it really listens on
# is read from its log, checked with a JSON-RPC request and printed on stdout (the only line
# printed there). Install cache: ${BTQ_CACHE_DIR:-$HOME/.cache/btq}/chopsticks (outside the
# source tree). Run dir (pid file, log): ${BTQ_CHOPSTICKS_RUN:-<cache>/run}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${BTQ_CACHE_DIR:-$HOME/.cache/btq}/chopsticks
run=${BTQ_CHOPSTICKS_RUN:-$cache/run}
shared=${BTQ_SHARED_DIR:-$root/../shared}
pidfile=$run/chopsticks.pid
logfile=$run/chopsticks.log

die() {
  echo "chopsticks.sh: $*" >&2
  exit 1
}

install() {
  mkdir -p "$cache"
  if ! cmp -s "$here/chopsticks/package.json" "$cache/package.json" ||
    [ ! -x "$cache/node_modules/.bin/chopsticks" ]; then
    command -v npm >/dev/null || die "npm not found (install nodejs and npm)"
    cp "$here/chopsticks/package.json" "$cache/package.json"
    echo "chopsticks.sh: installing @acala-network/chopsticks into $cache" >&2
    (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >&2) ||
      die "npm install failed"
  fi
  [ -x "$cache/node_modules/.bin/chopsticks" ] || die "chopsticks binary missing after install"
}

rpc_probe() { # port -> prints the system_chain answer or fails
  curl -s --max-time 5 -H 'Content-Type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"system_chain","params":[]}' "http://127.0.0.1:$1/"
}

start() {
  local spec=${1:-$shared/chain/specs/raonet_raw_spec.json}
  local port=${2:-8100}
  [ -f "$spec" ] || die "chain spec not found: $spec"
  install
  mkdir -p "$run"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    die "already running (pid $(cat "$pidfile")); run stop first"
  fi
  : >"$logfile"
  (cd "$run" && exec "$cache/node_modules/.bin/chopsticks" --genesis "$spec" \
    --host 127.0.0.1 --port "$port" --build-block-mode Manual --allow-unresolved-imports \
    --mock-signature-host) >>"$logfile" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local real="" i
  for i in $(seq 1 600); do # up to 60 s
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logfile" >&2
      rm -f "$pidfile"
      die "chopsticks exited during startup (log above)"
    fi
    # e.g. "... RPC listening on http://127.0.0.1:8100 and ws://127.0.0.1:8100"
    real=$(grep -aoE 'listening on [a-z]+://[^ ]*:[0-9]+' "$logfile" | head -n1 |
      grep -oE '[0-9]+$' || true)
    if [ -n "$real" ] && rpc_probe "$real" | grep -q '"result"'; then
      break
    fi
    real=""
    sleep 0.1
  done
  if [ -z "$real" ]; then
    tail -n 30 "$logfile" >&2
    stop >/dev/null 2>&1 || true
    die "chopsticks did not answer within 60 s (log above)"
  fi
  if [ "$real" != "$port" ]; then
    echo "chopsticks.sh: port $port was taken; chopsticks listens on $real" >&2
  fi
  echo "$real" >"$run/chopsticks.port"
  echo "$real"
}

stop() {
  [ -f "$pidfile" ] || {
    echo "chopsticks.sh: not running (no $pidfile)" >&2
    return 0
  }
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$run/chopsticks.port"
}

case "${1:-}" in
install) install ;;
start)
  shift
  start "$@"
  ;;
stop) stop ;;
*)
  echo "usage: $0 install | start [SPEC] [PORT] | stop" >&2
  exit 2
  ;;
esac
