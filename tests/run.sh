#!/usr/bin/env bash
# Installs what the tests need, builds Gureum and runs every test.
#   ./tests/run.sh              everything (unit, integration, e2e with real VMs)
#   GUREUM_SANITIZE=1 ./tests/run.sh   the same under ASan + UBSan (build-asan/)
#   GUREUM_TEST_LABELS=unit ./tests/run.sh   only tests with that ctest label
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./deploy/install-deps.sh
./deploy/start-libvirt.sh

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGUREUM_BUILD_TESTS=ON)
if [ "${GUREUM_SANITIZE:-0}" = 1 ]; then
  build_dir=build-asan
  # The benchmarks are not run under the sanitizers: not built there either,
  # nor the end-to-end tests unless the labels ask for them. -O1 -g1 (line
  # tables: enough for symbolised reports) compiles faster than -O2 -g.
  cmake_args+=(-DGUREUM_SANITIZE=ON -DGUREUM_BUILD_BENCH=OFF
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
  case "${GUREUM_TEST_LABELS:-e2e}" in
    *e2e*) ;;
    *) cmake_args+=(-DGUREUM_BUILD_E2E=OFF) ;;
  esac
fi
jobs=$(nproc)
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs"

# The tiny guest image the end-to-end tests boot (built from Debian packages).
./deploy/images/build-tiny-image.sh --out "$root/build/images"

export GUREUM_IMAGES_DIR="$root/build/images"
ctest_args=(--test-dir "$build_dir" --output-on-failure --timeout 600)
[ -n "${GUREUM_TEST_LABELS:-}" ] && ctest_args+=(-L "$GUREUM_TEST_LABELS")
ctest "${ctest_args[@]}" -j "$jobs"
