#!/usr/bin/env bash
# ONE command for an NVIDIA machine (no ROCm, no .NET SDK, no registry needed):
# the native library with its CUDA plug-in prebuilt by tools/gpu/stage-deps.sh
# on the build machine (.gpu-deps/prebuilt-linux-x64.tar.xz: nothing compiles
# here), or, without it, built here from source with the local nvcc. Then the
# GPU == CPU bit-identity tests (which must run, not skip), isn_bench_gpu, and
# the .NET side from the staged self-contained `ising` (`ising validate
# --backend gpu`, `ising bench --backend gpu --json`); the device and every log
# under ${OUT:-artifacts/gpu}. Stops loudly at the first failing step; each
# step has a time limit. Prebuilt, the whole run takes 2-4 minutes on an H100.
#
#   tools/gpu/measure-nvidia.sh [CUDA_ARCHITECTURES]      (default 90: H100/H200; building from source only)
# Environment: OUT (results folder), ISN_BENCH_ARGS (extra isn_bench_gpu
#   arguments, e.g. "--agents 3000" or "--quick"), ISN_SKIP_TESTS=1 (no
#   GoogleTest here and none staged), ISN_GPU_BUILD (build folder),
#   ISN_CLI_BENCH_ARGS (e.g. "--quick"), ISN_REQUIRE_CLI=1 (fail when the CLI
#   was not staged), ISN_FROM_SOURCE=1 (build here even when a prebuilt one is staged).
set -euo pipefail
# shellcheck source=tools/gpu/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCH="${1:-90}"
BUILD="${ISN_GPU_BUILD:-$ROOT/build/gpu-cuda}"
PREBUILT="$ROOT/.gpu-deps/prebuilt-linux-x64.tar.xz"
FROM_SOURCE=1
[ -f "$PREBUILT" ] && [ "${ISN_FROM_SOURCE:-0}" != 1 ] && FROM_SOURCE=0

NVCC="$(command -v nvcc || true)"
[ -n "$NVCC" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || NVCC=/usr/local/cuda/bin/nvcc
[ "$FROM_SOURCE" = 0 ] || [ -n "$NVCC" ] || die "nvcc not found (PATH or /usr/local/cuda/bin), and no prebuilt library staged ($PREBUILT)"
command -v nvidia-smi >/dev/null || die "nvidia-smi not found: no NVIDIA driver here"

say "isingnative GPU measurement (CUDA, sm_$ARCH) - $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l | tr -d ' ') changed files"
{ # informational: a failing query here does not stop the run
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,clocks.max.memory,power.limit \
    --format=csv || nvidia-smi -L || true
  [ -z "$NVCC" ] || "$NVCC" --version | tail -n 2 || true
  cmake --version | sed -n "1,1p" || true
  "${CXX:-c++}" --version | sed -n "1,1p" || true
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
} 2>&1 | tee -a "$RESULTS/summary.txt" >&2
nvidia-smi -q >"$LOGS/nvidia-smi-before.txt" 2>&1 || true

if [ "$FROM_SOURCE" = 0 ]; then
  # The prebuilt library, plug-in, API tests and bench_gpu, unpacked as built.
  BUILD="$LOGS/prebuilt"
  mkdir -p "$BUILD"
  step "unpack the prebuilt library" 60 "$LOGS/unpack.log" tar -C "$BUILD" -xJf "$PREBUILT"
  LIB="$BUILD/native/libisingnative_gpu_cuda.so"
  { echo "# cuobjdump --dump-resource-usage $(basename "$LIB")"; cuobjdump --dump-resource-usage "$LIB" 2>&1 || true; } >"$RESULTS/resources.txt"
  export LD_LIBRARY_PATH="$BUILD/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  # The GPU cases of the API suite: GPU == CPU bit for bit, memory statistics, agent sets on the device.
  step "API tests on the GPU" "${ISN_CTEST_TIMEOUT:-300}" "$RESULTS/ctest.log" \
    "$BUILD/native/tests/isn_api_tests" --gtest_filter='Gpu.*:MemoryStats.*:*Gpu*:*GPU*'
  for t in Gpu.MatchesCpuBitForBit MemoryStats.GpuPeakCoversUploadsAndNeverDrops; do
    grep -Eq "^\[       OK \] $t " "$RESULTS/ctest.log" || die "$t did not pass (skipped: no usable GPU?) - see ctest.log"
  done
  say "    GPU tests ran and passed (GPU == CPU bit for bit; memory stats)"
  run_benches "$BUILD"
  run_cli "$BUILD"
  nvidia-smi -q >"$LOGS/nvidia-smi-after.txt" 2>&1 || true
  finish
  exit 0
fi

configure_and_build "$BUILD" -DISN_ENABLE_CUDA=ON -DISN_ENABLE_HIP=OFF -DISN_CUDA_ARCHITECTURES="$ARCH" \
  -DCMAKE_CUDA_COMPILER="$NVCC" -DCMAKE_CUDA_FLAGS="-Xptxas=-v"

# The compiler's resource report: registers, spills, stack, shared memory
# per kernel (ptxas -v lines from the build, and cuobjdump on the binary).
LIB="$(find "$BUILD" -name 'libisingnative_gpu_cuda.so' -type f -print -quit)"  # the kernels live in the CUDA plug-in
{ # informational: a failing query here does not stop the run
  echo "# ptxas -v (from the build)"
  grep -E "ptxas info|bytes stack frame|spill" "$RESULTS/build.log" || true
  echo
  echo "# cuobjdump --dump-resource-usage $(basename "$LIB")"
  cuobjdump --dump-resource-usage "$LIB" 2>&1 || true
} >"$RESULTS/resources.txt"
cuobjdump --dump-sass "$LIB" >"$LOGS/sass.txt" 2>&1 || true
say "    kernel resources: $(grep -c 'Function' "$RESULTS/resources.txt" || true) entries in resources.txt"

run_ctest "$BUILD"
run_benches "$BUILD"
run_cli "$BUILD"
nvidia-smi -q >"$LOGS/nvidia-smi-after.txt" 2>&1 || true
finish
