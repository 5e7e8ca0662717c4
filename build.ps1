<#
  IsingNative build driver for PowerShell 7 (Windows, Linux, macOS): the verbs, stages and totals of build.sh.
    ./build.ps1 demo       build everything and run a short tour through the `ising` command line
    ./build.ps1 test       build everything and run every test stage build.sh runs, each one even after a failure, and
                           print the same `test stages:`, `emulated GPU:` and `tests: N passed, N failed, N skipped` lines
    ./build.ps1 fuzz [S]   run every fuzz harness for S seconds each (default 600)
    ./build.ps1 sanitize   the ASan+UBSan and TSan stages alone
    ./build.ps1 package    pack IsingNative and the ising tool into a local feed and check them as a consumer would
    ./build.ps1 native     configure + build the native library (HIP when a ROCm/HIP SDK is found)
    ./build.ps1 emu        configure + build the emulated-GPU flavour (build/emu; test-only, never shipped)
    ./build.ps1 managed    build the .NET solution (Release)
    ./build.ps1 bindings   regenerate managed/IsingNative/Interop/*.generated.cs from native/include
    ./build.ps1 bench      run the benchmarks for real (BenchmarkDotNet, Google Benchmark, `ising bench`)
    ./build.ps1 deps       Linux: what `./build.sh deps` installs (apt); elsewhere: prints what to install
    ./build.ps1 clean      remove build outputs
  Environment: ISN_HIP=AUTO|ON|OFF (default AUTO), ISN_HIP_TARGETS (default: this machine's AMD GPUs, else the broad
               list of docs/GPU.md), ISN_CUDA=AUTO|ON|OFF (default AUTO),
               CONFIG=Release|Debug (default Release), ISN_HIP_CPU_DIR (default ../shared/third_party/hip-cpu),
               FUZZ_SECONDS (default 60: each fuzz harness's run in `test`).
  Stages that are bash scripts (tools/sanitize, tools/fuzz, tools/package) run through bash on Linux and macOS and are
  reported as skipped, with the reason, on Windows. Without pwsh on Linux: tools/ci/pwsh.sh ./build.ps1 test
#>
#Requires -Version 7.2
param([Parameter(Position = 0)][string]$Verb = "", [Parameter(Position = 1)][string]$Seconds = "")
Set-StrictMode -Version 3.0
$ErrorActionPreference = "Stop"
# A native command's exit code is checked by Exec, not turned into an error by PowerShell.
$PSNativeCommandUseErrorActionPreference = $false
Set-Location $PSScriptRoot

$Root = $PSScriptRoot
$Config = if ($env:CONFIG) { $env:CONFIG } else { "Release" }
$NativeBuild = Join-Path $Root "build/native"
$EmuBuild = Join-Path $Root "build/emu"
$FuzzSeconds = if ($env:FUZZ_SECONDS) { $env:FUZZ_SECONDS } else { "60" }
$Jobs = [Environment]::ProcessorCount
$env:DOTNET_CLI_TELEMETRY_OPTOUT = "1"; $env:DOTNET_NOLOGO = "1"; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = "1"
$TestProject = "tests/IsingNative.Tests/IsingNative.Tests.csproj"
$GenProject = "managed/IsingNative.BindingGen/IsingNative.BindingGen.csproj"
$Bindings = "managed/IsingNative/Interop/IsingNativeApi.generated.cs"
$Header = "native/include/isingnative.h"
$CliDll = "managed/IsingNative.Cli/bin/$Config/net10.0/ising.dll"
$GenArgs = @("--header", $Header, "--out", $Bindings, "--namespace", "IsingNative.Interop", "--class", "IsingNativeApi",
             "--library", "isingnative")
$LibName = if ($IsWindows) { "isingnative.dll" } elseif ($IsMacOS) { "libisingnative.dylib" } else { "libisingnative.so" }
$GpuLibName = if ($IsWindows) { "isingnative_gpu.dll" } elseif ($IsMacOS) { "libisingnative_gpu.dylib" } else { "libisingnative_gpu.so" }
$GpuCudaLibName = if ($IsWindows) { "isingnative_gpu_cuda.dll" } elseif ($IsMacOS) { "libisingnative_gpu_cuda.dylib" } else { "libisingnative_gpu_cuda.so" }

function Write-Log([string]$Message) { Write-Host "`n==> $Message" }

# Runs one native command with its arguments as given (each one argument, never re-split); throws when it fails.
function Exec([string]$Command, [string[]]$Arguments = @()) {
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed (exit $LASTEXITCODE)" }
}

function Test-Command([string]$Name) { [bool](Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue) }

# A stage that cannot run here says why and counts as neither passed nor failed.
class StageSkipped : System.Exception { StageSkipped([string]$Message) : base($Message) {} }
function Skip-Stage([string]$Why) { throw [StageSkipped]::new($Why) }

# The first file called $Name under $Dir (as build.sh's find -print -quit), or $null.
function Find-File([string]$Dir, [string]$Name) {
    if (-not (Test-Path -LiteralPath $Dir)) { return $null }
    Get-ChildItem -LiteralPath $Dir -Recurse -File -Filter $Name -ErrorAction SilentlyContinue | Select-Object -First 1
}

# One cache entry of a CMake build folder ("" when absent).
function Get-CacheValue([string]$BuildDir, [string]$Key) {
    $cache = Join-Path $BuildDir "CMakeCache.txt"
    if (-not (Test-Path -LiteralPath $cache)) { return "" }
    $line = Select-String -LiteralPath $cache -Pattern "^$([regex]::Escape($Key))=" | Select-Object -First 1
    if ($line) { return $line.Line.Substring($Key.Length + 1) } else { return "" }
}

# ---- native ---------------------------------------------------------------------------------
function Build-Native {
    if (-not (Test-Command cmake)) { Write-Log "cmake not found: skipping the native library (managed backend only)"; return }
    $hip = if ($env:ISN_HIP) { $env:ISN_HIP } else { "AUTO" }
    $cuda = if ($env:ISN_CUDA) { $env:ISN_CUDA } else { "AUTO" }
    Write-Log "native: configure + build ($NativeBuild, HIP=$hip, CUDA=$cuda)"
    $configure = @("-S", ".", "-B", $NativeBuild, "-DCMAKE_BUILD_TYPE=$Config", "-DISN_ENABLE_HIP=$hip",
                   "-DISN_ENABLE_CUDA=$cuda", "-DISN_HIP_TARGETS=$($env:ISN_HIP_TARGETS)")
    Exec cmake $configure | Where-Object { $_ -match 'isingnative:' } | ForEach-Object { Write-Host $_ }
    Exec cmake @("--build", $NativeBuild, "--config", $Config, "--parallel", "$Jobs")
}

# The folder holding the native library, for ISINGNATIVE_LIBRARY_PATH (the managed resolver also probes build/native).
function Get-NativeLibDir { $lib = Find-File $NativeBuild $LibName; if ($lib) { $lib.DirectoryName } else { $null } }

# ---- emulated GPU (test-only) ----------------------------------------------------------------
# The GPU backend's one kernel source compiled by the host compiler against HIP-CPU (cmake/IsnGpu.cmake,
# ISN_GPU_EMULATION): a second copy of the library in build/emu, never the one shipped. NUnit's GPU cases:
# the backend-parameterised ones, "(Gpu)" in the name, and the fault tests.
$EmuNUnitFilter = 'FullyQualifiedName~\(Gpu\)|FullyQualifiedName~EmulatedGpu'
$script:EmuSkipped = ""   # why the emulated flavour was not built (empty: it was)

function Build-Emulated {
    $script:EmuSkipped = ""
    if (-not (Test-Command cmake)) { $script:EmuSkipped = "cmake not found"; Write-Log "emulated GPU flavour skipped: $script:EmuSkipped"; return }
    Write-Log "emulated GPU: configure + build ($EmuBuild, HIP-CPU)"
    # Library and CTest suite only: no valgrind (HIP-CPU's fibers and TBB), no benchmarks.
    $configure = @("-S", ".", "-B", $EmuBuild, "-DCMAKE_BUILD_TYPE=$Config", "-DISN_GPU_EMULATION=ON", "-DISN_ENABLE_HIP=OFF",
                   "-DISN_ENABLE_VALGRIND_TEST=OFF", "-DISN_BUILD_BENCHMARKS=OFF")
    if ($env:ISN_HIP_CPU_DIR) { $configure += "-DISN_HIP_CPU_DIR=$($env:ISN_HIP_CPU_DIR)" }
    Exec cmake $configure | Out-Null
    if ((Get-CacheValue $EmuBuild "ISN_GPU_BUILT:INTERNAL") -ne "emulated") {
        $why = Get-CacheValue $EmuBuild "ISN_GPU_EMULATION_SKIPPED:INTERNAL"
        $script:EmuSkipped = if ($why) { $why } else { "not configured" }
        Write-Log "emulated GPU flavour skipped: $script:EmuSkipped"
        return
    }
    Exec cmake @("--build", $EmuBuild, "--config", $Config, "--parallel", "$Jobs")
}

function Get-EmuLibDir { $lib = Find-File $EmuBuild $LibName; if ($lib) { $lib.DirectoryName } else { $null } }

# Every CTest test against the emulated library (the GPU ones now run).
function Test-EmuNative { Exec ctest @("--test-dir", $EmuBuild, "-C", $Config, "--output-on-failure", "-j2") }

# Only NUnit's GPU cases, on the emulated device.
function Test-EmuNUnit {
    $libDir = Get-EmuLibDir
    if (-not $libDir) { throw "no emulated library in $EmuBuild" }
    $env:ISINGNATIVE_LIBRARY_PATH = $libDir
    Exec dotnet @("test", $TestProject, "-c", $Config, "--no-build", "-nologo", "--filter", $EmuNUnitFilter,
                  "--logger", "console;verbosity=normal")
}

# Counts of the GPU tests in a stage's output: CTest tests with "gpu" in the name (any case), or every test of
# the NUnit GPU filter.
$script:EPassed = 0; $script:EFailed = 0; $script:ESkipped = 0; $script:EDetail = [System.Collections.Generic.List[string]]::new()
function Add-EmuGpuCounts([string[]]$Lines, [string]$What) {
    $p = 0; $x = 0; $k = 0
    if ($What -eq "ctest") {
        # "12/67 Test #12: Gpu.MatchesCpuBitForBit .....   Passed    0.53 sec" (or ***Failed, ***Skipped, ...)
        foreach ($line in $Lines) {
            if ($line -notmatch 'Test +#[0-9]+: +(\S+)') { continue }
            if ($Matches[1].ToLowerInvariant() -notmatch 'gpu') { continue }
            if ($line -match '[ *]Passed +[0-9.]+ sec') { $p++ } elseif ($line -match 'Skipped') { $k++ } else { $x++ }
        }
    }
    elseif ($Lines -match '^\s*Total tests: [0-9]+') {
        $p, $x, $k = Get-DotnetTestCounts $Lines
    }
    $script:EPassed += $p; $script:EFailed += $x; $script:ESkipped += $k
    $script:EDetail.Add("$What $p/$x/$k")
}

# The emulated-GPU summary line; fails when a GPU test skipped there (under emulation a skip means the device
# was not found) or when none ran at all.
function Write-EmuSummary {
    if ($script:EmuSkipped) { Write-Host "emulated GPU: not run ($script:EmuSkipped)"; return $true }
    Write-Host "emulated GPU: $script:EPassed passed, $script:EFailed failed, $script:ESkipped skipped (passed/failed/skipped: $($script:EDetail -join ' '))"
    if ($script:ESkipped -gt 0) { Write-Host "emulated GPU: $script:ESkipped GPU test(s) SKIPPED on the emulated device: that is a failure"; return $false }
    if ($script:EPassed -eq 0) { Write-Host "emulated GPU: no GPU test ran"; return $false }
    return $script:EFailed -eq 0
}

# ---- managed ----------------------------------------------------------------------------------
function Build-Managed {
    Write-Log "managed: dotnet build IsingNative.sln ($Config)"
    Exec dotnet @("build", "IsingNative.sln", "-c", $Config, "-nologo", "-v", "q")
}

function Ising { Exec dotnet (@($CliDll) + $args) }

function Update-Bindings {
    Write-Log "bindings: regenerate $Bindings from $Header"
    Exec dotnet (@("run", "-c", $Config, "--project", $GenProject, "--") + $GenArgs)
}

function Test-Bindings {
    Write-Log "bindings: check $Bindings is what $Header generates"
    Exec dotnet (@("run", "-c", $Config, "--project", $GenProject, "--") + $GenArgs + @("--check"))
}

# ---- test stages ------------------------------------------------------------------------------
$script:Passed = 0; $script:Failed = 0; $script:FailedStages = [System.Collections.Generic.List[string]]::new()
$script:SkippedStages = [System.Collections.Generic.List[string]]::new()
$script:TPassed = 0; $script:TFailed = 0; $script:TSkipped = 0

# Runs one test stage: streams its output, records the outcome and its test counts, and keeps going. Like build.sh's
# stages (a child shell each), a stage's changes to the environment and the current folder end with it.
function Invoke-Stage([string]$Name, [scriptblock]$Block, [string]$Emu = "") {
    Write-Log "test stage: $Name"
    $lines = [System.Collections.Generic.List[string]]::new()
    $savedEnv = [Environment]::GetEnvironmentVariables()
    Push-Location
    $outcome = "passed"
    try {
        & $Block *>&1 | ForEach-Object { $text = "$_"; Write-Host $text; foreach ($l in $text -split "`r?`n") { $lines.Add($l) } }
    }
    catch [StageSkipped] {
        $outcome = "skipped"; Write-Host "stage skipped: $($_.Exception.Message)"
    }
    catch {
        $outcome = "failed"; $message = "$Name failed: $($_.Exception.Message)"; Write-Host $message; $lines.Add($message)
    }
    finally {
        Pop-Location
        foreach ($key in @([Environment]::GetEnvironmentVariables().Keys)) {
            if (-not $savedEnv.Contains($key)) { [Environment]::SetEnvironmentVariable($key, $null) }
        }
        foreach ($entry in $savedEnv.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    }
    switch ($outcome) {
        "passed" { $script:Passed++ }
        "failed" { $script:Failed++; $script:FailedStages.Add($Name) }
        "skipped" { $script:SkippedStages.Add($Name) }
    }
    Add-TestCounts $lines.ToArray()
    if ($Emu) { Add-EmuGpuCounts $lines.ToArray() $Emu }
}

# dotnet test's summary: the last "Passed: N", "Failed: N" and "Skipped: N" lines.
function Get-DotnetTestCounts([string[]]$Lines) {
    $last = { param($label) $m = @($Lines | Where-Object { $_ -match "^\s*${label}: ([0-9]+)" }); if ($m) { [int]($m[-1] -replace "^\s*${label}: ([0-9]+).*", '$1') } else { 0 } }
    return @((& $last "Passed"), (& $last "Failed"), (& $last "Skipped"))
}

# Adds the counts a stage's runner printed (CTest, dotnet test, a script's "<label>: N passed, N failed") to the totals.
function Add-TestCounts([string[]]$Lines) {
    $p = 0; $x = 0; $k = 0
    $ctest = @($Lines -match '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+')
    $label = @($Lines -match '^[A-Za-z][A-Za-z0-9 _-]*: [0-9]+ passed, [0-9]+ failed')
    if ($ctest) {
        $null = $ctest[-1] -match 'passed, ([0-9]+) tests failed out of ([0-9]+)'
        $x = [int]$Matches[1]; $k = @($Lines -match '\(Skipped\)$').Count
        $p = [int]$Matches[2] - $x - $k
    }
    elseif ($Lines -match '^\s*Total tests: [0-9]+') {
        $p, $x, $k = Get-DotnetTestCounts $Lines
    }
    elseif ($label) {
        $null = $label[-1] -match ': ([0-9]+) passed, ([0-9]+) failed'
        $p = [int]$Matches[1]; $x = [int]$Matches[2]
    }
    $script:TPassed += $p; $script:TFailed += $x; $script:TSkipped += $k
}

function Test-Native { Exec ctest @("--test-dir", $NativeBuild, "-C", $Config, "--output-on-failure", "-j2") }

# The GPU plug-ins' code objects (as build.sh): the AMD plug-in carries one per ISA that CMake chose
# (ISN_HIP_ISAS_BUILT), and under CI the whole broad list the package ships (ISN_HIP_BROAD_TARGETS).
function Test-GpuBuilt([string]$Flavour) { (Get-CacheValue $NativeBuild "ISN_GPU_BUILT:INTERNAL") -split ';' -contains $Flavour }

function Test-HipTargets {
    if (-not (Test-GpuBuilt hip)) {
        if ((Test-Command clang++-19) -and (Test-Path /usr/lib/x86_64-linux-gnu/amdgcn/bitcode) -and $env:ISN_HIP -ne "OFF") {
            throw "clang-19 and ROCm's device libraries are installed but the HIP plug-in was not built"
        }
        Write-Log "HIP plug-in not built (no HIP compiler or device libraries; ./build.sh deps installs them): skipping the code-object check"
        return
    }
    $lib = Find-File $NativeBuild $GpuLibName
    if (-not $lib) { throw "the HIP plug-in was configured but no $GpuLibName was built in $NativeBuild" }
    if (-not (Test-Command roc-obj-ls)) {
        if ($IsWindows) { Skip-Stage "roc-obj-ls (ROCm, Linux) is not available on Windows" }
        throw "roc-obj-ls not found (./build.sh deps installs Debian's ROCm toolchain)"
    }
    $listing = @(& roc-obj-ls $lib.FullName)
    if ($LASTEXITCODE -ne 0) { throw "roc-obj-ls $($lib.FullName) failed (exit $LASTEXITCODE)" }
    $listing | ForEach-Object { Write-Host $_ }
    $wanted = @((Get-CacheValue $NativeBuild "ISN_HIP_ISAS_BUILT:INTERNAL") -split ';')
    if ($env:CI -eq "true") { $wanted += (Get-CacheValue $NativeBuild "ISN_HIP_BROAD_TARGETS:STRING") -split ';' }
    $wanted = @($wanted | Where-Object { $_ } | Sort-Object -Unique)
    $missing = 0
    foreach ($t in $wanted) {
        if ($listing -match "--$([regex]::Escape($t))\b") { Write-Host "code object for ${t}: present" } else { Write-Host "code object for ${t}: MISSING"; $missing++ }
    }
    Write-Host "HIP code objects: $($wanted.Count) ISAs checked"
    if ($missing) { throw "$missing code object(s) missing" }
}

# The CUDA plug-in: SASS for sm_80 and sm_90, and PTX that newer GPUs compile (cuobjdump).
function Test-CudaTargets {
    if (-not (Test-GpuBuilt cuda)) {
        if ((Test-Command nvcc) -and $env:ISN_CUDA -ne "OFF") { throw "nvcc is installed but the CUDA plug-in was not built" }
        Write-Log "CUDA plug-in not built (no nvcc; ./build.sh deps installs Debian's toolkit): skipping the cuobjdump check"
        return
    }
    $lib = Find-File $NativeBuild $GpuCudaLibName
    if (-not $lib) { throw "the CUDA plug-in was configured but no $GpuCudaLibName was built in $NativeBuild" }
    $elf = @(& cuobjdump --list-elf $lib.FullName); $ptx = @(& cuobjdump --list-ptx $lib.FullName)
    ($elf + $ptx) | ForEach-Object { Write-Host $_ }
    $missing = 0
    foreach ($sm in @("sm_80", "sm_90")) {
        if ($elf -match "\.$sm\.cubin") { Write-Host "SASS for ${sm}: present" } else { Write-Host "SASS for ${sm}: MISSING"; $missing++ }
    }
    if ($ptx -match "\.ptx") { Write-Host "PTX: present" } else { Write-Host "PTX: MISSING"; $missing++ }
    if ($missing) { throw "$missing CUDA code object(s) missing" }
}

function Test-NUnit {
    $libDir = Get-NativeLibDir
    if ($libDir) { $env:ISINGNATIVE_LIBRARY_PATH = $libDir }
    Exec dotnet @("test", $TestProject, "-c", $Config, "--no-build", "-nologo", "--filter", "Category!=Cli",
                  "--logger", "console;verbosity=normal")
}

# The command-line checks: NUnit's Cli category (tests/IsingNative.Tests/Cli) runs the built `ising` as a child process.
function Test-Cli {
    $libDir = Get-NativeLibDir
    if ($libDir) { $env:ISINGNATIVE_LIBRARY_PATH = $libDir }
    # A filter that matches nothing is not a pass (dotnet test exits 0 then).
    $lines = & dotnet @("test", $TestProject, "-c", $Config, "--no-build", "-nologo", "--filter", "Category=Cli",
                        "--logger", "console;verbosity=normal") | Tee-Object -Variable cliOutput
    $code = $LASTEXITCODE
    $lines | Write-Host
    if ($code -ne 0) { throw "dotnet test --filter Category=Cli failed (exit $code)" }
    if (-not ($cliOutput | Select-String -Pattern '^\s*Total tests: [1-9]' -Quiet)) { throw "command line: no test ran" }
}

# The swarm on an Orleans cluster (docs/CLUSTER.md): several in-process silos (TestingHost) against the single-process
# swarm, bit for bit, also with a silo stopped in the middle of a round. A run that found no test fails.
function Test-Cluster {
    $libDir = Get-NativeLibDir
    if ($libDir) { $env:ISINGNATIVE_LIBRARY_PATH = $libDir }
    $lines = & dotnet @("test", "tests/IsingNative.Cluster.Tests/IsingNative.Cluster.Tests.csproj", "-c", $Config, "--no-build", "-nologo",
                        "--logger", "console;verbosity=normal") | Tee-Object -Variable clusterOutput
    $code = $LASTEXITCODE
    $lines | Write-Host
    if ($code -ne 0) { throw "dotnet test tests/IsingNative.Cluster.Tests failed (exit $code)" }
    if (-not ($clusterOutput | Select-String -Pattern '^\s*Total tests: [1-9]' -Quiet)) { throw "cluster: no test ran" }
}

function Test-BenchSmoke { Exec dotnet @("run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--", "--smoke") }

# A stage that is a bash script: run through bash where there is one (Linux, macOS), skipped with the reason on Windows.
function Invoke-BashScript([string]$Script, [string[]]$Arguments = @()) {
    if ($IsWindows) { Skip-Stage "$Script is a bash script (Linux toolchain): run it under WSL or Linux" }
    Exec bash (@($Script) + $Arguments)
}

# A fuzz script: exit 77 means no clang-15 with libFuzzer here (./build.ps1 deps installs it): skipped, not failed.
function Invoke-FuzzScript([string]$Script) {
    if ($IsWindows) { Skip-Stage "$Script is a bash script (libFuzzer, Linux): run it under WSL or Linux" }
    & bash $Script $FuzzSeconds
    if ($LASTEXITCODE -eq 77) { Skip-Stage "clang-15 with libFuzzer not found (./build.ps1 deps installs it)" }
    if ($LASTEXITCODE -ne 0) { throw "$Script $FuzzSeconds failed (exit $LASTEXITCODE)" }
}

function Invoke-TestAll {
    Invoke-Stage "native build" { Build-Native }
    if (Test-Path -LiteralPath (Join-Path $NativeBuild "CTestTestfile.cmake")) {
        Invoke-Stage "native tests (CTest, incl. valgrind)" { Test-Native }
        Invoke-Stage "HIP code objects (roc-obj-ls)" { Test-HipTargets }
        Invoke-Stage "CUDA code objects (cuobjdump)" { Test-CudaTargets }
    }
    Invoke-Stage "emulated GPU build (HIP-CPU, build/emu)" { Build-Emulated }
    if (-not $script:EmuSkipped -and (Test-Path -LiteralPath (Join-Path $EmuBuild "CTestTestfile.cmake"))) {
        Invoke-Stage "emulated GPU: native tests (CTest)" { Test-EmuNative } -Emu ctest
    }
    Invoke-Stage "managed build" { Build-Managed }
    Invoke-Stage "binding drift" { Test-Bindings }
    Invoke-Stage "NUnit suite" { Test-NUnit }
    if (-not $script:EmuSkipped) { Invoke-Stage "emulated GPU: NUnit GPU cases" { Test-EmuNUnit } -Emu nunit }
    Invoke-Stage "command line" { Test-Cli }
    Invoke-Stage "cluster (Orleans TestingHost)" { Test-Cluster }
    Invoke-Stage "benchmark smoke (dry)" { Test-BenchSmoke }
    # The same stages, names and order as build.sh; each a bash script (skipped with the reason on Windows).
    Invoke-Stage "package (local feed: sample, NativeAOT, tool)" { Invoke-BashScript tools/package/check.sh @((Get-NativeLibDir)) }
    Invoke-Stage "AddressSanitizer + UBSan (CTest)" { Invoke-BashScript tools/sanitize/run.sh @("asan") }
    Invoke-Stage "ThreadSanitizer (threads + stress)" { Invoke-BashScript tools/sanitize/run.sh @("tsan") }
    Invoke-Stage "fuzz: C API (libFuzzer, $FuzzSeconds s each)" { Invoke-FuzzScript tools/fuzz/run-native.sh }
    Invoke-Stage "fuzz: system-file reader ($FuzzSeconds s)" { Invoke-FuzzScript tools/fuzz/run-reader.sh }

    $failedList = if ($script:FailedStages.Count) { " (failed: $($script:FailedStages -join ' '))" } else { "" }
    # Only where a stage cannot run here (a bash script on Windows): build.sh has no such line.
    $skippedList = if ($script:SkippedStages.Count) { ", $($script:SkippedStages.Count) skipped (skipped: $($script:SkippedStages -join '; '))" } else { "" }
    Write-Log "test stages: $script:Passed passed, $script:Failed failed$failedList$skippedList"
    $emuOk = Write-EmuSummary
    # Every stage must pass; a failed stage with no countable test (a build) still fails the run.
    if ($script:Failed -gt 0 -and $script:TFailed -eq 0) { $script:TFailed = $script:Failed }
    Write-Host "tests: $script:TPassed passed, $script:TFailed failed, $script:TSkipped skipped"
    $script:TestOk = $script:Failed -eq 0 -and $emuOk
}

# ---- the other verbs --------------------------------------------------------------------------
function Invoke-Demo {
    try { Build-Native } catch { Write-Log "native build failed: the demo runs on the managed backend ($($_.Exception.Message))" }
    Build-Managed
    $libDir = Get-NativeLibDir
    if ($libDir) { $env:ISINGNATIVE_LIBRARY_PATH = $libDir }
    Write-Log "ising info"
    Ising info
    Write-Log "ising empathy (n = 20, seed pattern)"
    Ising empathy --n 20 --self-seed 42 --other-seed 99 --seed 7
    Write-Log "ising social (self over 5 others)"
    Ising social --n 20 --agents 5 --self-seed 42 --other-seed 100 --seed 7
    Write-Log "ising swarm (100 agents, full 100x100 empathy matrix, heatmap and score histogram)"
    New-Item -ItemType Directory -Force artifacts | Out-Null
    Ising swarm --agents 100 --n 20 --seed 7 --heatmap artifacts/swarm-100.png --histogram artifacts/swarm-100-scores.png
    Ising swarm --agents 100 --n 20 --seed 7 --heatmap artifacts/swarm-100.svg --histogram artifacts/swarm-100-scores.svg --json | Out-Null
    Write-Log "ising anneal --trace (n = 50: energy, beta and acceptance rate per step)"
    Ising anneal --n 50 --seed 7 --trace artifacts/anneal-trace.png
    Ising anneal --n 50 --seed 7 --trace artifacts/anneal-trace.csv --json | Out-Null
    Write-Log "ising simulate (200 agents on a ring, m = 8, n = 16, 5 synchronous rounds: per-round statistics and their figure)"
    Ising simulate --agents 200 --graph ring --neighbours 8 --rounds 5 --n 16 --seed 7 --out artifacts/simulate-200.csv --plot artifacts/simulate-200.png
    Write-Log "figures written to artifacts/: swarm-100.png/.svg (heatmap), swarm-100-scores.png/.svg (histogram), anneal-trace.png/.csv, simulate-200.png/.csv (swarm rounds)"
}

function Install-Deps {
    if (-not $IsLinux) {
        Write-Host @"
Install by hand on this system (build.sh deps installs Debian's packages on Linux):
  - the .NET 10 SDK (required): https://dot.net
  - CMake >= 3.20 and a C++17 compiler (Visual Studio 2022 Build Tools "Desktop development with C++", or Ninja + clang):
    the native library; without them everything runs on the managed backend
  - optional: the AMD HIP SDK (its clang) for the AMD plug-in, the CUDA toolkit (nvcc) for the NVIDIA one;
    python3 for tools/perf's plot
  - optional, Linux/WSL only: Debian's clang-19 lld-19 llvm-19 hipcc libamdhip64-dev rocm-device-libs (the AMD plug-in,
    roc-obj-ls), non-free's nvidia-cuda-toolkit, libtbb-dev (the emulated GPU), clang-15 (libFuzzer) and
    fonts-dejavu-core (the figures' text)
"@
        return
    }
    $tbb = (Test-Path /usr/include/tbb/tbb.h) -or (Test-Path /usr/include/oneapi/tbb.h)
    if ((Test-Command clang++-19) -and (Test-Command llvm-as-19) -and (Test-Command ld.lld-19) -and (Test-Command roc-obj-ls) -and
        (Test-Path /usr/lib/x86_64-linux-gnu/amdgcn/bitcode) -and (Test-Command nvcc) -and (Test-Command python3) -and
        (Test-Command clang++-15) -and $tbb -and (Test-Path /usr/share/fonts/truetype/dejavu)) {
        Write-Log "HIP and CUDA toolchains, python3, TBB, clang-15 and fonts present"; return
    }
    # Through sudo unless root (env then): both take DEBIAN_FRONTEND as an argument, which sudo's reset environment keeps.
    $runner = if ((& id -u) -eq "0") { "env" } else { "sudo" }
    $sources = "/etc/apt/sources.list.d/debian.sources"
    if ((Test-Path $sources) -and -not (Select-String -LiteralPath $sources -Pattern '^Components:.* non-free( |$)' -Quiet)) {
        Write-Log "adding Debian's contrib and non-free components to $sources (nvidia-cuda-toolkit)"
        Exec $runner @("sed", "-i", "-E", 's/^(Components: main)$/\1 contrib non-free non-free-firmware/', $sources)
    }
    Write-Log "installing clang-19, lld-19, llvm-19, ROCm 5.2's HIP headers and device libraries (hipcc libamdhip64-dev rocm-device-libs), nvidia-cuda-toolkit, python3, libtbb-dev, clang-15 and fonts-dejavu-core"
    # The same list as build.sh deps (its comment says what each is for).
    $packages = @("clang-19", "lld-19", "llvm-19", "hipcc", "libamdhip64-dev", "rocm-device-libs", "nvidia-cuda-toolkit", "python3",
                  "libtbb-dev", "clang-15", "fonts-dejavu-core")
    Exec $runner @("apt-get", "update", "-qq")
    Exec $runner (@("DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends") + $packages) | Out-Null
}

function Invoke-Bench {
    Build-Native
    Build-Managed
    $libDir = Get-NativeLibDir
    if ($libDir) { $env:ISINGNATIVE_LIBRARY_PATH = $libDir }
    $benchDir = Join-Path $NativeBuild "native/bench"
    if ($IsWindows) { $benchDir = Join-Path $benchDir $Config }
    if (Test-Path -LiteralPath $benchDir) {
        foreach ($b in Get-ChildItem -LiteralPath $benchDir -File -Filter "isn_bench*") {
            $runnable = if ($IsWindows) { $b.Extension -eq ".exe" } else { ($b.UnixFileMode -band [System.IO.UnixFileMode]::UserExecute) -ne 0 }
            if ($runnable) { Exec $b.FullName }
        }
    }
    Ising bench --backend managed
    if ($libDir) { Ising bench --backend native-cpu }
    Exec dotnet @("run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--", "--filter", "*EmpathyLatency*", "*EmotionBatch*",
                  "*SocialAttention*", "*EmpathyThroughput*", "*QuickEstimate*", "*SwarmMatrix*", "*TrialsPerSecond*", "*AgentSets*",
                  "--job", "short", "--join")
    # The 1000-agent set matrix is seconds per invocation: a run of its own.
    Exec dotnet @("run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--", "--filter", "*AgentSetMatrix*", "--job", "short")
    # trials/s against n is memory-bound past n = 500: the longer job's median, then the plot.
    Exec dotnet @("run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--", "--filter", "*TrialsVersusSize*", "--job", "medium")
    New-Item -ItemType Directory -Force artifacts | Out-Null
    $python = if (Test-Command python3) { "python3" } else { "python" }
    $csv = @(Get-ChildItem "BenchmarkDotNet.Artifacts/results" -Filter "*TrialsVersusSize-report.csv" | ForEach-Object FullName)
    Exec $python (@("tools/perf/plot-trials.py") + $csv + @("artifacts/trials-vs-n.svg"))
}

function Invoke-Clean {
    Remove-Item -LiteralPath build, artifacts -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem -LiteralPath managed, tests -Directory -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -in "bin", "obj" } | Sort-Object { $_.FullName.Length } |
        ForEach-Object { if (Test-Path -LiteralPath $_.FullName) { Remove-Item -LiteralPath $_.FullName -Recurse -Force } }
}

try {
    switch ($Verb) {
        "demo" { Invoke-Demo }
        "test" { $script:TestOk = $false; Invoke-TestAll | Out-Host; if (-not $script:TestOk) { exit 1 } }
        "native" { Build-Native }
        "emu" { Build-Emulated }
        "managed" { Build-Managed }
        "bindings" { Update-Bindings }
        "bench" { Invoke-Bench }
        "deps" { Install-Deps }
        "fuzz" {
            $script:FuzzSeconds = if ($Seconds) { $Seconds } else { "600" }
            Build-Native; Build-Managed
            Invoke-Stage "fuzz: C API" { Invoke-FuzzScript tools/fuzz/run-native.sh }
            Invoke-Stage "fuzz: system-file reader" { Invoke-FuzzScript tools/fuzz/run-reader.sh }
            Write-Host "fuzz stages: $script:Passed passed, $script:Failed failed"; if ($script:Failed -gt 0) { exit 1 }
        }
        "sanitize" {
            Invoke-Stage "AddressSanitizer + UBSan (CTest)" { Invoke-BashScript tools/sanitize/run.sh @("asan") }
            Invoke-Stage "ThreadSanitizer (threads + stress)" { Invoke-BashScript tools/sanitize/run.sh @("tsan") }
            Write-Host "sanitizer stages: $script:Passed passed, $script:Failed failed"; if ($script:Failed -gt 0) { exit 1 }
        }
        "package" { Build-Native; Build-Managed; Exec bash @("tools/package/check.sh", (Get-NativeLibDir)) }
        "clean" { Invoke-Clean }
        default { Get-Content -LiteralPath $PSCommandPath -TotalCount 20 | Select-Object -Skip 1 | Write-Host; exit 2 }
    }
}
catch {
    Write-Host "build.ps1 ${Verb}: $($_.Exception.Message)"
    exit 1
}
