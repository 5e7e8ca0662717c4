#!/usr/bin/env bash
# The packages as .NET users consume them (docs/PACKAGING.md). Packs IsingNative, the `ising` tool
# and IsingNative.Cluster with this machine's native engine into a local feed, then, outside the
# checkout (so the library's walk up to the repository's build/ cannot stand in for the package):
#   - the nupkg carries runtimes/<rid>/native/libisingnative.so (and the GPU plug-in where built), a licence, a readme, a real
#     description, and a symbols package beside it; the packed library needs glibc <= 2.28 and no libstdc++;
#   - the symbols package's PDB has a SourceLink map (where the checkout has an origin remote);
#   - every package has the icon, the project and repository URLs and the release notes given to
#     the pack, its own readme (the tool: TOOL.md); the tool carries figure natives for its
#     platforms only and stays under ISING_TOOL_MAX_MB, and an installed `ising` draws a heatmap;
#   - a console app referencing IsingNative.Cluster from the feed builds and runs;
#   - samples/QuickStart (the README's snippet) restored from the feed runs and finds native-cpu
#     in the package's runtimes/ folder; published with NativeAOT it does too;
#   - `dotnet tool install` of IsingNative.Cli from the feed gives an `ising` whose `info` shows
#     native-cpu available;
#   - the CLI published with NativeAOT answers `empathy --json` byte for byte like the JIT CLI.
# Usage: tools/package/check.sh [NATIVE_LIB_DIR]   (default build/native/native)
# Prints "package: P passed, F failed" and exits nonzero on any failed check.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CONFIG="${CONFIG:-Release}"
LIBDIR="$(cd "${1:-build/native/native}" 2>/dev/null && pwd)" || { echo "package: no native build folder '${1:-build/native/native}' (./build.sh native)"; echo "package: 0 passed, 1 failed"; exit 1; }
WORK="$ROOT/build/package-check"
RID="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)"
case "$RID" in linux-*) ;; *) RID="linux-x64" ;; esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset ISINGNATIVE_LIBRARY_PATH   # the package alone must supply the engine

P=0; F=0
check() { # check NAME COMMAND...: one check, its outcome counted
  local name="$1"; shift
  if "$@" >"$WORK/last.log" 2>&1; then P=$((P+1)); echo "ok   $name"
  else F=$((F+1)); echo "FAIL $name"; sed 's/^/     | /' "$WORK/last.log" | tail -25; fi
}

rm -rf "$WORK"; mkdir -p "$WORK/feed"
APP="$(mktemp -d /tmp/isingnative-package-check.XXXXXX)"
trap 'rm -rf "$APP"' EXIT
# Our own packages only: a stale copy of this version in the global cache would hide a new pack.
PKGS="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$PKGS/isingnative" "$PKGS/isingnative.cli" "$PKGS/isingnative.cluster"
# The metadata a release passes (docs/PACKAGING.md, "Package metadata"): the check sees it arrive.
REPO_URL="https://isingnative.invalid/package-check"
NOTES="package check release notes"
META=(-p:IsingNativeRepositoryUrl="$REPO_URL" -p:IsingNativeReleaseNotes="$NOTES")
TOOL_MAX_MB="${ISING_TOOL_MAX_MB:-60}"

pack() {
  dotnet pack managed/IsingNative/IsingNative.csproj -c "$CONFIG" -o "$WORK/feed" -nologo -v q -p:IsingNativeNativeDir="$LIBDIR/" "${META[@]}" &&
  dotnet pack managed/IsingNative.Cli/IsingNative.Cli.csproj -c "$CONFIG" -o "$WORK/feed" -nologo -v q -p:IsingNativeNativeDir="$LIBDIR/" "${META[@]}" &&
  dotnet pack managed/IsingNative.Cluster/IsingNative.Cluster.csproj -c "$CONFIG" -o "$WORK/feed" -nologo -v q -p:IsingNativeNativeDir="$LIBDIR/" "${META[@]}"
}
check "dotnet pack IsingNative, IsingNative.Cli and IsingNative.Cluster with $LIBDIR" pack
NUPKG="$(ls "$WORK"/feed/IsingNative.[0-9]*.nupkg 2>/dev/null | grep -v snupkg | head -1)"
VERSION="$(basename "${NUPKG:-IsingNative.0.nupkg}" .nupkg | sed 's/^IsingNative\.//')"

