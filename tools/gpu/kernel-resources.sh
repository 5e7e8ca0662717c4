#!/usr/bin/env bash
# Kernel resource usage of the HIP kernels, straight from the compiler (no GPU
# needed): for each offload target, compile the device side of
# native/src/hip/gpu_backend.hip with the library's own flags plus
# -Rpass-analysis=kernel-resource-usage, keep the assembly (--save-temps), and
# print one table row per kernel: SGPRs, VGPRs (and AGPRs where the target has
# them), spills, scratch bytes per lane, LDS bytes per block, the compiler's
# occupancy estimate (waves per SIMD) and the wavefront size.
#
#   tools/gpu/kernel-resources.sh [target ...]     (default: gfx90a gfx1030)
#   OUT=dir tools/gpu/kernel-resources.sh          (where reports go; default artifacts/gpu/kernel-resources)
# Needs hipcc (Debian: ./build.sh deps). Produces docs/GPU.md's resource table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="${OUT:-$ROOT/artifacts/gpu}/kernel-resources"
HIPCC="${HIPCC:-$(command -v hipcc || true)}"
[ -n "$HIPCC" ] || { echo "kernel-resources: hipcc not found (install ROCm, or ./build.sh deps)" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gfx90a gfx1030)
mkdir -p "$OUT_DIR"

printf '%-8s %-26s %5s %5s %5s %6s %6s %8s %7s %5s %5s\n' \
  target kernel SGPR VGPR AGPR sspill vspill scratch/l LDS/blk occ wave
for t in "${targets[@]}"; do
  work="$OUT_DIR/$t"
  mkdir -p "$work"
  # The same flags as cmake/IsnGpu.cmake's hipcc command (-O3 = Release).
  (cd "$work" && "$HIPCC" -std=c++17 -fPIC -fvisibility=hidden -ffp-contract=off -fno-fast-math \
      -fno-gpu-flush-denormals-to-zero -O3 --offload-arch="$t" \
      -I"$ROOT/native/include" -I"$ROOT/native/src" -DISN_BUILDING_LIBRARY -DISN_WITH_HIP \
      -Rpass-analysis=kernel-resource-usage --save-temps --cuda-device-only \
      -c "$ROOT/native/src/hip/gpu_backend.hip" -o gpu_backend.o) >"$work/remarks.txt" 2>&1
  asm="$(find "$work" -maxdepth 1 -name "*$t*.s" -print -quit)"
  # Remarks come per kernel as "Function Name: <mangled>" then "<key>: <value>" lines.
  awk '
    { sub(/ *\[-Rpass-analysis=kernel-resource-usage\] *$/, "") }
    /Function Name:/     { name=$NF; next }
    / SGPRs: /           { v[name,"sgpr"]=$NF }
    / VGPRs: /           { v[name,"vgpr"]=$NF }
    / AGPRs: /           { v[name,"agpr"]=$NF }
    /ScratchSize/        { v[name,"scratch"]=$NF }
    /Occupancy/          { v[name,"occ"]=$NF }
    /SGPRs Spill:/       { v[name,"sspill"]=$NF }
    /VGPRs Spill:/       { v[name,"vspill"]=$NF }
    /LDS Size/           { v[name,"lds"]=$NF; if (!(name in seen)) { seen[name]=1; order[++m]=name } }
    END {
      for (i=1;i<=m;i++) { k=order[i]
        pretty=k
        sub(/^_ZN3isn3gpu[0-9]+/, "", pretty)
        if (pretty ~ /^anneal_threadsIf/) pretty="anneal_threads<float>"
        else if (pretty ~ /^anneal_threadsId/) pretty="anneal_threads<double>"
        else if (pretty ~ /^anneal_blocksIf/) pretty="anneal_blocks<float>"
        else if (pretty ~ /^anneal_blocksId/) pretty="anneal_blocks<double>"
        else if (pretty ~ /^observe_systems/) pretty="observe_systems"
        a=v[k,"agpr"]; if (a=="") a="-"
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, pretty, v[k,"sgpr"], v[k,"vgpr"], a, v[k,"sspill"], v[k,"vspill"], v[k,"scratch"], v[k,"lds"], v[k,"occ"]
      }
    }' "$work/remarks.txt" | while IFS=$'\t' read -r mangled pretty sgpr vgpr agpr sspill vspill scratch lds occ; do
      wave="?"
      if [ -n "$asm" ]; then
        # Kernel descriptor of this kernel in the saved assembly.
        wave="$(awk -v k="$mangled" '
          $0 ~ "^[ \t]*.amdhsa_kernel " k "$" { on=1 }
          on && /.amdhsa_wavefront_size32/ { print ($2 == 1 ? 32 : 64); exit }
          on && /.end_amdhsa_kernel/ { print 64; exit }' "$asm")"
      fi
      printf '%-8s %-26s %5s %5s %5s %6s %6s %8s %7s %5s %5s\n' \
        "$t" "$pretty" "$sgpr" "$vgpr" "$agpr" "$sspill" "$vspill" "$scratch" "$lds" "$occ" "${wave:-?}"
    done
done
echo "(remarks and saved assembly under $OUT_DIR/<target>/)"
