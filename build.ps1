<#
  IsingNative build driver (Windows PowerShell / pwsh). Same verbs as build.sh:
    ./build.ps1 demo | test | native | emu | managed | bindings | bench | clean
  Native: CMake + the Visual Studio or Ninja generator found on PATH (HIP when a ROCm/HIP SDK is found).
  emu: the test-only emulated-GPU flavour (HIP-CPU, build/emu); `test` runs the GPU tests on it (docs/GPU.md section 6).
#>
param([Parameter(Position = 0)][string]$Verb = "help")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$Config = if ($env:CONFIG) { $env:CONFIG } else { "Release" }
$NativeBuild = Join-Path $PSScriptRoot "build/native"
$EmuBuild = Join-Path $PSScriptRoot "build/emu"
$EmuNUnitFilter = 'FullyQualifiedName~\(Gpu\)|FullyQualifiedName~EmulatedGpu'
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
# The GPU backend on an emulated device (HIP-CPU): returns $true when build/emu holds it, else says why not
# (command output goes to the host so that the boolean is the function's only output).
function Build-Emulated {
    if (-not (Get-Command cmake -ErrorAction SilentlyContinue)) { Write-Host "emulated GPU flavour skipped: cmake not found"; return $false }
    $extra = @(); if ($env:ISN_HIP_CPU_DIR) { $extra += "-DISN_HIP_CPU_DIR=$($env:ISN_HIP_CPU_DIR)" }
    Invoke-Checked "emulated GPU: configure" { cmake -S . -B $EmuBuild -DCMAKE_BUILD_TYPE=$Config -DISN_GPU_EMULATION=ON -DISN_ENABLE_HIP=OFF `
        -DISN_ENABLE_VALGRIND_TEST=OFF -DISN_BUILD_BENCHMARKS=OFF @extra } | Out-Host
    $cache = Get-Content "$EmuBuild/CMakeCache.txt"
    if (-not ($cache -match '^ISN_GPU_BUILT:INTERNAL=emulated$')) {
        $why = ($cache -match '^ISN_GPU_EMULATION_SKIPPED:INTERNAL=') -replace '^ISN_GPU_EMULATION_SKIPPED:INTERNAL=', ''
        Write-Host "emulated GPU flavour skipped: $why"; return $false
    }
    Invoke-Checked "emulated GPU: build" { cmake --build $EmuBuild --config $Config --parallel } | Out-Host
    return $true
}
# Runs a test command; fails when it fails or when a GPU test (name containing "gpu") was skipped.
function Invoke-EmulatedTests([string]$What, [scriptblock]$Block, [string]$SkipPattern) {
    Write-Host "`n==> $What"
    & $Block 2>&1 | Tee-Object -Variable lines | Out-Host; $code = $LASTEXITCODE
    if ($code -ne 0) { throw "$What failed (exit $code)" }
    $skipped = @($lines | Where-Object { "$_" -match $SkipPattern })
    if ($skipped.Count -gt 0) { throw "$What : GPU test(s) SKIPPED on the emulated device: $($skipped -join '; ')" }
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
        $nativeLib = $env:ISINGNATIVE_LIBRARY_PATH
        $emu = Build-Emulated
        if ($emu) {
            Invoke-EmulatedTests "emulated GPU: native tests (CTest)" { ctest --test-dir $EmuBuild -C $Config --output-on-failure } '(?i)Test +#\d+: \S*gpu\S* .*Skipped'
        }
        Build-Managed
        Invoke-Checked "binding drift" { dotnet run -c $Config --project managed/IsingNative.BindingGen -- @GenArgs --check }
        Invoke-Checked "NUnit suite" { dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c $Config --no-build -nologo }
        if ($emu) {
            $lib = Get-ChildItem -Path $EmuBuild -Recurse -Include "isingnative.dll", "libisingnative.so" | Select-Object -First 1
            $env:ISINGNATIVE_LIBRARY_PATH = $lib.DirectoryName
            try {
                Invoke-EmulatedTests "emulated GPU: NUnit GPU cases" { dotnet test tests/IsingNative.Tests/IsingNative.Tests.csproj -c $Config `
                    --no-build -nologo --filter $EmuNUnitFilter --logger "console;verbosity=normal" } '^\s*Skipped\s'
            } finally { $env:ISINGNATIVE_LIBRARY_PATH = $nativeLib }
        }
        Invoke-Checked "benchmark smoke" { dotnet run -c Release --project managed/IsingNative.Benchmarks -- --smoke }
        Write-Host "(the bash command-line checks in tests/cli run under build.sh / WSL)"
    }
    "native" { Build-Native }
    "emu" { [void](Build-Emulated) }
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
