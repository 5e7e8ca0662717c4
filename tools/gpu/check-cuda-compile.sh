#!/usr/bin/env bash
# Compiles the NVIDIA flavour of the GPU backend (native/src/cuda/gpu_backend.cu,
# i.e. the HIP source through gpu/gpu_runtime.h's CUDA branch) WITHOUT a CUDA
# toolkit: clang's CUDA mode against tools/gpu/cuda-standin/cuda_runtime.h,
# host pass plus an NVPTX device pass to PTX (sm_80, the newest clang 15
# knows), with the library's strict floating-point flags, and checks that the
# PTX has the five kernels and no fused multiply-add (fma.rn: ALGORITHM.md's
# rounding forbids contraction). Catches unmapped hip* names, host-only calls
# in device code and CUDA-branch typos early; nvcc itself may still differ
# (tools/gpu/measure-nvidia.sh is the real build).
#   tools/gpu/check-cuda-compile.sh        (needs clang++ >= 14 with the NVPTX target)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLANG="${CLANG:-$(command -v clang++-15 || command -v clang++-14 || command -v clang++ || true)}"
[ -n "$CLANG" ] || { echo "check-cuda-compile: no clang++ found" >&2; exit 1; }
OUT_DIR="${OUT:-$ROOT/artifacts/gpu}/cuda-check"
mkdir -p "$OUT_DIR"
flags=(-std=c++17 -x cuda -nocudainc -nocudalib --cuda-gpu-arch=sm_80 -O3 -ffp-contract=off -fno-fast-math
       -include "$ROOT/tools/gpu/cuda-standin/cuda_runtime.h" -I"$ROOT/tools/gpu/cuda-standin"
       -I"$ROOT/native/include" -I"$ROOT/native/src" -DISN_BUILDING_LIBRARY -DISN_WITH_CUDA)
src="$ROOT/native/src/cuda/gpu_backend.cu"
"$CLANG" "${flags[@]}" --cuda-host-only -fsyntax-only "$src"
"$CLANG" "${flags[@]}" --cuda-device-only -S -o "$OUT_DIR/gpu_backend.ptx" "$src"
ptx="$OUT_DIR/gpu_backend.ptx"
kernels=$(grep -c '\.entry ' "$ptx" || true)
fmas=$(grep -c 'fma\.rn' "$ptx" || true)
echo "check-cuda-compile: $("$CLANG" --version | sed -n 1p): host pass ok, PTX ok ($kernels kernels, $fmas fma.rn) -> $ptx"
[ "$kernels" -eq 5 ] || { echo "check-cuda-compile: expected 5 kernels in the PTX, found $kernels" >&2; exit 1; }
[ "$fmas" -eq 0 ] || { echo "check-cuda-compile: contracted fma.rn in the PTX (floating-point contract broken)" >&2; exit 1; }