# A .nupkg is a zip: python3 reads it (unzip is not on every machine; python3 is, ./build.sh deps).
zipls()  { python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }
zipcat() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }

package_contents() {
  local list; list="$(zipls "$NUPKG")" || return 1
  grep -q "runtimes/$RID/native/libisingnative.so" <<<"$list" || { echo "no runtimes/$RID/native/libisingnative.so in $NUPKG"; echo "$list"; return 1; }
  # The GPU plug-ins (AMD and NVIDIA) travel beside the CPU library wherever this build made them (docs/GPU.md §7),
  # and neither links a GPU runtime: each opens what the machine has, so both load anywhere.
  local plugin
  for plugin in libisingnative_gpu.so libisingnative_gpu_cuda.so; do
    [ -f "$LIBDIR/$plugin" ] || continue
    grep -q "runtimes/$RID/native/$plugin" <<<"$list" || { echo "the GPU plug-in $plugin was built but is not packed"; return 1; }
    zipcat "$NUPKG" "runtimes/$RID/native/$plugin" > "$WORK/$plugin" && cmp -s "$WORK/$plugin" "$LIBDIR/$plugin" ||
      { echo "the packed $plugin is not $LIBDIR/$plugin"; return 1; }
    ! readelf -d "$WORK/$plugin" | grep -E 'NEEDED.*(amdhip|cudart|libcuda)' || { echo "the plug-in $plugin links a GPU runtime"; return 1; }
  done
  grep -q "PACKAGE.md" <<<"$list" || { echo "no readme in $NUPKG"; return 1; }
  local spec; spec="$(zipcat "$NUPKG" IsingNative.nuspec)"
  grep -q '<license type="expression">MIT</license>' <<<"$spec" || { echo "no licence in the nuspec"; echo "$spec"; return 1; }
  grep -q '<readme>PACKAGE.md</readme>' <<<"$spec" || { echo "no readme in the nuspec"; return 1; }
  ! grep -q '<description>Package Description</description>' <<<"$spec" || { echo "default description"; return 1; }
  [ -f "$WORK/feed/IsingNative.$VERSION.snupkg" ] || { echo "no symbols package"; return 1; }
  # The packed engine is this build's, and it links no GPU runtime (the plug-in does).
  zipcat "$NUPKG" "runtimes/$RID/native/libisingnative.so" > "$WORK/packed.so" && cmp -s "$WORK/packed.so" "$LIBDIR/libisingnative.so" ||
    { echo "the packed libisingnative.so is not $LIBDIR/libisingnative.so"; return 1; }
  ! readelf -d "$WORK/packed.so" | grep -E 'NEEDED.*(amdhip|cudart|tbb)' || { echo "the CPU library links a GPU runtime"; return 1; }
  # The glibc baseline of the shipped file (docs/PACKAGING.md, "Which Linux distributions"), as the CTest checks the build's.
  cmake -DREADELF=readelf -DOBJDUMP=objdump -DGLIBC_MAX=2.28 -DGLIBCXX_MAX=none -DFILES="$WORK/packed.so" \
    -P tests/native/check_glibc.cmake || return 1
  local tool; tool="$(zipls "$WORK/feed/IsingNative.Cli.$VERSION.nupkg")" || return 1
  grep -q "tools/net10.0/any/runtimes/$RID/native/libisingnative.so" <<<"$tool" || { echo "the tool package has no native engine"; echo "$tool"; return 1; }
}
check "IsingNative.$VERSION.nupkg: native engine (glibc 2.28), licence, readme, description, symbols" package_contents

