#!/usr/bin/env bash
# Fails if any project C++ file is not clang-formatted (.clang-format at the root).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=()
while IFS= read -r f; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cc' '*.h')
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not clang-formatted (run clang-format -i):\n'; printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: all $(git ls-files '*.cc' '*.h' | wc -l) files formatted"
