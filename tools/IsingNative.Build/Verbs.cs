namespace IsingNative.Build;

/// <summary>The verbs of ./build.sh and ./build.ps1.</summary>
public sealed class Verbs(Repo repo)
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>
        { "demo", "test", "fuzz", "sanitize", "package", "native", "emu", "managed", "bindings", "bench", "deps", "clean" };

    private const string Header = "native/include/isingnative.h";
    private const string Bindings = "managed/IsingNative/Interop/IsingNativeApi.generated.cs";
    private const string GenProject = "managed/IsingNative.BindingGen/IsingNative.BindingGen.csproj";
    // NUnit's GPU cases: the backend-parameterised ones, "(Gpu)" in the name, and the fault tests.
    private const string EmuNUnitFilter = @"FullyQualifiedName~\(Gpu\)|FullyQualifiedName~EmulatedGpu";

    private readonly Native _native = new(repo);
    // In `test` a short run of every harness over its committed corpus, as a regression check; `fuzz` searches longer.
    private int _fuzzSeconds = int.TryParse(Repo.Env("FUZZ_SECONDS"), out int s) && s > 0 ? s : 30;

    /// <summary>Runs one verb; false when it failed.</summary>
    public bool Run(string verb, int fuzzSeconds)
    {
        switch (verb)
        {
            case "demo": Demo(); return true;
            case "test": return Test();
            case "fuzz":
                _fuzzSeconds = fuzzSeconds;
                _native.Build();
                BuildManaged();
                return Stages("fuzz", r =>
                {
                    FuzzNative(r, full: false);
                    FuzzReader(r, full: false);
                });
            case "sanitize": return Stages("sanitizer", Sanitize);
            case "package": _native.Build(); BuildManaged(); PackageCheck(); return true;
            case "native": _native.Build(); return true;
            case "emu": return _native.BuildEmulated() is null;
            case "managed": BuildManaged(); return true;
            case "bindings": Generate(check: false); return true;
            case "bench": Bench(); return true;
            case "deps": Deps(); return true;
            case "clean": Clean(); return true;
            default: throw new InvalidOperationException($"no verb {verb}");
        }
    }

    private static bool Stages(string label, Action<StageRunner> stages)
    {
        var runner = new StageRunner();
        stages(runner);
        runner.WriteStageSummary(label);
        return runner.Failed == 0;
    }

    // ---- test ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Every test stage. Chains run side by side where they share nothing: the native and the emulated builds with
    /// their CTest suites (separate build folders); then, after the managed build, the .NET stages beside the
    /// sanitizer and C API fuzz stages (CMake build folders of their own; no .NET project is built by both).
    /// </summary>
    private bool Test()
    {
        var r = new StageRunner();
        string? emuNotRun = null;
        r.Concurrently(
            () =>
            {
                r.Run("native build", _native.Build);
                if (!File.Exists(Path.Combine(repo.NativeBuild, "CTestTestfile.cmake"))) return;
                r.Run("native tests (CTest, incl. valgrind)", () => _native.Test(repo.NativeBuild));
                r.Run("HIP code objects (roc-obj-ls)", _native.CheckHipTargets);
                r.Run("CUDA code objects (cuobjdump)", _native.CheckCudaTargets);
            },
            () =>
            {
                r.Run("emulated GPU build (HIP-CPU, build/emu)", () => emuNotRun = _native.BuildEmulated());
                emuNotRun ??= _native.EmulatedNotBuilt();
                if (emuNotRun is null && File.Exists(Path.Combine(repo.EmuBuild, "CTestTestfile.cmake")))
                    r.Run("emulated GPU: native tests (CTest)", () => _native.Test(repo.EmuBuild), GpuCount.CTest);
            });
        r.Run("managed build", BuildManaged);
        r.Concurrently(
            () =>
            {
                // Stages that only load the managed build, two chains at a time; then the package check, which
                // rebuilds the assemblies with the package's metadata, and the reader's fuzzing, which builds its
                // target: after them, alone among the .NET stages.
                r.Concurrently(
                    () =>
                    {
                        r.Run("binding drift", () => Generate(check: true));
                        r.Run("NUnit suite", () => DotnetTest("tests/IsingNative.Tests", repo.NativeLibDir));
                        if (emuNotRun is null)
                        {
                            r.Run("emulated GPU: NUnit GPU cases", () => DotnetTest("tests/IsingNative.Tests",
                                repo.EmuLibDir ?? throw new CommandFailedException($"no emulated library in {repo.EmuBuild}"), EmuNUnitFilter),
                                GpuCount.DotnetTest);
                        }
                        r.Run("command line", () => DotnetTest("tests/IsingNative.Cli.Tests", repo.NativeLibDir));
                    },
                    () =>
                    {
                        r.Run("build driver and shims", () => DotnetTest("tests/IsingNative.Build.Tests", null));
                        r.Run("cluster (Orleans TestingHost)", () => DotnetTest("tests/IsingNative.Cluster.Tests", repo.NativeLibDir));
                        r.Run("benchmark smoke (dry)", () =>
                            Proc.Exec("dotnet", ["run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--", "--smoke"],
                                      Repo.LibraryPath(repo.NativeLibDir)));
                    });
                r.Run("package (local feed: sample, NativeAOT, tool)", PackageCheck);
                FuzzReader(r, full: true);
            },
            () =>
            {
                Sanitize(r);
                FuzzNative(r, full: true);
            });

        r.WriteStageSummary("test");
        bool gpuOk = r.WriteGpuSummary(emuNotRun);
        r.WriteTestSummary();
        return r.Failed == 0 && gpuOk;
    }

    /// <summary>
    /// One test project, built already. A run that found no test fails: dotnet test exits 0 when a filter matches
    /// nothing, and a project whose tests all vanished must not pass.
    /// </summary>
    private void DotnetTest(string project, string? libraryDir, string? filter = null)
    {
        var args = new List<string> { "test", project, "-c", repo.Config, "--no-build", "-nologo", "--logger", "console;verbosity=normal" };
        if (filter is not null) args.AddRange(["--filter", filter]);
        var lines = new List<string>();
        int rc = Proc.Run("dotnet", args, Repo.LibraryPath(libraryDir), capture: lines);
        if (rc != 0) throw new CommandFailedException($"dotnet test {project} failed (exit {rc})");
        if (!lines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*Total tests: [1-9]")))
            throw new CommandFailedException($"dotnet test {project}: no test ran");
    }

    /// <summary>Sanitizer builds (native/README.md, "Sanitizers and stress"): ASan+UBSan runs the CTest suite, TSan the threaded tests.</summary>
    private void Sanitize(StageRunner r)
    {
        r.Run("AddressSanitizer + UBSan (CTest)", () => Bash("tools/sanitize/run.sh", "asan"));
        r.Run("ThreadSanitizer (threads + stress)", () => Bash("tools/sanitize/run.sh", "tsan"));
    }

    /// <summary>
    /// libFuzzer harnesses: the C API (native/fuzz) and the system-file reader (tests/IsingNative.Fuzz), each for the
    /// fuzz seconds on a copy of its committed corpus; a finding fails the stage. Exit 77 from a script: no clang-15
    /// here, counted as one skipped test.
    /// </summary>
    private void FuzzNative(StageRunner r, bool full) =>
        r.Run($"fuzz: C API{(full ? $" (libFuzzer, {_fuzzSeconds} s each)" : "")}", () => FuzzScript("tools/fuzz/run-native.sh"));

    private void FuzzReader(StageRunner r, bool full) =>
        r.Run($"fuzz: system-file reader{(full ? $" ({_fuzzSeconds} s)" : "")}", () => FuzzScript("tools/fuzz/run-reader.sh"));

    private void FuzzScript(string script)
    {
        RequireBash(script);
        int rc = Proc.Run("bash", [script, _fuzzSeconds.ToString()]);
        if (rc == 77)
        {
            Proc.Echo("clang-15 with libFuzzer not found (./build.sh deps installs it)");
            Proc.Echo("fuzz: 0 passed, 0 failed, 1 skipped");
            return;
        }
        if (rc != 0) throw new CommandFailedException($"{script} {_fuzzSeconds} failed (exit {rc})");
    }

    /// <summary>The packages as a consumer gets them (docs/PACKAGING.md): local feed, sample (JIT + NativeAOT), tool.</summary>
    private void PackageCheck() => Bash("tools/package/check.sh", repo.NativeLibDir ?? "");

    /// <summary>A stage written as a bash script (a Linux toolchain's): skipped, with the reason, on Windows.</summary>
    private static void Bash(string script, params string[] args)
    {
        RequireBash(script);
        Proc.Exec("bash", [script, .. args]);
    }

    private static void RequireBash(string script)
    {
        if (OperatingSystem.IsWindows())
            throw new StageSkippedException($"{script} is a bash script (Linux toolchain): run it under WSL or Linux");
    }

    // ---- managed ------------------------------------------------------------------------------------------

    private void BuildManaged()
    {
        Proc.Log($"managed: dotnet build IsingNative.sln ({repo.Config})");
        Proc.Exec("dotnet", ["build", "IsingNative.sln", "-c", repo.Config, "-nologo", "-v", "q"]);
    }

    private void Generate(bool check)
    {
        Proc.Log(check ? $"bindings: check {Bindings} is what {Header} generates" : $"bindings: regenerate {Bindings} from {Header}");
        var args = new List<string> { "run", "-c", repo.Config, "--project", GenProject, "--", "--header", Header, "--out", Bindings,
            "--namespace", "IsingNative.Interop", "--class", "IsingNativeApi", "--library", "isingnative" };
        if (check) args.Add("--check");
        Proc.Exec("dotnet", args);
    }

    private void Ising(params string[] args) => Ising(quiet: false, args);

    private void Ising(bool quiet, params string[] args) =>
        Proc.Exec("dotnet", [repo.CliDll, .. args], Repo.LibraryPath(repo.NativeLibDir), quiet ? _ => false : null);

    // ---- demo, bench, deps, clean ------------------------------------------------------------------------

    private void Demo()
    {
        try
        {
            _native.Build();
        }
        catch (CommandFailedException e)
        {
            Proc.Log($"native build failed: the demo runs on the managed backend ({e.Message})");
        }
        BuildManaged();
        Proc.Log("ising info");
        Ising("info");
        Proc.Log("ising empathy (n = 20, seed pattern)");
        Ising("empathy", "--n", "20", "--self-seed", "42", "--other-seed", "99", "--seed", "7");
        Proc.Log("ising social (self over 5 others)");
        Ising("social", "--n", "20", "--agents", "5", "--self-seed", "42", "--other-seed", "100", "--seed", "7");
        Proc.Log("ising swarm (100 agents, full 100x100 empathy matrix, heatmap and score histogram)");
        Directory.CreateDirectory("artifacts");
        Ising("swarm", "--agents", "100", "--n", "20", "--seed", "7", "--heatmap", "artifacts/swarm-100.png",
              "--histogram", "artifacts/swarm-100-scores.png");
        Ising(quiet: true, "swarm", "--agents", "100", "--n", "20", "--seed", "7", "--heatmap", "artifacts/swarm-100.svg",
              "--histogram", "artifacts/swarm-100-scores.svg", "--json");
        Proc.Log("ising anneal --trace (n = 50: energy, beta and acceptance rate per step)");
        Ising("anneal", "--n", "50", "--seed", "7", "--trace", "artifacts/anneal-trace.png");
        Ising(quiet: true, "anneal", "--n", "50", "--seed", "7", "--trace", "artifacts/anneal-trace.csv", "--json");
        Proc.Log("ising simulate (200 agents on a ring, m = 8, n = 16, 5 synchronous rounds: per-round statistics and their figure)");
        Ising("simulate", "--agents", "200", "--graph", "ring", "--neighbours", "8", "--rounds", "5", "--n", "16", "--seed", "7",
              "--out", "artifacts/simulate-200.csv", "--plot", "artifacts/simulate-200.png");
        Proc.Log("figures written to artifacts/: swarm-100.png/.svg (heatmap), swarm-100-scores.png/.svg (histogram), " +
                 "anneal-trace.png/.csv, simulate-200.png/.csv (swarm rounds)");
    }

    private void Bench()
    {
        _native.Build();
        BuildManaged();
        string benchDir = Path.Combine(repo.NativeBuild, "native", "bench");
        if (OperatingSystem.IsWindows()) benchDir = Path.Combine(benchDir, repo.Config);
        if (Directory.Exists(benchDir))
        {
            foreach (string b in Directory.EnumerateFiles(benchDir, "isn_bench*").Order(StringComparer.Ordinal))
            {
                bool runnable = OperatingSystem.IsWindows()
                    ? b.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)
                    : (File.GetUnixFileMode(b) & UnixFileMode.UserExecute) != 0;
                if (runnable) Proc.Exec(b, []);
            }
        }
        Ising("bench", "--backend", "managed");
        if (repo.NativeLibDir is not null) Ising("bench", "--backend", "native-cpu");
        string[] benchmarks = ["run", "-c", "Release", "--project", "managed/IsingNative.Benchmarks", "--"];
        Proc.Exec("dotnet", [.. benchmarks, "--filter", "*EmpathyLatency*", "*EmotionBatch*", "*SocialAttention*", "*EmpathyThroughput*",
                             "*QuickEstimate*", "*SwarmMatrix*", "*TrialsPerSecond*", "*AgentSets*", "--job", "short", "--join"]);
        // The 1000-agent set matrix is seconds per invocation: a run of its own.
        Proc.Exec("dotnet", [.. benchmarks, "--filter", "*AgentSetMatrix*", "--job", "short"]);
        // trials/s against n is memory-bound past n = 500: the longer job's median, then the plot.
        Proc.Exec("dotnet", [.. benchmarks, "--filter", "*TrialsVersusSize*", "--job", "medium"]);
        Directory.CreateDirectory("artifacts");
        string[] csv = Directory.GetFiles("BenchmarkDotNet.Artifacts/results", "*TrialsVersusSize-report.csv");
        Proc.Exec(Proc.OnPath("python3") ? "python3" : "python", ["tools/perf/plot-trials.py", .. csv, "artifacts/trials-vs-n.svg"]);
    }

    // python3: tools/perf's plot, tools/gpu's summaries, reading nupkgs in tools/package. libtbb-dev: HIP-CPU's parallel
    // runtime (the emulated-GPU flavour). fonts-dejavu-core: the text of the CLI's figures (SkiaSharp draws with the
    // system's fonts). clang-15 brings libclang-common-15-dev: libFuzzer and the ASan/UBSan runtimes of the fuzz stages.
    // The AMD plug-in: clang-19 (with lld-19, and llvm-19's llvm-as/llvm-dis for the device libraries of the new ISAs)
    // compiles its kernels against ROCm 5.2's HIP headers and device libraries; hipcc brings roc-obj-ls. The NVIDIA
    // plug-in: nvcc, from non-free's nvidia-cuda-toolkit. redis-server (7.0): the cluster tests' real membership and
    // grain storage (RedisClusterTests start one of their own on a free port).
    private static readonly string[] DebianPackages =
        ["clang-19", "lld-19", "llvm-19", "hipcc", "libamdhip64-dev", "rocm-device-libs", "nvidia-cuda-toolkit", "python3",
         "libtbb-dev", "clang-15", "fonts-dejavu-core", "redis-server"];

    private static void Deps()
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.WriteLine("""
                Install by hand on this system (./build.sh deps installs Debian's packages on Linux):
                  - the .NET 10 SDK (required): https://dot.net
                  - CMake >= 3.21 and a C++17 compiler (Visual Studio 2022 Build Tools "Desktop development with C++", or
                    Ninja + clang): the native library; without them everything runs on the managed backend
                  - optional: the AMD HIP SDK (its clang) for the AMD plug-in, the CUDA toolkit (nvcc) for the NVIDIA one;
                    python3 for tools/perf's plot
                  - optional, Linux/WSL only: Debian's clang-19 lld-19 llvm-19 hipcc libamdhip64-dev rocm-device-libs (the
                    AMD plug-in, roc-obj-ls), non-free's nvidia-cuda-toolkit, libtbb-dev (the emulated GPU), clang-15
                    (libFuzzer) and fonts-dejavu-core (the figures' text)
                  - optional: redis-server (the cluster tests' real membership and storage, RedisClusterTests)
                """);
            return;
        }
        bool present = new[] { "clang++-19", "llvm-as-19", "ld.lld-19", "roc-obj-ls", "nvcc", "python3", "clang++-15", "redis-server" }.All(Proc.OnPath)
            && Directory.Exists("/usr/lib/x86_64-linux-gnu/amdgcn/bitcode")
            && (File.Exists("/usr/include/tbb/tbb.h") || File.Exists("/usr/include/oneapi/tbb.h"))
            && Directory.Exists("/usr/share/fonts/truetype/dejavu");
        if (present)
        {
            Proc.Log("HIP and CUDA toolchains, python3, TBB, clang-15, fonts and redis-server present");
            return;
        }
        // Through sudo unless root; both take DEBIAN_FRONTEND as an argument, which sudo's reset environment keeps.
        string runner = Proc.Capture("id", "-u").FirstOrDefault() == "0" ? "env" : "sudo";
        const string sources = "/etc/apt/sources.list.d/debian.sources";
        if (File.Exists(sources) && !File.ReadLines(sources).Any(l =>
                System.Text.RegularExpressions.Regex.IsMatch(l, "^Components:.* non-free( |$)")))
        {
            Proc.Log($"adding Debian's contrib and non-free components to {sources} (nvidia-cuda-toolkit)");
            Proc.Exec(runner, ["sed", "-i", "-E", @"s/^(Components: main)$/\1 contrib non-free non-free-firmware/", sources]);
        }
        Proc.Log($"installing {string.Join(' ', DebianPackages)}");
        Proc.Exec(runner, ["apt-get", "update", "-qq"]);
        // unsafe-io: dpkg skips its fsync per file, which is most of the time of unpacking the CUDA toolkit; a machine
        // that loses power mid-install reinstalls anyway.
        Proc.Exec(runner, ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                           "-o", "Dpkg::Options::=--force-unsafe-io", .. DebianPackages], show: _ => false);
    }

    private void Clean()
    {
        foreach (string dir in new[] { "build", "artifacts" })
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        foreach (string top in new[] { "managed", "tests" })
        {
            foreach (string dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories)
                         .Where(d => Path.GetFileName(d) is "bin" or "obj").OrderBy(d => d.Length).ToList())
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
