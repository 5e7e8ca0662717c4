#!/usr/bin/env bash
# IsingNative build driver (Linux/macOS). Verbs:
#   ./build.sh demo       build everything and run a short tour through the `ising` command line
#   ./build.sh test       build everything and run every test (native CTest, binding drift, NUnit, CLI, the Orleans cluster
#                         (several in-process silos), benchmark smoke,
#                         the GPU tests on an emulated device (the test-only HIP-CPU flavour in build/emu), the packages
#                         as a consumer gets them, ASan+UBSan and TSan builds, and every fuzz harness for FUZZ_SECONDS)
#   ./build.sh fuzz [S]   run every fuzz harness for S seconds each (default 600)
#   ./build.sh sanitize   the ASan+UBSan and TSan stages alone
#   ./build.sh package    pack IsingNative and the ising tool into a local feed and check them as a consumer would
#   ./build.sh native     configure + build the native library (HIP when a ROCm toolchain is found)
#   ./build.sh emu        configure + build the emulated-GPU flavour (build/emu; test-only, never shipped)
#   ./build.sh managed    build the .NET solution (Release)
#   ./build.sh bindings   regenerate managed/IsingNative/Interop/*.generated.cs from native/include
#   ./build.sh bench      run the benchmarks for real (BenchmarkDotNet, Google Benchmark, `ising bench`)
#   ./build.sh deps       install the GPU toolchains (Debian: clang-19 with ROCm 5.2's HIP headers and device libraries for
#                         the AMD plug-in, non-free's nvidia-cuda-toolkit for the NVIDIA one), python3, libtbb-dev (HIP-CPU,
#                         for the emulated-GPU flavour) and clang-15 (libFuzzer)
#   ./build.sh clean      remove build outputs
# Environment: ISN_HIP=AUTO|ON|OFF (default AUTO), ISN_HIP_TARGETS (default: this machine's AMD GPUs, else the broad
#              list of docs/GPU.md), ISN_CUDA=AUTO|ON|OFF (default AUTO),
#              CONFIG=Release|Debug (default Release), ISN_HIP_CPU_DIR (default ../shared/third_party/hip-cpu),
#              FUZZ_SECONDS (per harness in `test`, default 60).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
CONFIG="${CONFIG:-Release}"
NATIVE_BUILD="$ROOT/build/native"
EMU_BUILD="$ROOT/build/emu"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CLI_PROJECT=managed/IsingNative.Cli/IsingNative.Cli.csproj
GEN_PROJECT=managed/IsingNative.BindingGen/IsingNative.BindingGen.csproj
BINDINGS=managed/IsingNative/Interop/IsingNativeApi.generated.cs
HEADER=native/include/isingnative.h

log() { printf '\n==> %s\n' "$*" >&2; }

# ---- native ---------------------------------------------------------------------------------
native_build() {
  if ! command -v cmake >/dev/null; then log "cmake not found: skipping the native library (managed backend only)"; return 0; fi
  log "native: configure + build ($NATIVE_BUILD, HIP=${ISN_HIP:-AUTO}, CUDA=${ISN_CUDA:-AUTO})"
  cmake -S . -B "$NATIVE_BUILD" -DCMAKE_BUILD_TYPE="$CONFIG" -DISN_ENABLE_HIP="${ISN_HIP:-AUTO}" \
        -DISN_ENABLE_CUDA="${ISN_CUDA:-AUTO}" -DISN_HIP_TARGETS="${ISN_HIP_TARGETS:-}" | { grep 'isingnative:' || true; }
  cmake --build "$NATIVE_BUILD" -j"$(nproc)"
}

# The folder holding libisingnative.so, exported so the managed resolver finds it (it also probes build/native itself).
native_lib_dir() {
  local lib
  lib="$(find "$NATIVE_BUILD" -name 'libisingnative.so' -print -quit 2>/dev/null || true)"
  [ -n "$lib" ] && dirname "$lib"
}

