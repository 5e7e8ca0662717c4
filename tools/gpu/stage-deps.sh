#!/usr/bin/env bash
# Stages the test/benchmark dependencies that a bare GPU machine without a
# package registry lacks, into .gpu-deps/ (ignored by git through
# .git/info/exclude; carry it to the device machine):
#   .gpu-deps/googletest  GoogleTest SOURCES (Debian's googletest package,
#                         /usr/src/googletest): measure-*.sh builds them there;
#   .gpu-deps/benchmark   Google Benchmark headers, x86-64 shared library and
#                         CMake package (Debian's libbenchmark-dev), relocatable;
#   .gpu-deps/ising-linux-x64.tar.xz
#                         the `ising` command line published self-contained for
#                         linux-x64 (.NET runtime included, trimmed; ~20 MB
#                         packed), from the working tree's managed/ sources:
#                         measure-*.sh unpack it and run `ising validate` and
#                         `ising bench` on the GPU (the device machine has no
#                         .NET SDK). ISN_STAGE_CLI=0 skips it (no dotnet here).
#   .gpu-deps/prebuilt-linux-x64.tar.xz
#                         the native library with its CUDA plug-in (sm_80, sm_90,
#                         PTX), the API tests and isn_bench_gpu, built here with
#                         Debian's nvcc (build/gpu-prebuilt): measure-nvidia.sh
#                         runs them as they are, compiling nothing on the GPU
#                         machine. ISN_STAGE_PREBUILT=0 skips it (no nvcc here).
# Run on the (x86-64 Debian/Ubuntu) build machine:  tools/gpu/stage-deps.sh
# The whole folder stays well under the device tool's 64 MiB carry limit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/.gpu-deps"
rm -rf "$DEST"
mkdir -p "$DEST"

[ -d /usr/src/googletest ] || { echo "stage-deps: /usr/src/googletest missing (apt-get install googletest)" >&2; exit 1; }
cp -r /usr/src/googletest "$DEST/googletest"

lib=/usr/lib/x86_64-linux-gnu
if [ -f "$lib/cmake/benchmark/benchmarkConfig.cmake" ]; then
  mkdir -p "$DEST/benchmark/include" "$DEST/benchmark/lib/x86_64-linux-gnu/cmake"
  cp -r /usr/include/benchmark "$DEST/benchmark/include/"
  cp -a "$lib"/libbenchmark.so* "$lib"/libbenchmark_main.a "$DEST/benchmark/lib/x86_64-linux-gnu/"
  cp -r "$lib/cmake/benchmark" "$DEST/benchmark/lib/x86_64-linux-gnu/cmake/"
else
  echo "stage-deps: no Google Benchmark package here (libbenchmark-dev): bench_anneal will not be built there" >&2
fi

# The command line, self-contained. Published from a copy of the sources (bin/obj
# excluded) so the working tree's own build outputs are not touched.
if [ "${ISN_STAGE_CLI:-1}" != 0 ]; then
  command -v dotnet >/dev/null || { echo "stage-deps: dotnet not found (set ISN_STAGE_CLI=0 to stage without the CLI)" >&2; exit 1; }
  src="$(mktemp -d "${TMPDIR:-/tmp}/isn-cli-src.XXXXXX")"
  trap 'rm -rf "$src"' EXIT
  tar -C "$ROOT" --exclude=bin --exclude=obj -cf - Directory.Build.props managed/IsingNative managed/IsingNative.Cli |
    tar -C "$src" -xf -
  # PackAsTool (a .NET tool package) and a self-contained publish exclude each other.
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$src/managed/IsingNative.Cli/IsingNative.Cli.csproj" \
    -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:PackAsTool=false -nologo -v q -o "$src/out/ising"
  "$src/out/ising/ising" --help >/dev/null  # it runs here (same x86-64 Linux)
  tar -C "$src/out" -cJf "$DEST/ising-linux-x64.tar.xz" ising
fi

# The prebuilt CUDA side: one build folder, so the plug-in is of the library's build (its build id).
if [ "${ISN_STAGE_PREBUILT:-1}" != 0 ]; then
  command -v nvcc >/dev/null || { echo "stage-deps: nvcc not found (./build.sh deps; or ISN_STAGE_PREBUILT=0)" >&2; exit 1; }
  pre="$ROOT/build/gpu-prebuilt"
  cmake -S "$ROOT" -B "$pre" -DCMAKE_BUILD_TYPE=Release -DISN_ENABLE_HIP=OFF -DISN_ENABLE_CUDA=ON \
    -DISN_ENABLE_VALGRIND_TEST=OFF >/dev/null
  cmake --build "$pre" -j"$(nproc)" --target isingnative isingnative_gpu_cuda isn_api_tests isn_bench_gpu >/dev/null
  tar -C "$pre" -cJf "$DEST/prebuilt-linux-x64.tar.xz" \
    $(cd "$pre" && ls native/libisingnative.so* native/libisingnative_gpu_cuda.so native/tests/isn_api_tests native/bench/isn_bench_gpu)
fi

# Keep it out of git (the device tool carries ignored paths named in `carry`).
exclude="$(git -C "$ROOT" rev-parse --git-path info/exclude 2>/dev/null || true)"
if [ -n "$exclude" ]; then
  case "$exclude" in /*) ;; *) exclude="$ROOT/$exclude" ;; esac
  grep -qxF '/.gpu-deps/' "$exclude" 2>/dev/null || echo '/.gpu-deps/' >>"$exclude"
fi
du -sh "$DEST"
