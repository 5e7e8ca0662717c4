#!/usr/bin/env bash
# Runs PowerShell 7 on a machine that has only the .NET SDK (CI's Debian image): installs the PowerShell .NET
# tool into build/tools/pwsh on first use, then execs it with this script's arguments.
#   tools/ci/pwsh.sh ./build.ps1 test
# PWSH_VERSION (default 7.6.10) picks the tool's version; a different installed version is replaced.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/build/tools/pwsh"
VERSION="${PWSH_VERSION:-7.6.10}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ ! -x "$TOOLS/pwsh" ] || ! dotnet tool list --tool-path "$TOOLS" | grep -q -i -E "^powershell +$VERSION( |$)"; then
  if [ -x "$TOOLS/pwsh" ]; then dotnet tool uninstall --tool-path "$TOOLS" PowerShell >/dev/null; fi
  echo "installing PowerShell $VERSION (.NET tool) into $TOOLS" >&2
  dotnet tool install --tool-path "$TOOLS" PowerShell --version "$VERSION" >&2
fi
# Telemetry off and no update check: CI has no use for either.
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
exec "$TOOLS/pwsh" -NoLogo -NoProfile -NonInteractive "$@"