# ---- emulated GPU (test-only) ----------------------------------------------------------------
# The GPU backend's one kernel source compiled by the host compiler against HIP-CPU (cmake/IsnGpu.cmake,
# ISN_GPU_EMULATION): its kernels, buffers and error paths run on the CPU, so the GPU tests run in every
# CI run instead of skipping. A second copy of the library in build/emu, never the one shipped or packaged.
# NUnit's GPU cases: the backend-parameterised ones, "(Gpu)" in the name, and the fault tests.
EMU_NUNIT_FILTER='FullyQualifiedName~\(Gpu\)|FullyQualifiedName~EmulatedGpu'
EMU_SKIPPED=""   # why the emulated flavour was not built (empty: it was)

emu_build() {
  EMU_SKIPPED=""
  if ! command -v cmake >/dev/null; then EMU_SKIPPED="cmake not found"; log "emulated GPU flavour skipped: $EMU_SKIPPED"; return 0; fi
  log "emulated GPU: configure + build ($EMU_BUILD, HIP-CPU)"
  # Library and CTest suite only: no valgrind (HIP-CPU's fibers and TBB), no benchmarks.
  cmake -S . -B "$EMU_BUILD" -DCMAKE_BUILD_TYPE="$CONFIG" -DISN_GPU_EMULATION=ON -DISN_ENABLE_HIP=OFF \
        -DISN_ENABLE_VALGRIND_TEST=OFF -DISN_BUILD_BENCHMARKS=OFF ${ISN_HIP_CPU_DIR:+-DISN_HIP_CPU_DIR="$ISN_HIP_CPU_DIR"} >/dev/null
  if ! grep -q '^ISN_GPU_BUILT:INTERNAL=emulated$' "$EMU_BUILD/CMakeCache.txt"; then
    EMU_SKIPPED="$(sed -n 's/^ISN_GPU_EMULATION_SKIPPED:INTERNAL=//p' "$EMU_BUILD/CMakeCache.txt")"
    log "emulated GPU flavour skipped: ${EMU_SKIPPED:-not configured}"
    EMU_SKIPPED="${EMU_SKIPPED:-not configured}"
    return 0
  fi
  cmake --build "$EMU_BUILD" -j"$(nproc)"
}

emu_lib_dir() {
  local lib
  lib="$(find "$EMU_BUILD" -name 'libisingnative.so' -print -quit 2>/dev/null || true)"
  [ -n "$lib" ] && dirname "$lib"
}

# Every CTest test against the emulated library (the GPU ones now run).
emu_native_tests() { ctest --test-dir "$EMU_BUILD" --output-on-failure -j2; }

# Only NUnit's GPU cases, on the emulated device.
emu_nunit_tests() {
  local libdir; libdir="$(emu_lib_dir || true)"
  [ -n "$libdir" ] || { echo "no emulated library in $EMU_BUILD"; return 1; }
  ISINGNATIVE_LIBRARY_PATH="$libdir" dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c "$CONFIG" --no-build \
    -nologo --filter "$EMU_NUNIT_FILTER" --logger "console;verbosity=normal"
}

# Counts of the GPU tests in a stage's output: CTest tests with "gpu" in the name (any case), or every test
# of the NUnit GPU filter. Adds to E_PASSED/E_FAILED/E_SKIPPED and E_DETAIL.
E_PASSED=0; E_FAILED=0; E_SKIPPED=0; E_DETAIL=()
count_emu_gpu_tests() {
  local f="$1" what="$2" p=0 x=0 k=0
  if [ "$what" = ctest ]; then
    local counts
    # "12/67 Test #12: Gpu.MatchesCpuBitForBit .....   Passed    0.53 sec" (or ***Failed, ***Skipped, ...)
    counts="$(grep -E 'Test +#[0-9]+: ' "$f" | awk '{
        name = $0; sub(/.*Test +#[0-9]+: +/, "", name); sub(/ .*/, "", name)
        if (tolower(name) !~ /gpu/) next
        if ($0 ~ /[ *]Passed +[0-9.]+ sec/) p++; else if ($0 ~ /Skipped/) k++; else x++
      } END { printf "%d %d %d", p, x, k }')"
    read -r p x k <<<"$counts"
  elif grep -q -E '^\s*Total tests: [0-9]+' "$f"; then
    p="$(sed -n -E 's/^\s*Passed: ([0-9]+).*/\1/p' "$f" | tail -1)"; x="$(sed -n -E 's/^\s*Failed: ([0-9]+).*/\1/p' "$f" | tail -1)"
    k="$(sed -n -E 's/^\s*Skipped: ([0-9]+).*/\1/p' "$f" | tail -1)"
  fi
  p=${p:-0}; x=${x:-0}; k=${k:-0}
  E_PASSED=$((E_PASSED + p)); E_FAILED=$((E_FAILED + x)); E_SKIPPED=$((E_SKIPPED + k))
  E_DETAIL+=("$what $p/$x/$k")
}

