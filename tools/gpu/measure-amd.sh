#!/usr/bin/env bash
# ONE command for an AMD machine with ROCm (hipcc, libamdhip64, rocminfo; no
# .NET needed): builds the HIP flavour for this machine's GPU, runs the whole
# CTest suite (the GPU == CPU bit-identity tests then really run, and must),
# runs isn_bench_gpu and the CPU Google Benchmarks, and records the device,
# the compiler's per-kernel resource usage and every log under
# ${OUT:-artifacts/gpu}. Stops loudly at the first failing step.
#
#   tools/gpu/measure-amd.sh [gfx-target]   (default: the first GPU agent rocminfo lists)
# e.g. gfx1151 (Radeon 8060S; needs ROCm >= 6.3), gfx90a (MI200), gfx942 (MI300).
# Environment: as measure-nvidia.sh (OUT, ISN_BENCH_ARGS, ISN_SKIP_TESTS, ISN_GPU_BUILD).
set -euo pipefail
# shellcheck source=tools/gpu/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD="${ISN_GPU_BUILD:-$ROOT/build/gpu-hip}"
HIPCC="$(command -v hipcc || true)"
[ -n "$HIPCC" ] || [ ! -x /opt/rocm/bin/hipcc ] || HIPCC=/opt/rocm/bin/hipcc
[ -n "$HIPCC" ] || die "hipcc not found (PATH or /opt/rocm/bin)"
ROCMINFO="$(command -v rocminfo || echo /opt/rocm/bin/rocminfo)"

TARGET="${1:-}"
if [ -z "$TARGET" ]; then
  TARGET="$("$ROCMINFO" 2>/dev/null | awk '/Name: +gfx[0-9a-f]+/ {print $2; exit}' || true)"
  [ -n "$TARGET" ] || die "no gfx target given and rocminfo lists no GPU agent (pass one, e.g. gfx1151)"
fi

say "isingnative GPU measurement (HIP, $TARGET) - $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
{ # informational: a failing query here does not stop the run
  "$ROCMINFO" 2>/dev/null | grep -E "Marketing Name|Name: +gfx|Compute Unit|Max Clock" | sed -n "1,8p" || true
  "$HIPCC" --version 2>/dev/null | grep -iE "version" | sed -n "1,3p" || true
  cmake --version | sed -n "1,1p" || true
  echo "host: $(nproc) cores"
} 2>&1 | tee -a "$RESULTS/summary.txt" >&2
(command -v rocm-smi >/dev/null && rocm-smi --showproductname --showmeminfo vram) >"$LOGS/rocm-smi-before.txt" 2>&1 || true

configure_and_build "$BUILD" -DISN_ENABLE_HIP=ON -DISN_ENABLE_CUDA=OFF -DISN_HIP_TARGETS="$TARGET"

# The compiler's resource report for this target (VGPRs, SGPRs, spills,
# scratch, LDS, occupancy), from the same flags as the library build.
OUT="$LOGS" HIPCC="$HIPCC" "$ROOT/tools/gpu/kernel-resources.sh" "$TARGET" >"$RESULTS/resources.txt" 2>&1 ||
  die "kernel-resources.sh failed (see resources.txt)"

run_ctest "$BUILD"
run_benches "$BUILD"
run_cli "$BUILD"
finish
