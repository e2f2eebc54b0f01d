#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (TOKENFAB_SANITIZE, g++'s runtimes), in build-asan beside build.
#   bash scripts/sanitize.sh            every test (builds everything: about 40 min on 2 cores)
#   bash scripts/sanitize.sh --subset   the tests labelled `sanitize`, the parsers' unit tests
#                                       (core, workloads, serving config, LPU assembly): what CI
#                                       runs; builds only their programs (about 4 min on 2 cores)
#   bash scripts/sanitize.sh -L unit    every test of a CTest label (builds everything)
# Any sanitizer report fails the test that triggered it. Leak checking is
# off: Debian's SystemC library is not instrumented and keeps its kernel's
# allocations to the end of the process, which LeakSanitizer would report
# for every simulation (the project's own allocations are RAII).
set -euo pipefail
cd "$(dirname "$0")/.."
subset=0
if [ "${1:-}" = "--subset" ]; then
  subset=1
  shift
fi
bash scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENFAB_SANITIZE=ON -DTOKENFAB_BUILD_BENCH=OFF >/dev/null
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [ "$subset" -eq 1 ]; then
  cmake --build build-asan -j2 --target sanitize_tests
  ctest --test-dir build-asan -j2 --output-on-failure -L sanitize "$@"
else
  cmake --build build-asan -j2
  ctest --test-dir build-asan -j2 --output-on-failure "$@"
fi
