# Sourced by the CLI golden tests (test_cli_*.sh): the btq binary, a scratch folder, a failure
# counter and `expect`, which checks one command's exact exit code, stdout and stderr.
: "${BTQ_CLI:?BTQ_CLI must point at the btq binary}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0

# expect EXIT STDOUT STDERR -- ARGS...   (STDOUT/STDERR exact, each line newline-terminated;
# standard input from the file named by $STDIN, else /dev/null)
expect() {
  local want_rc=$1 want_out=$2 want_err=$3; shift 4
  "$BTQ_CLI" "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"; local rc=$?
  printf '%s' "$want_out" >"$tmp/want_out"; printf '%s' "$want_err" >"$tmp/want_err"
  if [ "$rc" != "$want_rc" ] || ! cmp -s "$tmp/out" "$tmp/want_out" || ! cmp -s "$tmp/err" "$tmp/want_err"; then
    echo "FAIL: btq $*"; echo "  exit $rc, want $want_rc"
    diff -u "$tmp/want_out" "$tmp/out" | sed 's/^/  stdout /'
    diff -u "$tmp/want_err" "$tmp/err" | sed 's/^/  stderr /'
    failures=$((failures + 1))
  fi
}
