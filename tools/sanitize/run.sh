#!/usr/bin/env bash
# Sanitizer stages of the test command (native/README.md, "Sanitizers and stress").
#   tools/sanitize/run.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer build in build/asan,
#                                then the whole CTest suite
#   tools/sanitize/run.sh tsan   ThreadSanitizer build in build/tsan, then the multi-threaded tests
#                                (CTest label "threads": the stress binary and the API tests that
#                                run on more than one thread or churn handles)
# Any report fails its test: the runtimes stop at the first one (halt_on_error, abort_on_error), UBSan
# does not recover (-fno-sanitize-recover=all), LeakSanitizer runs at every test's exit. No
# suppression file: every report is a bug to fix. CTest's own summary line ("100% tests passed, 0
# tests failed out of N") is printed, so the build driver's counters pick it up; the exit status is nonzero
# on any failure (configure, build or test).
# Environment: CC/CXX pick the compiler on the first configure (default: the system's, g++);
# JOBS (default: nproc) for the build and for CTest.
set -euo pipefail
MODE="${1:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-$(nproc)}"

case "$MODE" in
  asan)
    SANITIZE="address,undefined"
    TARGETS=()            # everything: the whole suite runs
    CTEST_SELECT=()
    ;;
  tsan)
    SANITIZE="thread"
    TARGETS=(--target isn_api_tests isn_stress_tests)   # the binaries holding the "threads" tests
    CTEST_SELECT=(-L '^threads$')
    ;;
  *) echo "usage: $0 asan|tsan" >&2; exit 2 ;;
esac
BUILD="$ROOT/build/$MODE"

# The runtimes' options, also in force while the build runs the test binaries to list their tests.
# asan: stop at the first error, abort (CTest reports the crash), leaks checked at exit; the init-order
# checks catch a static initialiser reading another translation unit's object too early.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:second_deadlock_stack=1"

log() { printf '\n==> %s\n' "$*" >&2; }
t0=$(date +%s)
log "sanitize $MODE: configure + build ($BUILD, -fsanitize=$SANITIZE)"
# -O1 -g1: what a sanitizer report needs (stack frames with file and line; ASan's own advice is -O1), built
# in about two thirds of the time of RelWithDebInfo's -O2 -g.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISN_SANITIZE="$SANITIZE" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DISN_ENABLE_HIP=OFF -DISN_ENABLE_CUDA=OFF -DISN_GPU_EMULATION=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" ${TARGETS[@]+"${TARGETS[@]}"}
t1=$(date +%s)

log "sanitize $MODE: CTest ${CTEST_SELECT[*]:-(whole suite)}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
rc=0
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" --timeout 600 ${CTEST_SELECT[@]+"${CTEST_SELECT[@]}"} 2>&1 | tee "$out" || rc=$?
t2=$(date +%s)
if ! grep -q -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$out"; then
  echo "sanitize $MODE: CTest ran no tests"; rc=1
fi
echo "sanitize $MODE: build $((t1 - t0)) s, tests $((t2 - t1)) s"
exit "$rc"
