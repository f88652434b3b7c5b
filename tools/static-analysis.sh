#!/usr/bin/env bash
# Static analysis, as CI runs it (issue 7): clang-tidy with the checked-in .clang-tidy and
# cppcheck with tools/cppcheck/ (options below, btq.cfg, suppressions.txt) over every C file of
# the project — library, CLI, tests, bench, fuzz targets, examples — and the project headers
# they include. Any finding of either tool fails the run.
#
#   tools/static-analysis.sh [-j N] [--tidy-only | --cppcheck-only] [FILE...]
#
# The compile commands come from a configure-only CMake tree (build/static-analysis: clang,
# Debug so assert() is visible to the analyzer, BTQ_FUZZ=ON so the fuzz targets are in it);
# nothing is compiled. A file that is in several targets (scale/*.c is in btq_scale,
# btq_objects and btq_fuzzlib) is analysed once, with the library's flags. Every *.c under
# the source folders must be in the database (or in $extra below), so no file escapes.
# With FILE arguments only those files are analysed (handy while fixing findings).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
run_tidy=1 run_cppcheck=1
files=()
while (($#)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --tidy-only) run_cppcheck=0; shift ;;
    --cppcheck-only) run_tidy=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) files+=("$(realpath "$1")"); shift ;;
  esac
done
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
[ -n "$tidy" ] || { echo "static-analysis: clang-tidy is not installed" >&2; exit 1; }
command -v cppcheck >/dev/null || { echo "static-analysis: cppcheck is not installed" >&2; exit 1; }

bdir=$root/build/static-analysis
db=$bdir/db
shared=${BTQ_SHARED_DIR:-$root/../shared}
cmake -S . -B "$bdir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DBTQ_FUZZ=ON \
  -DBTQ_SHARED_DIR="$shared" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
mkdir -p "$db"

# One entry per file (the library's flags preferred), plus the C files that are compiled
# outside CMake (the install test's program), and a check that nothing is missing.
python3 - "$root" "$bdir/compile_commands.json" "$db" <<'EOF'
import json, os, subprocess, sys
root, src_db, out = sys.argv[1:4]
entries = json.load(open(src_db))
def rank(e):
    c = e.get("command") or " ".join(e.get("arguments", []))
    return ("btq_objects" in c) * 2 + ("fuzzer-no-link" not in c)
best = {}
for e in entries:
    f = os.path.realpath(os.path.join(e["directory"], e["file"]))
    if f not in best or rank(e) > rank(best[f]):
        best[f] = dict(e, file=f)
# compiled by tests/install/test_install_pkgconfig.sh against the installed headers
extra = ["tests/install/outside_program.c"]
for rel in extra:
    f = os.path.join(root, rel)
    best[f] = {"directory": root, "file": f,
               "command": f"clang -std=c11 -I{root}/include -c {f} -o /dev/null"}
tracked = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others",
                          "--exclude-standard", "*.c"], capture_output=True, text=True,
                         check=True).stdout.split()
missing = [t for t in tracked if not t.startswith("build/")
           and os.path.realpath(os.path.join(root, t)) not in best]
if missing:
    sys.exit("static-analysis: C files not in the compile database (add them to a target or "
             "to extra in tools/static-analysis.sh): " + " ".join(missing))
json.dump(sorted(best.values(), key=lambda e: e["file"]),
          open(os.path.join(out, "compile_commands.json"), "w"), indent=1)
open(os.path.join(out, "files"), "w").write("".join(f + "\0" for f in sorted(best)))
EOF
if ((${#files[@]})); then
  printf '%s\0' "${files[@]}" >"$db/files"
fi
nfiles=$(tr -cd '\0' <"$db/files" | wc -c)
status=0

if ((run_tidy)); then
  echo "== clang-tidy ($($tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1)): $nfiles files, $jobs at a time =="
  start=$SECONDS
  # Project headers are checked where they are included (each reported once below).
  hdr="^$root/(include|scale|src|tests|bench|fuzz|examples)/"
  set +e
  xargs -0 -P"$jobs" -n4 "$tidy" -p "$db" --quiet --header-filter="$hdr" \
    <"$db/files" >"$db/clang-tidy.log" 2>"$db/clang-tidy.err"
  rc=$?
  set -e
  # The findings, each once (a header's finding is reported by every file that includes it).
  python3 - "$db/clang-tidy.log" <<'EOF'
import re, sys
seen, out, cur = set(), [], None
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^(/\S+:\d+:\d+): (warning|error): ", line)
    if m:
        cur = line if line not in seen else None
        if cur: seen.add(line); out.append(line)
    elif cur is not None:
        out.append(line)
sys.stdout.write("".join(out))
print(f"clang-tidy: {len(seen)} finding(s)")
EOF
  if ((rc != 0)); then
    grep -v 'warnings generated\|^Suppressed\|Use -header-filter\|^Error while processing\|treated as error' \
      "$db/clang-tidy.err" | head -40 || true
    echo "clang-tidy: FAILED (exit $rc) in $((SECONDS - start)) s"
    status=1
  else
    echo "clang-tidy: clean in $((SECONDS - start)) s"
  fi
fi

if ((run_cppcheck)); then
  echo "== cppcheck ($(cppcheck --version | cut -d' ' -f2)): $nfiles files =="
  start=$SECONDS
  # cppcheck reads its file list from the database; a FILE subset is a filtered copy.
  python3 - "$db" <<'EOF'
import json, os, sys
db = sys.argv[1]
want = set(f for f in open(os.path.join(db, "files")).read().split("\0") if f)
entries = [e for e in json.load(open(os.path.join(db, "compile_commands.json")))
           if e["file"] in want]
json.dump(entries, open(os.path.join(db, "cppcheck_commands.json"), "w"), indent=1)
EOF
  mkdir -p "$db/cppcheck-build"
  set +e
  cppcheck --project="$db/cppcheck_commands.json" --cppcheck-build-dir="$db/cppcheck-build" \
    --enable=warning,style,performance,portability --std=c11 --platform=unix64 \
    --library=posix --library="$root/tools/cppcheck/btq.cfg" \
    --suppressions-list="$root/tools/cppcheck/suppressions.txt" --inline-suppr \
    --error-exitcode=1 --quiet -j"$jobs" \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]\n{code}' \
    -i"$root/build" 2>"$db/cppcheck.log"
  rc=$?
  set -e
  cat "$db/cppcheck.log"
  if ((rc != 0)); then
    echo "cppcheck: FAILED (exit $rc) in $((SECONDS - start)) s"
    status=1
  else
    echo "cppcheck: clean in $((SECONDS - start)) s"
  fi
fi
exit $status