# The emulated-GPU summary line; fails when a GPU test skipped there (under emulation a skip means the
# device was not found) or when none ran at all.
emu_summary() {
  if [ -n "$EMU_SKIPPED" ]; then
    echo "emulated GPU: not run ($EMU_SKIPPED)"
    return 0
  fi
  echo "emulated GPU: $E_PASSED passed, $E_FAILED failed, $E_SKIPPED skipped (passed/failed/skipped: ${E_DETAIL[*]})"
  if [ "$E_SKIPPED" -gt 0 ]; then echo "emulated GPU: $E_SKIPPED GPU test(s) SKIPPED on the emulated device: that is a failure"; return 1; fi
  if [ "$E_PASSED" -eq 0 ]; then echo "emulated GPU: no GPU test ran"; return 1; fi
  [ "$E_FAILED" -eq 0 ]
}

# ---- managed ----------------------------------------------------------------------------------
managed_build() {
  log "managed: dotnet build IsingNative.sln ($CONFIG)"
  dotnet build IsingNative.sln -c "$CONFIG" -nologo -v q
}

ising() { dotnet "managed/IsingNative.Cli/bin/$CONFIG/net10.0/ising.dll" "$@"; }

bindings() {
  log "bindings: regenerate $BINDINGS from $HEADER"
  dotnet run -c "$CONFIG" --project "$GEN_PROJECT" -- --header "$HEADER" --out "$BINDINGS" \
    --namespace IsingNative.Interop --class IsingNativeApi --library isingnative
}

bindings_check() {
  log "bindings: check $BINDINGS is what $HEADER generates"
  dotnet run -c "$CONFIG" --project "$GEN_PROJECT" -- --header "$HEADER" --out "$BINDINGS" \
    --namespace IsingNative.Interop --class IsingNativeApi --library isingnative --check
}

# ---- verbs ------------------------------------------------------------------------------------
demo() {
  native_build || log "native build failed: the demo runs on the managed backend"
  managed_build
  local libdir; libdir="$(native_lib_dir || true)"
  [ -n "$libdir" ] && export ISINGNATIVE_LIBRARY_PATH="$libdir"
  log "ising info"
  ising info
  log "ising empathy (n = 20, seed pattern)"
  ising empathy --n 20 --self-seed 42 --other-seed 99 --seed 7
  log "ising social (self over 5 others)"
  ising social --n 20 --agents 5 --self-seed 42 --other-seed 100 --seed 7
  log "ising swarm (100 agents, full 100x100 empathy matrix, heatmap and score histogram)"
  mkdir -p artifacts
  ising swarm --agents 100 --n 20 --seed 7 --heatmap artifacts/swarm-100.png --histogram artifacts/swarm-100-scores.png
  ising swarm --agents 100 --n 20 --seed 7 --heatmap artifacts/swarm-100.svg --histogram artifacts/swarm-100-scores.svg --json >/dev/null
  log "ising anneal --trace (n = 50: energy, beta and acceptance rate per step)"
  ising anneal --n 50 --seed 7 --trace artifacts/anneal-trace.png
  ising anneal --n 50 --seed 7 --trace artifacts/anneal-trace.csv --json >/dev/null
  log "ising simulate (200 agents on a ring, m = 8, n = 16, 5 synchronous rounds: per-round statistics and their figure)"
  ising simulate --agents 200 --graph ring --neighbours 8 --rounds 5 --n 16 --seed 7 --out artifacts/simulate-200.csv --plot artifacts/simulate-200.png
  log "figures written to artifacts/: swarm-100.png/.svg (heatmap), swarm-100-scores.png/.svg (histogram), anneal-trace.png/.csv, simulate-200.png/.csv (swarm rounds)"
}

