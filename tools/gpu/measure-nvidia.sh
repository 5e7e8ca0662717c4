#!/usr/bin/env bash
# ONE command for an NVIDIA machine (nvcc 13 + CMake; no ROCm, no .NET needed):
# builds the CUDA flavour of the native library, runs the whole CTest suite
# (the GPU == CPU bit-identity tests then really run, and must), runs
# isn_bench_gpu and the CPU Google Benchmarks, then the .NET side from the
# self-contained `ising` staged by tools/gpu/stage-deps.sh (`ising validate
# --backend gpu`, `ising bench --backend gpu --json`), and records the device,
# the compiler's per-kernel resource usage and every log under ${OUT:-artifacts/gpu}.
# Stops loudly at the first failing step; each step has a time limit, and the
# whole run takes about 3-6 minutes on an H100 (docs/GPU.md).
#
#   tools/gpu/measure-nvidia.sh [CUDA_ARCHITECTURES]      (default 90: H100/H200)
# Environment: OUT (results folder), ISN_BENCH_ARGS (extra isn_bench_gpu
#   arguments, e.g. "--agents 3000" or "--quick"), ISN_SKIP_TESTS=1 (no
#   GoogleTest here and none staged), ISN_GPU_BUILD (build folder),
#   ISN_CLI_BENCH_ARGS (e.g. "--quick"), ISN_REQUIRE_CLI=1 (fail when the CLI
#   was not staged).
# Without a system GoogleTest, run tools/gpu/stage-deps.sh on the build
# machine first and carry .gpu-deps along (the device machine has no registry).
set -euo pipefail
# shellcheck source=tools/gpu/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCH="${1:-90}"
BUILD="${ISN_GPU_BUILD:-$ROOT/build/gpu-cuda}"

NVCC="$(command -v nvcc || true)"
[ -n "$NVCC" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || NVCC=/usr/local/cuda/bin/nvcc
[ -n "$NVCC" ] || die "nvcc not found (PATH or /usr/local/cuda/bin)"
command -v nvidia-smi >/dev/null || die "nvidia-smi not found: no NVIDIA driver here"

say "isingnative GPU measurement (CUDA, sm_$ARCH) - $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l | tr -d ' ') changed files"
{ # informational: a failing query here does not stop the run
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,clocks.max.memory,power.limit \
    --format=csv || nvidia-smi -L || true
  "$NVCC" --version | tail -n 2 || true
  cmake --version | sed -n "1,1p" || true
  "${CXX:-c++}" --version | sed -n "1,1p" || true
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
} 2>&1 | tee -a "$RESULTS/summary.txt" >&2
nvidia-smi -q >"$LOGS/nvidia-smi-before.txt" 2>&1 || true

configure_and_build "$BUILD" -DISN_ENABLE_CUDA=ON -DISN_ENABLE_HIP=OFF -DISN_CUDA_ARCHITECTURES="$ARCH" \
  -DCMAKE_CUDA_COMPILER="$NVCC" -DCMAKE_CUDA_FLAGS="-Xptxas=-v"

# The compiler's resource report: registers, spills, stack, shared memory
# per kernel (ptxas -v lines from the build, and cuobjdump on the binary).
LIB="$(find "$BUILD" -name 'libisingnative_gpu.so' -type f -print -quit)"  # the kernels live in the GPU plug-in
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
