#!/usr/bin/env bash
# The btq command never prints the secrets an endpoint URL may carry: with --url (or
# BT_SUBTENSOR_CHAIN_ENDPOINT) holding a password (user-info) and an API key (query string) and
# pointing at a closed loopback port, every network command fails with exit 5 and an error
# line that names the endpoint redacted ("***@", "?***"), and neither secret appears on stdout
# or stderr: text and --json output, btq rpc, and --insecure with wss:// (the only option that
# turns on the library's log output on stderr, i.e. the most verbose the CLI gets). Two URL
# shapes: with user-info (rejected by the library before connecting: the CLI's own "cannot use
# endpoint" message) and with only the key (the connection fails: the "(node …)" suffix); and a
# listener that never answers, for the timeout messages (exit 7, or 5 if the connect timed out).
set -u
. "$(dirname "$0")/golden.sh"
unset BT_SUBTENSOR_CHAIN_ENDPOINT
export BTQ_CACHE_DIR=$tmp/cache

PASSWORD=hunter2Pa55w0rdSECRET
APIKEY=apikey9f8e7d6c5b4aSECRET
ALICE=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
closed_port=1 # nothing listens on port 1 (as in test_cli_rpc.sh)

urls=(
  "ws://alice:$PASSWORD@127.0.0.1:$closed_port/ws?api_key=$APIKEY"
  "ws://127.0.0.1:$closed_port/ws?api_key=$APIKEY&password=$PASSWORD"
  "wss://alice:$PASSWORD@127.0.0.1:$closed_port/?api_key=$APIKEY"
  "wss://127.0.0.1:$closed_port/?api_key=$APIKEY#$PASSWORD"
)
# each command line, given the URL with --url; those marked "env" also through the environment
commands=(
  "env balance $ALICE"
  "env balance --json $ALICE"
  "tempo 1"
  "tempo --json 1"
  "block"
  "block --json"
  "query System Number --json"
  "constant System SS58Prefix"
  "call Core version --json"
  "env rpc system_chain"
  "rpc --compact system_chain"
)

checked=0
# check_run WHAT -- ARGS...: exit 5, an error naming the endpoint redacted, no secret anywhere
check_run() {
  local what=$1; shift 2
  "$BTQ_CLI" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
  checked=$((checked + 1))
  local bad=""
  [ "$rc" = 5 ] || bad="exit $rc, want 5"
  for s in "$PASSWORD" "$APIKEY"; do
    if grep -qF -- "$s" "$tmp/out" "$tmp/err"; then bad="${bad:+$bad; }the secret '$s' is printed"; fi
  done
  # the error still names the endpoint, redacted
  grep -qF "127.0.0.1:$closed_port" "$tmp/err" || bad="${bad:+$bad; }stderr does not name the endpoint"
  grep -qF "***" "$tmp/err" || bad="${bad:+$bad; }stderr shows no redaction mark"
  if [ -n "$bad" ]; then
    echo "FAIL: $what: $bad"
    sed 's/^/  stdout: /' "$tmp/out"
    sed 's/^/  stderr: /' "$tmp/err"
    failures=$((failures + 1))
  fi
}

for url in "${urls[@]}"; do
  extra=()
  case $url in wss://*) extra=(--insecure) ;; esac
  for c in "${commands[@]}"; do
    read -r -a args <<<"$c"
    env=0
    if [ "${args[0]}" = env ]; then env=1; args=("${args[@]:1}"); fi
    check_run "btq ${args[*]} --url <$url> ${extra[*]}" -- "${args[@]}" --url "$url" "${extra[@]}"
    [ $env = 1 ] || continue
    BT_SUBTENSOR_CHAIN_ENDPOINT=$url check_run \
      "BT_SUBTENSOR_CHAIN_ENDPOINT=<$url> btq ${args[*]} ${extra[*]}" -- "${args[@]}" "${extra[@]}"
  done
done

# a node that accepts the connection and never answers: the timeout messages name it redacted
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True: conns.append(s.accept()[0])
' >"$tmp/silent_port" &
silent_pid=$!
for _ in $(seq 100); do [ -s "$tmp/silent_port" ] && break; sleep 0.1; done
silent=$(cat "$tmp/silent_port")
for c in "rpc --timeout 1 system_chain" "balance --timeout 1 $ALICE" "block --json --timeout 1"; do
  read -r -a args <<<"$c"
  "$BTQ_CLI" "${args[@]}" --url "ws://127.0.0.1:$silent/?api_key=$APIKEY" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  checked=$((checked + 1))
  if { [ $rc != 7 ] && [ $rc != 5 ]; } || grep -qF -- "$APIKEY" "$tmp/out" "$tmp/err" ||
    ! grep -qF "ws://127.0.0.1:$silent/?***" "$tmp/err"; then
    echo "FAIL: btq ${args[*]} --url <silent node with an API key>: exit $rc"
    sed 's/^/  stderr: /' "$tmp/err"
    failures=$((failures + 1))
  fi
done
kill "$silent_pid" 2>/dev/null
wait "$silent_pid" 2>/dev/null

# an environment value that is no URL at all is named in a usage error, redacted too
BT_SUBTENSOR_CHAIN_ENDPOINT="alice:$PASSWORD@127.0.0.1?api_key=$APIKEY" \
  expect 2 "" "btq balance: BT_SUBTENSOR_CHAIN_ENDPOINT='***@127.0.0.1?***' is neither a ws:// or wss:// URL nor a network name
" -- balance "$ALICE"
# the exact redacted forms of both failure paths
expect 5 "" "btq balance: cannot use endpoint 'ws://***@127.0.0.1:$closed_port/ws?***': invalid endpoint URL: ws://***@127.0.0.1:$closed_port/ws?***
" -- balance --url "${urls[0]}" "$ALICE"
expect 5 "" "btq rpc: ws://127.0.0.1:$closed_port/ws?***: connection failed
" -- rpc --url "${urls[1]}" system_chain

if [ "$failures" -ne 0 ]; then echo "$failures failure(s) in $checked runs"; exit 1; fi
echo "no URL secret printed in $checked runs"