PASSED=0; FAILED=0; FAILED_STAGES=()
T_PASSED=0; T_FAILED=0; T_SKIPPED=0
stage() { # stage NAME COMMAND... : run one test stage, record the outcome and its test counts, keep going
  local name="$1"; shift
  log "test stage: $name"
  local out; out="$(mktemp)"
  if "$@" 2>&1 | tee "$out"; then PASSED=$((PASSED+1)); else FAILED=$((FAILED+1)); FAILED_STAGES+=("$name"); fi
  count_tests "$out"
  if [ -n "${STAGE_EMU:-}" ]; then count_emu_gpu_tests "$out" "$STAGE_EMU"; fi
  rm -f "$out"
}

# Adds the counts a stage's runner printed (CTest, dotnet test, a script's "<label>: N passed, N failed") to the totals.
count_tests() {
  local f="$1" p=0 x=0 k=0 line
  if line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$f" | tail -1)"; then
    local total failed skipped
    total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")"; failed="$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")"
    skipped="$(grep -c -E '\(Skipped\)$' "$f" || true)"
    p=$((total - failed - skipped)); x=$failed; k=$skipped
  elif grep -q -E '^\s*Total tests: [0-9]+' "$f"; then
    p="$(sed -n -E 's/^\s*Passed: ([0-9]+).*/\1/p' "$f" | tail -1)"; x="$(sed -n -E 's/^\s*Failed: ([0-9]+).*/\1/p' "$f" | tail -1)"
    k="$(sed -n -E 's/^\s*Skipped: ([0-9]+).*/\1/p' "$f" | tail -1)"
  elif line="$(grep -E '^[A-Za-z][A-Za-z0-9 _-]*: [0-9]+ passed, [0-9]+ failed' "$f" | tail -1)"; then
    p="$(sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/' <<<"$line")"; x="$(sed -E 's/.*passed, ([0-9]+) failed.*/\1/' <<<"$line")"
    if grep -q -E ', [0-9]+ skipped' <<<"$line"; then k="$(sed -E 's/.*, ([0-9]+) skipped.*/\1/' <<<"$line")"; fi
  fi
  T_PASSED=$((T_PASSED + ${p:-0})); T_FAILED=$((T_FAILED + ${x:-0})); T_SKIPPED=$((T_SKIPPED + ${k:-0}))
}

native_tests() { ctest --test-dir "$NATIVE_BUILD" --output-on-failure -j2; }

# The GPU plug-ins' code objects. The AMD plug-in (libisingnative_gpu.so) carries one per ISA that CMake chose
# (ISN_HIP_ISAS_BUILT); under CI it must carry the whole broad list the package ships (ISN_HIP_BROAD_TARGETS).
# The CPU library links no GPU runtime (CTest isn_gpu_runtime_not_needed_by_cpu_library reads NEEDED entries).
gpu_built() { grep -q -E "^ISN_GPU_BUILT:INTERNAL=(.*;)?$1(;.*)?\$" "$NATIVE_BUILD/CMakeCache.txt" 2>/dev/null; }
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$NATIVE_BUILD/CMakeCache.txt"; }

hip_targets_check() {
  if ! gpu_built hip; then
    if command -v clang++-19 >/dev/null && [ -d /usr/lib/x86_64-linux-gnu/amdgcn/bitcode ] && [ "${ISN_HIP:-AUTO}" != OFF ]; then
      log "clang-19 and ROCm's device libraries are installed but the HIP plug-in was not built"; return 1
    fi
    log "HIP plug-in not built (no HIP compiler or device libraries; ./build.sh deps installs them): skipping the code-object check"
    return 0
  fi
  local lib; lib="$(find "$NATIVE_BUILD" -name 'libisingnative_gpu.so' -print -quit)"
  [ -n "$lib" ] || { log "the HIP plug-in was configured but no libisingnative_gpu.so was built in $NATIVE_BUILD"; return 1; }
  local listing; listing="$(roc-obj-ls "$lib")"; echo "$listing"
  local wanted; wanted="$(cache_value ISN_HIP_ISAS_BUILT)"
  if [ "${CI:-}" = true ]; then wanted="$wanted;$(cache_value ISN_HIP_BROAD_TARGETS)"; fi
  local t ok=0 n=0
  for t in $(tr ';' '\n' <<<"$wanted" | sort -u); do
    n=$((n + 1))
    if grep -q -E -- "--$t\b" <<<"$listing"; then echo "code object for $t: present"; else echo "code object for $t: MISSING"; ok=1; fi
  done
  echo "HIP code objects: $n ISAs checked"
  return $ok
}

