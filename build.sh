#!/usr/bin/env bash
# IsingNative's build on Linux and macOS: ./build.sh VERB [ARGS] (./build.sh help lists the verbs).
# The verbs, stages, summary lines and exit codes live once, in the C# driver tools/IsingNative.Build;
# this shim checks for the .NET SDK and hands it its arguments and exit code. build.ps1 is the same for PowerShell.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET 10 SDK is required and 'dotnet' is not on PATH: https://dot.net/download" >&2
  echo "  (Debian 12: Microsoft's package feed, https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 127
fi
major="$(dotnet --version 2>/dev/null | cut -d. -f1)"
if [ "${major:-0}" -lt 10 ] 2>/dev/null; then
  echo "build.sh: the .NET 10 SDK is required; 'dotnet --version' says ${major:+$(dotnet --version)}${major:-nothing}: https://dot.net/download" >&2
  exit 127
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet run --project "$ROOT/tools/IsingNative.Build" -c Release -v q -- "$@"