# package_metadata ID README: the nuspec's icon, URLs, release notes and readme, the files they name, the symbols package.
package_metadata() {
  local id="$1" readme="$2" nupkg="$WORK/feed/$1.$VERSION.nupkg" list spec
  list="$(zipls "$nupkg")" && spec="$(zipcat "$nupkg" "$id.nuspec")" || { echo "no $nupkg"; return 1; }
  grep -q '<icon>icon.png</icon>' <<<"$spec" && grep -qx 'icon.png' <<<"$list" || { echo "$id: no icon"; echo "$spec"; return 1; }
  grep -q "<projectUrl>$REPO_URL</projectUrl>" <<<"$spec" || { echo "$id: projectUrl is not $REPO_URL"; echo "$spec"; return 1; }
  grep -q "<repository type=\"git\" url=\"$REPO_URL\"" <<<"$spec" || { echo "$id: repository url is not $REPO_URL"; echo "$spec"; return 1; }
  grep -q "<releaseNotes>$NOTES</releaseNotes>" <<<"$spec" || { echo "$id: release notes not from IsingNativeReleaseNotes"; echo "$spec"; return 1; }
  grep -q "<readme>$readme</readme>" <<<"$spec" && grep -qx "$readme" <<<"$list" || { echo "$id: readme is not $readme"; echo "$spec"; return 1; }
  grep -q '<license type="expression">MIT</license>' <<<"$spec" || { echo "$id: no licence"; return 1; }
  ! grep -q '<description>Package Description</description>' <<<"$spec" || { echo "$id: default description"; return 1; }
  [ -f "$WORK/feed/$id.$VERSION.snupkg" ] || { echo "$id: no symbols package"; return 1; }
}
all_metadata() {
  package_metadata IsingNative PACKAGE.md && package_metadata IsingNative.Cli TOOL.md && package_metadata IsingNative.Cluster PACKAGE.md
}
check "package metadata: icon, project/repository URL, release notes, readme of each package" all_metadata

# SourceLink (docs/PACKAGING.md, "Package metadata") maps the PDB's sources to the origin remote's
# commit. The SDK knows how to link sources only on the hosts it has providers for (GitHub, GitLab,
# Azure Repos, Bitbucket); a checkout whose origin is elsewhere, or a local path (a clone of a
# clone, as CI's is), packs without the map, so the check needs such an origin.
sourcelink() {
  zipcat "$WORK/feed/IsingNative.$VERSION.snupkg" lib/net10.0/IsingNative.pdb > "$WORK/IsingNative.pdb" || return 1
  grep -aq '"documents"' "$WORK/IsingNative.pdb" ||
    { echo "no SourceLink map in the symbols package's IsingNative.pdb (origin: $(git remote get-url origin))"; return 1; }
}
origin="$(git remote get-url origin 2>/dev/null || true)"
if grep -q -E '^(https?|ssh|git)://([^/@]*@)?(github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com|[^/]*\.visualstudio\.com)[:/]|^git@(github\.com|gitlab\.com|bitbucket\.org):' <<<"$origin"; then
  check "SourceLink: the symbols package's PDB maps its sources to the commit" sourcelink
else
  echo "skip SourceLink: the origin remote (${origin:-none}) is not on a host SourceLink links to"
fi

tool_size() {
  local bytes rids; bytes="$(stat -c %s "$WORK/feed/IsingNative.Cli.$VERSION.nupkg")" || return 1
  echo "IsingNative.Cli.$VERSION.nupkg: $((bytes / 1048576)) MB (ceiling $TOOL_MAX_MB MB)"
  # Native folders: the tool's platforms (IsingNativeToolRids in IsingNative.Cli.csproj) and no others.
  rids="$(zipls "$WORK/feed/IsingNative.Cli.$VERSION.nupkg" | sed -n 's|^tools/net10.0/any/runtimes/\([^/]*\)/native/.*|\1|p' | sort -u | tr '\n' ' ')"
  echo "native folders: $rids"
  [ "$rids" = "linux-arm64 linux-musl-arm64 linux-musl-x64 linux-x64 osx win-arm64 win-x64 " ] ||
    { echo "the tool's native folders are not the platforms of IsingNativeToolRids"; return 1; }
  [ "$bytes" -le $((TOOL_MAX_MB * 1048576)) ] || { echo "the tool package grew past $TOOL_MAX_MB MB (docs/PACKAGING.md, \"The tool's size\")"; return 1; }
}
check "IsingNative.Cli.$VERSION.nupkg: figure natives for the tool's platforms only, under $TOOL_MAX_MB MB" tool_size

cp -r samples/QuickStart/. "$APP/"
rm -rf "$APP/bin" "$APP/obj"
RESTORE=(-p:RestoreAdditionalProjectSources="$WORK/feed" -p:IsingNativeVersion="$VERSION")
sample_run() {
  dotnet build "$APP/QuickStart.csproj" -c Release -nologo -v q "${RESTORE[@]}" &&
  dotnet "$APP/bin/Release/net10.0/QuickStart.dll" | tee "$APP/jit.txt" &&
  grep -q "^backend native-cpu available=True (.*/runtimes/$RID/native/libisingnative.so" "$APP/jit.txt" &&
  grep -q "^engine NativeCpu;" "$APP/jit.txt" && grep -q "e01 == r: True" "$APP/jit.txt"
}
check "samples/QuickStart from the feed: runs native-cpu from the package's runtimes/" sample_run