# The CUDA plug-in (libisingnative_gpu_cuda.so): SASS for sm_80 and sm_90, and PTX that newer GPUs compile.
cuda_targets_check() {
  if ! gpu_built cuda; then
    if command -v nvcc >/dev/null && [ "${ISN_CUDA:-AUTO}" != OFF ]; then log "nvcc is installed but the CUDA plug-in was not built"; return 1; fi
    log "CUDA plug-in not built (no nvcc; ./build.sh deps installs Debian's toolkit): skipping the cuobjdump check"
    return 0
  fi
  local lib; lib="$(find "$NATIVE_BUILD" -name 'libisingnative_gpu_cuda.so' -print -quit)"
  [ -n "$lib" ] || { log "the CUDA plug-in was configured but no libisingnative_gpu_cuda.so was built in $NATIVE_BUILD"; return 1; }
  local elf ptx sm ok=0; elf="$(cuobjdump --list-elf "$lib")"; ptx="$(cuobjdump --list-ptx "$lib")"
  echo "$elf"; echo "$ptx"
  for sm in sm_80 sm_90; do
    if grep -q "\.$sm\.cubin" <<<"$elf"; then echo "SASS for $sm: present"; else echo "SASS for $sm: MISSING"; ok=1; fi
  done
  if grep -q '\.ptx' <<<"$ptx"; then echo "PTX: present"; else echo "PTX: MISSING"; ok=1; fi
  return $ok
}

nunit_tests() {
  local libdir; libdir="$(native_lib_dir || true)"
  if [ -n "$libdir" ]; then export ISINGNATIVE_LIBRARY_PATH="$libdir"; fi
  dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c "$CONFIG" --no-build -nologo \
    --filter 'Category!=Cli' --logger "console;verbosity=normal"
}

# The command-line checks: NUnit's Cli category (tests/IsingNative.Tests/Cli) runs the built `ising` as a child process.
# A filter that matches nothing is not a pass (dotnet test exits 0 then).
cli_tests() {
  local libdir; libdir="$(native_lib_dir || true)"
  if [ -n "$libdir" ]; then export ISINGNATIVE_LIBRARY_PATH="$libdir"; fi
  local out rc=0; out="$(mktemp)"
  dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c "$CONFIG" --no-build -nologo \
    --filter 'Category=Cli' --logger "console;verbosity=normal" | tee "$out" || rc=$?
  if ! grep -q -E '^\s*Total tests: [1-9]' "$out"; then echo "command line: no test ran"; rc=1; fi
  rm -f "$out"; return "$rc"
}

# The swarm on an Orleans cluster (docs/CLUSTER.md): several in-process silos (TestingHost) against the single-process
# swarm, bit for bit, also with a silo stopped in the middle of a round. A filter-free run that found no test fails.
cluster_tests() {
  local libdir; libdir="$(native_lib_dir || true)"
  if [ -n "$libdir" ]; then export ISINGNATIVE_LIBRARY_PATH="$libdir"; fi
  local out rc=0; out="$(mktemp)"
  dotnet test tests/IsingNative.Cluster.Tests/IsingNative.Cluster.Tests.csproj -c "$CONFIG" --no-build -nologo \
    --logger "console;verbosity=normal" | tee "$out" || rc=$?
  if ! grep -q -E '^\s*Total tests: [1-9]' "$out"; then echo "cluster: no test ran"; rc=1; fi
  rm -f "$out"; return "$rc"
}

# The packages as a consumer gets them (docs/PACKAGING.md): local feed, sample (JIT + NativeAOT), tool.
package_check() { bash tools/package/check.sh "$(native_lib_dir)"; }

# Sanitizer builds (native/README.md, "Sanitizers and stress"): ASan+UBSan runs the CTest suite, TSan
# the multi-threaded tests and the stress test.
sanitize_asan() { bash tools/sanitize/run.sh asan; }
sanitize_tsan() { bash tools/sanitize/run.sh tsan; }

