#!/usr/bin/env bash
# Run the unit and scenario tests under valgrind memcheck (the CI step, issue 7).
#
#   tools/valgrind.sh [BUILD_DIR] [-j N] [-R REGEX]
#
# BUILD_DIR is an already built, non-sanitized build (default build/gcc, the one tools/test.sh
# builds first); nothing is rebuilt. The tests to run are read from that build's ctest list
# (`ctest --show-only=json-v1`: command, environment, working directory), so a new
# tests/**/test_*.c is picked up automatically. Each Check executable runs under memcheck with
#
#   CK_FORK=no                 every test case runs in the valgrind process itself (in Check's
#                              default fork mode the code under test would run in children and
#                              the leak check would only see the runner);
#   BTQ_TEST_TIME_SCALE        (default 10) scales the waits and deadlines of the scenario and
#                              client test helpers, because everything is 10-50x slower here;
#   --trace-children=yes       the CLI and example programs the tests start through system() /
#                              popen() run under memcheck too (their own log files);
#   --errors-for-leak-kinds=definite,indirect and --error-exitcode: an invalid access, a use of
#                              uninitialised memory or a definitely/indirectly lost block fails.
#
# Any process (test, shell, CLI) whose log has a nonzero ERROR SUMMARY fails the run, as does a
# failing test. (A log without a summary is a shell that exec'd an untraced program, such as
# `sh -c openssl ...`; that program's exit status still reaches the test.) Logs go to BUILD_DIR/valgrind/. Third-party suppressions (only libwebsockets,
# OpenSSL, glibc) are in tools/valgrind.supp, each with its reason.
#
# Every Check executable (tests/**/test_*.c) runs, except those in $exclude below. Not run
# under valgrind, and why:
#   rpc/test_real_node  starts a Chopsticks node (node.js, tens of seconds to boot even
#       natively); it exercises the transport code the mock-node scenario tests drive here, and
#       its timing depends on an external process valgrind cannot slow down consistently.
#   shell-driven tests (tests/**/test_*.sh): cli/* golden tests, client/test_real_node_client
#       (Chopsticks again), bench/test_bench_smoke and rpc/test_soak_short (benchmark and soak
#       programs, timing-bound by design), install/* and lint/* (build and formatting checks).
#       The CLI code the golden tests run (decode, encode, metadata, hash, key, ss58) is the
#       codec the unit tests cover here, and the CLI binary itself runs under memcheck through
#       client/test_client_cli and rpc/test_rpc_cli (--trace-children).
#   fuzz/*  only exist in the sanitizer build; libFuzzer does not run under valgrind.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=""
jobs=$(nproc 2>/dev/null || echo 2)
filter=""
while (($#)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    -R) filter=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) build=$1; shift ;;
  esac
done
build=$(cd "${build:-$root/build/gcc}" && pwd)
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }
if grep -q '^BTQ_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "valgrind.sh: $build is a sanitizer build; use a plain one (build/gcc)" >&2
  exit 1
fi

exclude='^(rpc/test_real_node)$'
logdir=$build/valgrind
rm -rf "$logdir"
mkdir -p "$logdir"

export BTQ_VALGRIND_ROOT=$root BTQ_VALGRIND_BUILD=$build BTQ_VALGRIND_LOGS=$logdir
export BTQ_VALGRIND_JOBS=$jobs BTQ_VALGRIND_FILTER=$filter BTQ_VALGRIND_EXCLUDE=$exclude
export BTQ_TEST_TIME_SCALE=${BTQ_TEST_TIME_SCALE:-10}
exec python3 - <<'EOF'
import concurrent.futures, json, os, re, subprocess, sys, time

root = os.environ["BTQ_VALGRIND_ROOT"]
build = os.environ["BTQ_VALGRIND_BUILD"]
logdir = os.environ["BTQ_VALGRIND_LOGS"]
jobs = max(1, int(os.environ["BTQ_VALGRIND_JOBS"]))
flt = os.environ["BTQ_VALGRIND_FILTER"]
exclude = re.compile(os.environ["BTQ_VALGRIND_EXCLUDE"])

listing = json.loads(subprocess.run(["ctest", "--show-only=json-v1"], cwd=build, check=True,
                                    capture_output=True, text=True).stdout)
tests = []
for t in listing["tests"]:
    name = t["name"]
    cmd = t.get("command") or []
    # Check executables only: shell-driven tests (bash test_*.sh) are listed as not run above
    if len(cmd) != 1 or not os.path.basename(cmd[0]).split("_", 1)[-1].startswith("test_"):
        continue
    if exclude.match(name) or (flt and not re.search(flt, name)):
        continue
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    env = dict(os.environ)
    for kv in props.get("ENVIRONMENT", []):
        k, _, v = kv.partition("=")
        env[k] = v
    env["CK_FORK"] = "no"
    env["CK_DEFAULT_TIMEOUT"] = "1200"
    tests.append((name, cmd, env, props.get("WORKING_DIRECTORY", build)))

# The slowest under memcheck first, so two workers finish together.
slow = ["rpc/test_scenario_tls", "client/test_client_cli", "scale/test_metadata_files",
        "scale/test_conformance_recorded", "scale/test_conformance_differential", "client/test_client_recorded",
        "scale/test_value_metadata", "scale/test_conformance_metadata"]
tests.sort(key=lambda t: slow.index(t[0]) if t[0] in slow else len(slow))

vg = ["valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
      "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
      "--num-callers=40", "--track-origins=no", "--trace-children=yes",
      # the shell and env(1) that system()/popen() start are traced (so the program they start
      # is), but nothing of ours runs in node, python or the compilers some tests call
      "--trace-children-skip=*/node,*/nodejs,*/npx,*/python3*,*/cc,*/gcc,*/clang*,*/cmake,"
      "*/openssl,*/pkg-config",
      "--suppressions=" + os.path.join(root, "tools", "valgrind.supp"),
      "--gen-suppressions=all"]

def run(t):
    name, cmd, env, cwd = t
    stem = name.replace("/", "_")
    log = os.path.join(logdir, stem + ".%p.vg")
    out = os.path.join(logdir, stem + ".out")
    start = time.monotonic()
    with open(out, "wb") as fh:
        try:
            rc = subprocess.run(vg + ["--log-file=" + log] + cmd, env=env, cwd=cwd, stdout=fh,
                                stderr=subprocess.STDOUT, timeout=1500).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    return name, stem, rc, time.monotonic() - start

summary = re.compile(r"ERROR SUMMARY: (\d+) errors")
failed = []
t0 = time.monotonic()
print(f"valgrind: {len(tests)} tests, {jobs} at a time, logs in {logdir}", flush=True)
with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    for name, stem, rc, secs in pool.map(run, tests):
        bad = []
        for f in sorted(os.listdir(logdir)):
            if f.startswith(stem + ".") and f.endswith(".vg"):
                text = open(os.path.join(logdir, f), errors="replace").read()
                m = summary.findall(text)
                # no summary: the process exec'd a program that is not traced (sh -c openssl)
                if m and int(m[-1]) != 0:
                    bad.append(f"{f} ({m[-1]} errors)")
        ok = rc == 0 and not bad
        print(f"{'ok  ' if ok else 'FAIL'} {name:45s} {secs:7.1f} s"
              + ("" if rc == 0 else f"  exit {rc}"), flush=True)
        if not ok:
            failed.append(name)
            for b in bad:
                print(f"     memcheck: {os.path.join(logdir, b.split(' ')[0])} {b[b.find(' '):]}")
            if rc != 0:
                print(f"     output: {os.path.join(logdir, stem + '.out')}")
print(f"valgrind: {len(tests) - len(failed)}/{len(tests)} clean in "
      f"{time.monotonic() - t0:.0f} s")
if failed:
    for name in failed:
        stem = name.replace("/", "_")
        sys.stdout.write(f"\n==== {name}: output tail ====\n")
        sys.stdout.write("".join(open(os.path.join(logdir, stem + ".out"),
                                      errors="replace").readlines()[-30:]))
        for f in sorted(os.listdir(logdir)):
            if f.startswith(stem + ".") and f.endswith(".vg"):
                text = open(os.path.join(logdir, f), errors="replace").read()
                m = summary.findall(text)
                if m and int(m[-1]) != 0:
                    sys.stdout.write(f"\n==== {f} ====\n" + text[-12000:])
    sys.exit(1)
EOF
