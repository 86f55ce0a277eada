#!/usr/bin/env bash
# Builds Gureum's libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in
# build-fuzz/ and runs each one for a bounded time. See docs/fuzzing.md.
#   ./tests/fuzz/run.sh                          every target, 20 s each (CI)
#   GUREUM_FUZZ_SECONDS=600 ./tests/fuzz/run.sh  every target, 10 min each
#   ./tests/fuzz/run.sh yaml_quote_fuzz ...      only the targets named
# Each target starts from its seeds (tests/fuzz/corpus/<target>) plus what
# earlier runs in this build dir found (build-fuzz/fuzz-corpus/<target>).
# An input that crashes a target or fails one of its checks is saved as
# build-fuzz/fuzz-findings/<target>/crash-<sha1>; the script then fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

seconds=${GUREUM_FUZZ_SECONDS:-20}
jobs=${GUREUM_FUZZ_BUILD_JOBS:-$(nproc)}
build_dir=build-fuzz

./deploy/install-deps.sh  # clang and its libFuzzer runtime among the rest

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGUREUM_FUZZ=ON -DGUREUM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$jobs" --target gureum_fuzzers

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for seeds in tests/fuzz/corpus/*/; do
    t=$(basename "$seeds")
    [ -x "$build_dir/fuzz/$t" ] && targets+=("$t")
  done
fi

# Leak checking is off for the reason .ci/run gives (process-lifetime
# allocations in gRPC/protobuf); memory errors and UB still fail the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${targets[@]}"; do
  corpus="$root/$build_dir/fuzz-corpus/$t"
  findings="$root/$build_dir/fuzz-findings/$t"
  log="$root/$build_dir/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  echo "fuzz: $t for ${seconds}s"
  status=0
  "$build_dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/" \
    "$corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    summary+=("$(printf '%-28s FAILED  see %s and %s' "$t" "$log" "$findings")")
    grep -E 'ERROR|FUZZ_CHECK|runtime error|SUMMARY' "$log" | head -20 || true
  else
    summary+=("$(printf '%-28s ok  %10s execs  %7s/s  %5s corpus files' "$t" "${execs:-?}" \
      "${speed:-?}" "$units")")
  fi
done

echo "fuzz: ${seconds}s per target"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