# libFuzzer harnesses: the C API (native/fuzz) and the system-file reader (tests/IsingNative.Fuzz),
# each for FUZZ_SECONDS on a copy of its committed corpus; a finding fails the stage.
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
# Exit 77: no clang-15 here (./build.sh deps installs it): reported, counted as skipped, not failed.
fuzz_run() {
  local rc=0; bash "$@" || rc=$?
  # (A stage runs in a pipeline's subshell: the skip travels as a counted line, not a variable.)
  if [ "$rc" -eq 77 ]; then echo "clang-15 with libFuzzer not found (./build.sh deps installs it)"; echo "fuzz: 0 passed, 0 failed, 1 skipped"; return 0; fi
  return "$rc"
}
fuzz_native() { fuzz_run tools/fuzz/run-native.sh "$FUZZ_SECONDS"; }
fuzz_reader() { fuzz_run tools/fuzz/run-reader.sh "$FUZZ_SECONDS"; }

bench_smoke() {
  dotnet run -c Release --project managed/IsingNative.Benchmarks -- --smoke
}

test_all() {
  stage "native build" native_build
  if [ -f "$NATIVE_BUILD/CTestTestfile.cmake" ]; then
    stage "native tests (CTest, incl. valgrind)" native_tests
    stage "HIP code objects (roc-obj-ls)" hip_targets_check
    stage "CUDA code objects (cuobjdump)" cuda_targets_check
  fi
  stage "emulated GPU build (HIP-CPU, build/emu)" emu_build
  # The stage ran in a pipeline's subshell: read why it was skipped (if it was) back from its cache.
  if ! command -v cmake >/dev/null; then EMU_SKIPPED="cmake not found"
  elif ! grep -q '^ISN_GPU_BUILT:INTERNAL=emulated$' "$EMU_BUILD/CMakeCache.txt" 2>/dev/null; then
    EMU_SKIPPED="$(sed -n 's/^ISN_GPU_EMULATION_SKIPPED:INTERNAL=//p' "$EMU_BUILD/CMakeCache.txt" 2>/dev/null)"
    EMU_SKIPPED="${EMU_SKIPPED:-not configured}"
  fi
  if [ -z "$EMU_SKIPPED" ] && [ -f "$EMU_BUILD/CTestTestfile.cmake" ]; then
    STAGE_EMU=ctest stage "emulated GPU: native tests (CTest)" emu_native_tests
  fi
  stage "managed build" managed_build
  stage "binding drift" bindings_check
  stage "NUnit suite" nunit_tests
  if [ -z "$EMU_SKIPPED" ]; then STAGE_EMU=nunit stage "emulated GPU: NUnit GPU cases" emu_nunit_tests; fi
  stage "command line" cli_tests
  stage "cluster (Orleans TestingHost)" cluster_tests
  stage "benchmark smoke (dry)" bench_smoke
  stage "package (local feed: sample, NativeAOT, tool)" package_check
  stage "AddressSanitizer + UBSan (CTest)" sanitize_asan
  stage "ThreadSanitizer (threads + stress)" sanitize_tsan
  stage "fuzz: C API (libFuzzer, ${FUZZ_SECONDS} s each)" fuzz_native
  stage "fuzz: system-file reader (${FUZZ_SECONDS} s)" fuzz_reader
  log "test stages: $PASSED passed, $FAILED failed${FAILED_STAGES:+ (failed: ${FAILED_STAGES[*]})}"
  local emu_ok=0
  emu_summary || emu_ok=1
  # Every stage must pass; a failed stage with no countable test (a build) still fails the run.
  [ "$FAILED" -gt 0 ] && [ "$T_FAILED" -eq 0 ] && T_FAILED=$FAILED
  echo "tests: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
  [ "$FAILED" -eq 0 ] && [ "$emu_ok" -eq 0 ]
}

