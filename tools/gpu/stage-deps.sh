#!/usr/bin/env bash
# Stages the test/benchmark dependencies that a bare GPU machine without a
# package registry lacks, into .gpu-deps/ (ignored by git through
# .git/info/exclude; carry it to the device machine):
#   .gpu-deps/googletest  GoogleTest SOURCES (Debian's googletest package,
#                         /usr/src/googletest): measure-*.sh builds them there;
#   .gpu-deps/benchmark   Google Benchmark headers, x86-64 shared library and
#                         CMake package (Debian's libbenchmark-dev), relocatable.
# Run on the (x86-64 Debian/Ubuntu) build machine:  tools/gpu/stage-deps.sh
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

# Keep it out of git (the device tool carries ignored paths named in `carry`).
exclude="$(git -C "$ROOT" rev-parse --git-path info/exclude 2>/dev/null || true)"
if [ -n "$exclude" ]; then
  case "$exclude" in /*) ;; *) exclude="$ROOT/$exclude" ;; esac
  grep -qxF '/.gpu-deps/' "$exclude" 2>/dev/null || echo '/.gpu-deps/' >>"$exclude"
fi
du -sh "$DEST"
