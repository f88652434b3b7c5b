#!/usr/bin/env bash
# Every C source and header in the tree follows .clang-format.
set -euo pipefail
cd "${BTQ_SOURCE_DIR:?}"
command -v clang-format >/dev/null || { echo "clang-format missing"; exit 1; }
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then echo "not formatted: $f"; bad=1; fi
done < <(find include scale src tests examples bench fuzz tools -name '*.[ch]' 2>/dev/null)
exit $bad