deps() {
  # python3 runs tools/perf's plot, tools/gpu's summaries and reads nupkgs in tools/package; libtbb-dev is
  # HIP-CPU's parallel runtime (the emulated-GPU flavour). fonts-dejavu-core: the text of the CLI's figures
  # (SkiaSharp draws with the system's fonts; without one, titles and labels would be missing). clang-15
  # brings libclang-common-15-dev: libFuzzer and the ASan/UBSan runtimes for the fuzz stages.
  # The AMD plug-in: clang-19 (with lld-19, and llvm-19's llvm-as/llvm-dis for the device libraries of the
  # new ISAs) compiles its kernels against ROCm 5.2's HIP headers and device libraries (libamdhip64-dev,
  # rocm-device-libs); hipcc brings roc-obj-ls. The CUDA plug-in: nvcc, from non-free's nvidia-cuda-toolkit.
  if command -v clang++-19 >/dev/null && command -v llvm-as-19 >/dev/null && command -v ld.lld-19 >/dev/null &&
     command -v roc-obj-ls >/dev/null && [ -d /usr/lib/x86_64-linux-gnu/amdgcn/bitcode ] && command -v nvcc >/dev/null &&
     command -v python3 >/dev/null && command -v clang++-15 >/dev/null &&
     { [ -f /usr/include/tbb/tbb.h ] || [ -f /usr/include/oneapi/tbb.h ]; } && [ -d /usr/share/fonts/truetype/dejavu ]; then
    log "HIP and CUDA toolchains, python3, TBB, clang-15 and fonts present"; return 0
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  local sources=/etc/apt/sources.list.d/debian.sources
  if [ -f "$sources" ] && ! grep -q -E '^Components:.* non-free( |$)' "$sources"; then
    log "adding Debian's contrib and non-free components to $sources (nvidia-cuda-toolkit)"
    $sudo sed -i -E 's/^(Components: main)$/\1 contrib non-free non-free-firmware/' "$sources"
  fi
  log "installing clang-19, lld-19, llvm-19, ROCm 5.2's HIP headers and device libraries (hipcc libamdhip64-dev rocm-device-libs), nvidia-cuda-toolkit, python3, libtbb-dev, clang-15 and fonts-dejavu-core"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang-19 lld-19 llvm-19 \
    hipcc libamdhip64-dev rocm-device-libs nvidia-cuda-toolkit python3 libtbb-dev clang-15 fonts-dejavu-core >/dev/null
}

bench() {
  native_build
  managed_build
  local libdir; libdir="$(native_lib_dir || true)"
  [ -n "$libdir" ] && export ISINGNATIVE_LIBRARY_PATH="$libdir"
  for b in "$NATIVE_BUILD"/native/bench/isn_bench*; do if [ -x "$b" ]; then "$b"; fi; done
  ising bench --backend managed
  if [ -n "$libdir" ]; then ising bench --backend native-cpu; fi
  dotnet run -c Release --project managed/IsingNative.Benchmarks -- --filter '*EmpathyLatency*' '*EmotionBatch*' \
    '*SocialAttention*' '*EmpathyThroughput*' '*QuickEstimate*' '*SwarmMatrix*' '*TrialsPerSecond*' '*AgentSets*' \
    --job short --join
  # The 1000-agent set matrix is seconds per invocation: a run of its own.
  dotnet run -c Release --project managed/IsingNative.Benchmarks -- --filter '*AgentSetMatrix*' --job short
  # trials/s against n is memory-bound past n = 500: the longer job's median, then the plot.
  dotnet run -c Release --project managed/IsingNative.Benchmarks -- --filter '*TrialsVersusSize*' --job medium
  mkdir -p artifacts
  python3 tools/perf/plot-trials.py BenchmarkDotNet.Artifacts/results/*TrialsVersusSize-report.csv artifacts/trials-vs-n.svg
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  fuzz) FUZZ_SECONDS="${2:-600}"; native_build; managed_build
        stage "fuzz: C API" fuzz_native; stage "fuzz: system-file reader" fuzz_reader
        echo "fuzz stages: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ] ;;
  sanitize) stage "AddressSanitizer + UBSan (CTest)" sanitize_asan; stage "ThreadSanitizer (threads + stress)" sanitize_tsan
        echo "sanitizer stages: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ] ;;
  package) native_build; managed_build; package_check ;;
  native) native_build ;;
  emu) emu_build ;;
  managed) managed_build ;;
  bindings) bindings ;;
  bench) bench ;;
  deps) deps ;;
  clean) rm -rf build artifacts; find managed tests -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
