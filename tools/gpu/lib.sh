# Shared steps of tools/gpu/measure-nvidia.sh and measure-amd.sh (sourced, not
# run): timed steps that stop the whole run at the first failure, the test
# dependencies, configure + build, CTest, bench_gpu, bench_anneal and the
# staged `ising` command line.
#
# The results folder ($RESULTS) is kept to at most 8 files, because the
# device tool brings back at most 8 files from $OUT:
#   summary.txt       environment, each step's status and time, bench tables
#   bench_gpu.json    isn_bench_gpu --json rows {metric, value, unit, backend, device, ...}
#   bench_anneal.json Google Benchmark JSON of the CPU benchmarks (when built)
#   bench_cli.json    `ising bench --backend gpu --json` (when the CLI was staged)
#   ctest.log         the full CTest output
#   build.log         configure + build output (nvcc -Xptxas=-v register/spill lines)
#   resources.txt     the compiler's per-kernel resource usage for the device
#   logs.tar.gz       everything else (device queries, dependency builds)
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RESULTS="${OUT:-$ROOT/artifacts/gpu}"
# Everything else is written outside $RESULTS and packed into logs.tar.gz at
# the end, so a run killed from outside still leaves only the files above.
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/isn-gpu-logs.XXXXXX")"
START_S=$SECONDS
mkdir -p "$RESULTS" "$LOGS"
# A fresh set of results (steps append to their logs; never mix two runs).
rm -f "$RESULTS"/{summary.txt,bench_gpu.json,bench_anneal.json,bench_cli.json,ctest.log,build.log,resources.txt,logs.tar.gz}
: >"$RESULTS/summary.txt"

say() { printf '%s\n' "$*" | tee -a "$RESULTS/summary.txt" >&2; }

die() {
  say "FAILED: $*"
  pack_logs
  exit 1
}

# step NAME TIMEOUT_S LOGFILE CMD...: runs CMD with a time limit, output to
# LOGFILE (and the terminal); a failure or a timeout ends the run loudly.
step() {
  local name=$1 limit=$2 log=$3
  shift 3
  local t0=$SECONDS rc=0
  say "==> [$(elapsed)] $name (limit ${limit}s)"
  # Output to the log and to stderr (stdout may be a command substitution).
  set +e
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$log" >&2
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    die "$name timed out after ${limit}s (log: $(basename "$log"))"
  elif [ "$rc" -ne 0 ]; then
    tail -n 40 "$log" >&2 || true
    die "$name exited with status $rc (log: $(basename "$log"))"
  fi
  say "    $name: ok in $((SECONDS - t0)) s"
}

elapsed() { printf '%ss' "$((SECONDS - START_S))"; }

pack_logs() {
  if [ -d "$LOGS" ]; then
    tar -C "$LOGS" -czf "$RESULTS/logs.tar.gz" . 2>/dev/null || true
    rm -rf "$LOGS"
  fi
}

# Prints the CMake prefix path that makes GoogleTest (and, when staged,
# Google Benchmark) findable. A system GoogleTest is used as is; otherwise the
# sources staged by tools/gpu/stage-deps.sh (.gpu-deps/, carried to the
# device machine) are built once into $BUILD/_deps.
test_deps_prefix() {
  local build=$1 prefix="" staged="$ROOT/.gpu-deps"
  # ISN_GTEST=staged forces the staged sources (to check that path anywhere).
  if [ "${ISN_GTEST:-auto}" != staged ] && { [ -f /usr/include/gtest/gtest.h ] || [ -f /usr/local/include/gtest/gtest.h ]; }; then
    :
  elif [ -d "$staged/googletest" ]; then
    local gt="$build/_deps/gtest"
    if [ ! -f "$gt/install/include/gtest/gtest.h" ]; then
      step "GoogleTest (staged sources)" 240 "$LOGS/deps.log" bash -c "
        cmake -S '$staged/googletest' -B '$gt/build' -DCMAKE_BUILD_TYPE=Release -DBUILD_GMOCK=OFF -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
              -DINSTALL_GTEST=ON -DCMAKE_INSTALL_PREFIX='$gt/install' -DCMAKE_POSITION_INDEPENDENT_CODE=ON &&
        cmake --build '$gt/build' -j\"\$(nproc)\" && cmake --install '$gt/build'"
    fi
    prefix="$gt/install"
  elif [ "${ISN_SKIP_TESTS:-0}" = 1 ]; then
    say "    no GoogleTest: tests skipped (ISN_SKIP_TESTS=1)"
  else
    die "no GoogleTest on this machine and none staged: run tools/gpu/stage-deps.sh on the build machine and carry .gpu-deps (or set ISN_SKIP_TESTS=1)"
  fi
  if [ -d "$staged/benchmark" ]; then prefix="${prefix:+$prefix;}$staged/benchmark"; fi
  printf '%s' "$prefix"
}

