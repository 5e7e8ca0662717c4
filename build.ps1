<#
  IsingNative build driver (Windows PowerShell / pwsh). Same verbs as build.sh:
    ./build.ps1 demo | test | native | managed | bindings | bench | clean
  Native: CMake + the Visual Studio or Ninja generator found on PATH (HIP when a ROCm/HIP SDK is found).
#>
param([Parameter(Position = 0)][string]$Verb = "help")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$Config = if ($env:CONFIG) { $env:CONFIG } else { "Release" }
$NativeBuild = Join-Path $PSScriptRoot "build/native"
$Cli = "managed/IsingNative.Cli/bin/$Config/net10.0/ising.dll"
$GenArgs = @("--header", "native/include/isingnative.h", "--out", "managed/IsingNative/Interop/IsingNativeApi.generated.cs",
             "--namespace", "IsingNative.Interop", "--class", "IsingNativeApi", "--library", "isingnative")
$env:DOTNET_CLI_TELEMETRY_OPTOUT = "1"; $env:DOTNET_NOLOGO = "1"

function Invoke-Checked([string]$What, [scriptblock]$Block) {
    Write-Host "`n==> $What"
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
}
function Build-Native {
    if (-not (Get-Command cmake -ErrorAction SilentlyContinue)) { Write-Host "cmake not found: managed backend only"; return }
    $hip = if ($env:ISN_HIP) { $env:ISN_HIP } else { "AUTO" }
    Invoke-Checked "native: configure" { cmake -S . -B $NativeBuild -DCMAKE_BUILD_TYPE=$Config -DISN_ENABLE_HIP=$hip }
    Invoke-Checked "native: build" { cmake --build $NativeBuild --config $Config --parallel }
    $lib = Get-ChildItem -Path $NativeBuild -Recurse -Include "isingnative.dll", "libisingnative.so" | Select-Object -First 1
    if ($lib) { $env:ISINGNATIVE_LIBRARY_PATH = $lib.DirectoryName }
}
function Build-Managed { Invoke-Checked "managed: dotnet build" { dotnet build IsingNative.sln -c $Config -nologo -v q } }
function Ising { dotnet $Cli @args; if ($LASTEXITCODE -ne 0) { throw "ising $args failed (exit $LASTEXITCODE)" } }

switch ($Verb) {
    "demo" {
        try { Build-Native } catch { Write-Warning "native build failed: the demo runs on the managed backend" }
        Build-Managed
        Ising info
        Ising empathy --n 20 --self-seed 42 --other-seed 99 --seed 7
        Ising social --n 20 --agents 5 --self-seed 42 --other-seed 100 --seed 7
        New-Item -ItemType Directory -Force artifacts | Out-Null
        Ising swarm --agents 100 --n 20 --seed 7 --heatmap artifacts/swarm-100.png
    }
    "test" {
        Build-Native
        if (Test-Path "$NativeBuild/CTestTestfile.cmake") { Invoke-Checked "native tests" { ctest --test-dir $NativeBuild -C $Config --output-on-failure } }
        Build-Managed
        Invoke-Checked "binding drift" { dotnet run -c $Config --project managed/IsingNative.BindingGen -- @GenArgs --check }
        Invoke-Checked "NUnit suite" { dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c $Config --no-build -nologo }
        Invoke-Checked "benchmark smoke" { dotnet run -c Release --project managed/IsingNative.Benchmarks -- --smoke }
        Write-Host "(the bash command-line checks in tests/cli run under build.sh / WSL)"
    }
    "native" { Build-Native }
    "managed" { Build-Managed }
    "bindings" { Invoke-Checked "bindings" { dotnet run -c $Config --project managed/IsingNative.BindingGen -- @GenArgs } }
    "bench" {
        Build-Native; Build-Managed
        Ising bench
        Invoke-Checked "BenchmarkDotNet" { dotnet run -c Release --project managed/IsingNative.Benchmarks -- --filter "*" }
    }
    "clean" { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue build, artifacts }
    default { Get-Content $PSCommandPath -TotalCount 6 | Select-Object -Skip 1; exit 2 }
}
