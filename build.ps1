<#
  IsingNative's build on Windows, Linux and macOS with PowerShell 7: ./build.ps1 VERB [ARGS] (./build.ps1 help lists
  the verbs). The verbs, stages, summary lines and exit codes live once, in the C# driver tools/IsingNative.Build;
  this shim checks for the .NET SDK and hands it its arguments and exit code, as build.sh does for bash.
#>
$ErrorActionPreference = "Stop"
if (-not (Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine("build.ps1: the .NET 10 SDK is required and 'dotnet' is not on PATH: https://dot.net/download")
    exit 127
}
$version = (& dotnet --version 2>$null) -as [string]
if (-not $version -or [int]($version.Split('.')[0]) -lt 10) {
    [Console]::Error.WriteLine("build.ps1: the .NET 10 SDK is required; 'dotnet --version' says '$version': https://dot.net/download")
    exit 127
}
$env:DOTNET_CLI_TELEMETRY_OPTOUT = "1"; $env:DOTNET_NOLOGO = "1"; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = "1"
& dotnet run --project (Join-Path $PSScriptRoot "tools/IsingNative.Build") -c Release -v q -- @args
exit $LASTEXITCODE