# configure_and_build BUILD_DIR CMAKE_ARGS...
configure_and_build() {
  local build=$1
  shift
  local prefix gen=()
  prefix="$(test_deps_prefix "$build")" || exit 1
  command -v ninja >/dev/null && gen=(-G Ninja)
  local tests=ON
  [ "${ISN_SKIP_TESTS:-0}" = 1 ] && [ -z "$prefix" ] && tests=OFF
  # A build folder configured with another generator cannot be reused.
  if [ -f "$build/CMakeCache.txt" ] && ! grep -q "CMAKE_GENERATOR:INTERNAL=${gen[1]:-Unix Makefiles}" "$build/CMakeCache.txt"; then
    rm -rf "$build"
  fi
  step configure "${ISN_CONFIGURE_TIMEOUT:-180}" "$RESULTS/build.log" \
    cmake -S "$ROOT" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DISN_BUILD_TESTS="$tests" \
    -DISN_ENABLE_VALGRIND_TEST=OFF ${prefix:+"-DCMAKE_PREFIX_PATH=$prefix"} "$@"
  step build "${ISN_BUILD_TIMEOUT:-420}" "$RESULTS/build.log" cmake --build "$build" -j"$(nproc)"
}

# run_ctest BUILD_DIR: the whole suite; then insist that the tests needing a
# GPU really ran (CTest counts a GTEST_SKIP as "Skipped", not as a failure,
# and a skip here means the GPU was not usable).
run_ctest() {
  local build=$1 t
  if [ ! -d "$build/native/tests" ]; then
    say "    ctest: no tests in this build (ISN_SKIP_TESTS=1)"
    return 0
  fi
  step ctest "${ISN_CTEST_TIMEOUT:-300}" "$RESULTS/ctest.log" \
    ctest --test-dir "$build" --output-on-failure --timeout 180 -j"$(nproc)"
  for t in Gpu.MatchesCpuBitForBit MemoryStats.GpuPeakCoversUploadsAndNeverDrops; do
    grep -Eq "Test +#[0-9]+: $t \.+ +Passed" "$RESULTS/ctest.log" ||
      die "$t did not pass (skipped: no usable GPU?) - see ctest.log"
  done
  say "    GPU tests ran and passed (GPU == CPU bit for bit; memory stats)"
}

# run_benches BUILD_DIR: bench_gpu (fails the run on a GPU/CPU mismatch or a
# missing GPU), then the CPU Google Benchmarks when they were built.
run_benches() {
  local build=$1 bin="$1/native/bench"
  # shellcheck disable=SC2086  # ISN_BENCH_ARGS is a list of words on purpose
  step bench_gpu "${ISN_BENCH_TIMEOUT:-420}" "$LOGS/bench_gpu.stderr" \
    bash -c "'$bin/isn_bench_gpu' --json --require-gpu ${ISN_BENCH_ARGS:-} >'$RESULTS/bench_gpu.json'"
  sed -n '/^metric /,$p' "$LOGS/bench_gpu.stderr" | tee -a "$RESULTS/summary.txt" >&2
  if command -v python3 >/dev/null; then  # the JSON must parse; headline against the targets
    python3 - "$RESULTS/bench_gpu.json" <<'PY' 2>&1 | tee -a "$RESULTS/summary.txt" >&2 || die "bench_gpu.json is not valid JSON"
import json, sys
rows = {r["metric"]: r for r in json.load(open(sys.argv[1]))}
def show(metric, target=None):
    r = rows.get(metric)
    if r is None:
        return
    t = "" if target is None else "   (target " + target + ")"
    print("    headline: %-40s %12.4g %s%s" % (metric, r["value"] if r["value"] is not None else float("nan"), r["unit"], t))
show("gpu-cpu-identity", "1")
show("empathy-throughput-n20-b1048576", ">= 1e7 empathies/s")
show("peak-gpu-memory", "<= 16 MB")
for m in sorted(rows):
    if m.startswith("empathy-matrix-"):
        print("    headline: %-40s %s" % (m, rows[m]["note"]))
PY
  fi
  if [ -x "$bin/isn_bench" ]; then
    step bench_anneal "${ISN_BENCH_ANNEAL_TIMEOUT:-180}" "$LOGS/bench_anneal.log" \
      "$bin/isn_bench" --benchmark_min_time=0.2 --benchmark_out="$RESULTS/bench_anneal.json" --benchmark_out_format=json
    grep -E "^BM_" "$LOGS/bench_anneal.log" | tee -a "$RESULTS/summary.txt" >&2 || true
  else
    say "    bench_anneal: not built (Google Benchmark not found; tools/gpu/stage-deps.sh stages it)"
  fi
}

