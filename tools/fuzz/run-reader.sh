#!/usr/bin/env bash
# Fuzzes the system-file reader (IsingSystemFile.Load/Parse) for SECONDS under libFuzzer.
#
#   tools/fuzz/run-reader.sh SECONDS
#
# Builds what it needs, idempotently: the libFuzzer driver (tools/fuzz/dotnet-driver.c, with
# clang -fsanitize=fuzzer), the SharpFuzz command-line tool (NuGet, into build/fuzz-tools),
# the fuzz target (tests/IsingNative.Fuzz), and an instrumented copy of IsingNative.dll
# under build/fuzz-reader/inst (the product build is never instrumented). Then:
#   1. replays the committed seed corpus through the target (every seed accepted or
#      rejected cleanly),
#   2. fuzzes for SECONDS from a temporary copy of the corpus with the JSON dictionary.
# Prints "fuzz reader: N runs, K findings" and "fuzz: P passed, F failed"; exits 1 on any
# finding, keeping the input under build/fuzz-reader/artifacts/ (its path is printed;
# reproduce with: dotnet build/fuzz-reader/inst/IsingNative.Fuzz.dll replay PATH).
# Needs: dotnet (SDK 10), clang with libFuzzer (Debian/Ubuntu: clang-15, whose
# libclang-common-15-dev holds libclang_rt.fuzzer), network access to NuGet on first use.
# CLANG=... picks the compiler; CONFIG=Release|Debug (default Release, as build.sh);
# FUZZ_MAX_LEN (default 16384) bounds the input length.
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^[0-9]+$ || $1 -lt 1 ]]; then
  echo "usage: $0 SECONDS" >&2
  exit 2
fi
seconds=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/build/fuzz-reader
tools=$root/build/fuzz-tools
project=$root/tests/IsingNative.Fuzz
corpus=$project/corpus
dict=$project/system-file.dict
max_len=${FUZZ_MAX_LEN:-16384}
config=${CONFIG:-Release}
sharpfuzz_version=2.3.0
passed=0
failed=0
mkdir -p "$out/artifacts" "$tools"

summary() {
  echo "fuzz: $passed passed, $failed failed"
}
fail_setup() {
  echo "fuzz reader: $1" >&2
  failed=$((failed + 1))
  summary
  exit 1
}

# ---- the libFuzzer driver -------------------------------------------------------------
driver=$out/dotnet-driver
if [[ ! -x $driver || $root/tools/fuzz/dotnet-driver.c -nt $driver ]]; then
  cc=
  for candidate in ${CLANG:-} clang-15 clang-19 clang-18 clang-17 clang-16 clang-14 clang; do
    if command -v "$candidate" >/dev/null 2>&1; then cc=$candidate; break; fi
  done
  [[ -n $cc ]] || fail_setup "no clang found (install clang-15, or set CLANG)"
  "$cc" -O1 -g -Wall -Wextra -fsanitize=fuzzer "$root/tools/fuzz/dotnet-driver.c" -o "$driver.tmp" ||
    fail_setup "$cc cannot build the driver with -fsanitize=fuzzer (is libFuzzer installed? Debian: libclang-common-15-dev)"
  mv "$driver.tmp" "$driver"
fi

# ---- SharpFuzz's instrumentation tool -------------------------------------------------
if [[ ! -x $tools/sharpfuzz || ! -d $tools/.store/sharpfuzz.commandline/$sharpfuzz_version ]]; then
  rm -f "$tools/sharpfuzz"
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version "$sharpfuzz_version" >/dev/null ||
    fail_setup "cannot install the SharpFuzz.CommandLine $sharpfuzz_version tool into $tools"
fi

# ---- the target, and its instrumented copy ---------------------------------------------
build_start=$(date +%s)
if ! dotnet build "$project" -c "$config" --nologo -v quiet >"$out/build.log" 2>&1; then
  cat "$out/build.log" >&2
  fail_setup "dotnet build $project failed"
fi
bin=$project/bin/$config/net10.0
rm -rf "$out/inst"
cp -R "$bin" "$out/inst"
# Only the library's own code is instrumented (its namespaces all start with IsingNative).
"$tools/sharpfuzz" "$out/inst/IsingNative.dll" IsingNative >/dev/null ||
  fail_setup "sharpfuzz could not instrument $out/inst/IsingNative.dll"
echo "fuzz reader: built in $(( $(date +%s) - build_start )) s"
target_dll=$out/inst/IsingNative.Fuzz.dll

work=$(mktemp -d "${TMPDIR:-/tmp}/ising-fuzz-reader.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- 1. the seed corpus replays cleanly ------------------------------------------------
if ISING_FUZZ_WORK=$work dotnet "$target_dll" replay "$corpus"; then
  passed=$((passed + 1))
else
  echo "fuzz reader: a committed seed breaks the reader's contract (above)" >&2
  failed=$((failed + 1))
fi

# ---- 2. fuzzing ------------------------------------------------------------------------
mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
prefix=$out/artifacts/$(date -u +%Y%m%dT%H%M%S)-
log=$out/last-run.log
set +e
# The target's heap is capped (2 GiB), so an input that makes the reader allocate without
# bound ends as an OutOfMemoryException finding rather than as pressure on the machine.
ISING_FUZZ_TARGET=dotnet ISING_FUZZ_TARGET_ARG=$target_dll ISING_FUZZ_WORK=$work DOTNET_GCHeapHardLimit=0x80000000 \
  "$driver" -max_total_time="$seconds" -timeout=10 -max_len="$max_len" -dict="$dict" \
  -artifact_prefix="$prefix" -print_final_stats=1 -print_pcs=0 -reload=0 \
  "$work/corpus" >"$log" 2>&1
rc=$?
set -e

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
shopt -s nullglob
artifacts=("$prefix"*)
shopt -u nullglob
findings=${#artifacts[@]}
if [[ $rc -ne 0 && $findings -eq 0 ]]; then findings=1; fi
grown=$(find "$work/corpus" -type f | wc -l)
echo "fuzz reader: ${runs:-0} runs, $findings findings (${speed:-0} exec/s, corpus $grown inputs, ${seconds} s; log $log)"
if [[ $findings -eq 0 ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  grep -E 'FuzzFinding|Exception|dotnet-driver:|ERROR: libFuzzer|ALARM|SUMMARY' "$log" | head -n 30 >&2 || true
  for a in "${artifacts[@]}"; do
    echo "fuzz reader: finding kept at $a (replay: dotnet $target_dll replay $a)" >&2
  done
  [[ ${#artifacts[@]} -gt 0 ]] || { echo "fuzz reader: libFuzzer exited with $rc; see $log" >&2; tail -n 20 "$log" >&2; }
fi
summary
[[ $failed -eq 0 ]]
