#!/usr/bin/env bash
# Builds the libFuzzer harnesses of the C API (native/fuzz, build/fuzz) with
# clang-15 and runs them side by side, each for SECONDS (default 60), on a temporary copy of its
# committed seed corpus (native/fuzz/corpus/<harness>; never written to).
#   tools/fuzz/run-native.sh [SECONDS]
# Prints `fuzz <harness>: N runs, K findings (...)` per harness and
# `fuzz: P passed, F failed` at the end; exits 1 on any finding (crash,
# sanitizer report, leak, timeout, out-of-memory, invariant violation), with
# the input that triggered it kept under build/fuzz/artifacts/ and its path
# printed. Exits 77 (nothing run) when no Clang with libFuzzer is installed.
# Environment: ISN_FUZZ_CC / ISN_FUZZ_CXX (default clang-15 / clang++-15),
#              ISN_FUZZ_HARNESSES (default "batch agent_set context").
# Reproduce a finding: build/fuzz/native/fuzz/fuzz_<harness> <artifact>.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SECS="${1:-60}"
case "$SECS" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
BUILD="$ROOT/build/fuzz"
ARTIFACTS="$BUILD/artifacts"
LOGS="$BUILD/logs"
CC_BIN="${ISN_FUZZ_CC:-clang-15}"
CXX_BIN="${ISN_FUZZ_CXX:-clang++-15}"
HARNESSES="${ISN_FUZZ_HARNESSES:-batch agent_set context}"

if ! command -v "$CC_BIN" >/dev/null || ! command -v "$CXX_BIN" >/dev/null; then
  echo "fuzz: skipped: $CXX_BIN not found (Debian: apt-get install clang-15; its libclang-common-15-dev has libFuzzer)"
  exit 77
fi
if ! command -v cmake >/dev/null; then echo "fuzz: skipped: cmake not found"; exit 77; fi

echo "==> fuzz: configure + build ($BUILD, $CXX_BIN, ASan + UBSan + libFuzzer)" >&2
mkdir -p "$BUILD" "$ARTIFACTS" "$LOGS"
if ! CC="$CC_BIN" CXX="$CXX_BIN" cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISN_BUILD_FUZZERS=ON \
      -DISN_BUILD_TESTS=OFF -DISN_BUILD_BENCHMARKS=OFF -DISN_ENABLE_HIP=OFF -DISN_ENABLE_CUDA=OFF \
      -DISN_GPU_EMULATION=OFF >"$LOGS/configure.log" 2>&1; then
  tail -20 "$LOGS/configure.log"; echo "fuzz: configure failed ($LOGS/configure.log)"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi
targets=(); for h in $HARNESSES; do targets+=(--target "fuzz_$h"); done
if ! cmake --build "$BUILD" "${targets[@]}" -j"$(nproc)" >"$LOGS/build.log" 2>&1; then
  grep -E 'error|Error' "$LOGS/build.log" | head -20; echo "fuzz: build failed ($LOGS/build.log)"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi

# Every sanitizer report is fatal; leaks are findings (libFuzzer checks them per input).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# The harnesses fuzz at the same time, one process each (libFuzzer runs one thread): the stage takes
# SECONDS, not SECONDS per harness.
declare -A pid work before
for h in $HARNESSES; do
  work[$h]="$(mktemp -d "${TMPDIR:-/tmp}/isn-fuzz-$h.XXXXXX")"
  [ -d "native/fuzz/corpus/$h" ] && cp -R "native/fuzz/corpus/$h/." "${work[$h]}/"
  before[$h]="$(ls "$ARTIFACTS" 2>/dev/null | grep "^$h-" | sort)"
  "$BUILD/native/fuzz/fuzz_$h" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix="$ARTIFACTS/$h-" "${work[$h]}" >"$LOGS/fuzz_$h.log" 2>&1 &
  pid[$h]=$!
done

passed=0; failed=0
for h in $HARNESSES; do
  exe="$BUILD/native/fuzz/fuzz_$h"
  log="$LOGS/fuzz_$h.log"
  wait "${pid[$h]}"
  rc=$?
  rm -rf "${work[$h]}"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)"
  artifact="$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
  if [ -z "$artifact" ]; then  # a new file in the artifacts folder (e.g. an OOM or timeout unit)
    artifact="$(comm -13 <(printf '%s\n' "${before[$h]}") <(ls "$ARTIFACTS" | grep "^$h-" | sort) | head -1)"
    [ -n "$artifact" ] && artifact="$ARTIFACTS/$artifact"
  fi
  if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
    echo "fuzz $h: ${runs:-0} runs, 0 findings (${cov:-cov: ?}, ${speed:-?} exec/s, ${SECS} s)"
    passed=$((passed + 1))
  else
    what="$(grep -E '^SUMMARY:|fuzz invariant violated|ERROR: libFuzzer' "$log" | head -2 | tr '\n' ' ')"
    echo "fuzz $h: ${runs:-0} runs, 1 findings (exit $rc) ${what}"
    echo "  artifact: ${artifact:-none}   log: $log"
    echo "  reproduce: $exe ${artifact:-<artifact>}"
    grep -E 'fuzz invariant violated|last error message|runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer' "$log" | head -6 | sed 's/^/  /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