# run_cli BUILD_DIR: the .NET side on the GPU, from the self-contained `ising`
# that tools/gpu/stage-deps.sh published into .gpu-deps on the build machine
# (this machine has no .NET SDK): `ising info`, `ising validate --backend gpu`
# (the physics self-checks and the GPU's bit-identity with the other
# backends; exit 0 only when every check passed) and `ising bench --backend
# gpu --json` against the library just built. Not staged: one line, skipped
# (ISN_REQUIRE_CLI=1 makes that a failure).
run_cli() {
  local build=$1 pkg="$ROOT/.gpu-deps/ising-linux-x64.tar.xz"
  if [ ! -f "$pkg" ]; then
    [ "${ISN_REQUIRE_CLI:-0}" = 1 ] && die "ising CLI not staged ($pkg): run tools/gpu/stage-deps.sh on the build machine and carry .gpu-deps"
    say "    ising CLI: not staged (tools/gpu/stage-deps.sh on the build machine, carry .gpu-deps): skipped"
    return 0
  fi
  local cli="$LOGS/cli" lib
  mkdir -p "$cli"
  tar -C "$cli" -xJf "$pkg" || die "could not unpack $pkg"
  lib="$(find "$build" -name 'libisingnative.so' -print -quit)"
  [ -n "$lib" ] || die "no libisingnative.so in $build"
  export ISINGNATIVE_LIBRARY_PATH; ISINGNATIVE_LIBRARY_PATH="$(dirname "$lib")"
  local ising="$cli/ising/ising"
  step "ising info" 60 "$LOGS/cli.log" bash -c "'$ising' info && '$ising' info --json >'$LOGS/cli_info.json'"
  step "ising validate --backend gpu" "${ISN_CLI_VALIDATE_TIMEOUT:-300}" "$LOGS/cli.log" \
    bash -c "'$ising' validate --backend gpu --json >'$LOGS/cli_validate.json'"
  # shellcheck disable=SC2086  # ISN_CLI_BENCH_ARGS is a list of words on purpose (e.g. --quick)
  step "ising bench --backend gpu" "${ISN_CLI_BENCH_TIMEOUT:-420}" "$LOGS/cli.log" \
    bash -c "'$ising' bench --backend gpu --json ${ISN_CLI_BENCH_ARGS:-} >'$RESULTS/bench_cli.json'"
  if command -v python3 >/dev/null; then  # the checks and the rows, into the summary
    python3 - "$LOGS/cli_validate.json" "$RESULTS/bench_cli.json" <<'PY' 2>&1 | tee -a "$RESULTS/summary.txt" >&2 || die "ising's JSON did not parse"
import json, sys
v = json.load(open(sys.argv[1]))
for c in v["checks"]:
    print("    validate: %-4s %s: %s" % ("ok" if c["passed"] else "FAIL", c["name"], c["detail"]))
for r in json.load(open(sys.argv[2]))["rows"]:
    print("    ising bench: %-40s %12.4g %s" % (r["metric"], r["value"] if r["value"] is not None else float("nan"), r["unit"]))
PY
  fi
}

finish() {
  say "==> all steps passed in $(elapsed); results in $RESULTS"
  pack_logs
}