sample_aot() {
  dotnet publish "$APP/QuickStart.csproj" -c Release -r "$RID" -p:PublishAot=true -nologo -v q "${RESTORE[@]}" -o "$APP/aot" &&
  "$APP/aot/QuickStart" | tee "$APP/aot.txt" &&
  grep -q "^backend native-cpu available=True" "$APP/aot.txt" && grep -q "^engine NativeCpu;" "$APP/aot.txt" &&
  diff <(grep -v '^backend ' "$APP/jit.txt") <(grep -v '^backend ' "$APP/aot.txt")
}
check "samples/QuickStart published with NativeAOT: native-cpu, same output as JIT" sample_aot

tool_install() {
  dotnet tool install --tool-path "$APP/tool" IsingNative.Cli --version "$VERSION" --add-source "$WORK/feed" &&
  (cd "$APP" && "$APP/tool/ising" info | tee "$APP/info.txt") &&
  grep -Eq '^ +native-cpu +available ' "$APP/info.txt" && grep -Eq '^ +auto picks +native-cpu' "$APP/info.txt" &&
  (cd "$APP" && "$APP/tool/ising" swarm --agents 3 --heatmap "$APP/heatmap.png" >/dev/null) &&
  [ "$(head -c 8 "$APP/heatmap.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "ising info or its heatmap (no PNG written) failed"; return 1; }
}
check "dotnet tool install IsingNative.Cli: ising info shows native-cpu, draws a heatmap" tool_install

cli_aot() {
  dotnet publish managed/IsingNative.Cli/IsingNative.Cli.csproj -c "$CONFIG" -r "$RID" -p:PublishAot=true -nologo -v q -o "$APP/cli-aot" &&
  local args=(empathy --n 24 --self-seed 42 --other-seed 99 --seed 7 --backend native-cpu --json) &&
  ISINGNATIVE_LIBRARY_PATH="$LIBDIR" "$APP/cli-aot/ising" "${args[@]}" > "$APP/aot.json" &&
  ISINGNATIVE_LIBRARY_PATH="$LIBDIR" dotnet "managed/IsingNative.Cli/bin/$CONFIG/net10.0/ising.dll" "${args[@]}" > "$APP/jit.json" &&
  cmp "$APP/aot.json" "$APP/jit.json" && grep -q '"score"' "$APP/aot.json"
}
check "ising published with NativeAOT: empathy --json identical to the JIT CLI" cli_aot

# IsingNative.Cluster from the feed: a program of one's own builds against it and runs, its
# IsingNative dependency bringing the native engine (native-cpu available) and Orleans restored.
cluster_consumer() {
  mkdir -p "$APP/cluster" && cat > "$APP/cluster/ClusterConsumer.csproj" <<XML &&
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="IsingNative.Cluster" Version="$VERSION" /></ItemGroup>
</Project>
XML
  cat > "$APP/cluster/Program.cs" <<'CS' &&
using IsingNative;
using IsingNative.Cluster;
var silo = new SwarmSiloOptions();
Console.WriteLine($"key {SwarmBlockGrainKey.Of("run", 7)}");
var cpu = IsingEngine.DescribeBackends().First(b => b.Name == "native-cpu");
Console.WriteLine($"native-cpu {cpu.Available} {silo.Backend}");
CS
  dotnet build "$APP/cluster/ClusterConsumer.csproj" -c Release -nologo -v q -p:RestoreAdditionalProjectSources="$WORK/feed" &&
  dotnet "$APP/cluster/bin/Release/net10.0/ClusterConsumer.dll" | tee "$APP/cluster.txt" &&
  grep -qx "key run/7" "$APP/cluster.txt" && grep -qx "native-cpu True Auto" "$APP/cluster.txt"
}
check "IsingNative.Cluster from the feed: a consumer builds, runs, has native-cpu" cluster_consumer

echo "package: $P passed, $F failed"
[ "$F" -eq 0 ]
