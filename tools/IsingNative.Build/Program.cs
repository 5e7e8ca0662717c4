using IsingNative.Build;

// ./build.sh VERB [ARGS] and ./build.ps1 VERB [ARGS] run this. Exit codes: 0 done, 1 a stage or a command failed,
// 2 a usage error (unknown verb, bad argument).
const string Usage = """
    IsingNative build (./build.sh or ./build.ps1; the verbs are this driver's, tools/IsingNative.Build):
      demo       build everything and run a short tour through the `ising` command line
      test       build everything and run every test stage, each one even after a failure: native CTest (valgrind
                 included), the GPU plug-ins' code objects, the GPU tests on an emulated device (HIP-CPU, build/emu),
                 binding drift, NUnit, the command line, the build shims, the Orleans cluster, benchmark smoke, the
                 packages as a consumer gets them, ASan+UBSan and TSan builds, and every fuzz harness for FUZZ_SECONDS;
                 then `test stages:`, `emulated GPU:` and `tests: N passed, N failed, N skipped`
      fuzz [S]   run every fuzz harness for S seconds each (default 600)
      sanitize   the ASan+UBSan and TSan stages alone
      package    pack IsingNative and the ising tool into a local feed and check them as a consumer would
      native     configure + build the native library and the GPU plug-ins the toolchains allow (build/native)
      emu        configure + build the emulated-GPU flavour (build/emu; test-only, never shipped)
      managed    build the .NET solution
      bindings   regenerate managed/IsingNative/Interop/*.generated.cs from native/include
      bench      run the benchmarks for real (BenchmarkDotNet, Google Benchmark, `ising bench`)
      deps       install the toolchains (Debian: clang-19 with ROCm 5.2's HIP headers and device libraries, non-free's
                 nvidia-cuda-toolkit, python3, libtbb-dev, clang-15, a font, redis-server for the cluster tests);
                 elsewhere: say what to install
      clean      remove build outputs
      help       this text
    Environment: ISN_HIP=AUTO|ON|OFF, ISN_CUDA=AUTO|ON|OFF (default AUTO), ISN_HIP_TARGETS (default: this machine's AMD
                 GPUs, else the broad list of docs/GPU.md), CONFIG=Release|Debug (default Release), ISN_HIP_CPU_DIR
                 (default ../shared/third_party/hip-cpu), FUZZ_SECONDS (per harness in `test`, default 30), CI=true
                 (the code-object check requires every ISA the package ships).
    C++ developers can build without this driver: CMakePresets.json (cmake --preset release|cpu|hip|cuda|emulated|asan|tsan).
    """;

Environment.SetEnvironmentVariable("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
Environment.SetEnvironmentVariable("DOTNET_NOLOGO", "1");
Environment.SetEnvironmentVariable("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1");

string verb = args.Length > 0 ? args[0] : "";
string[] rest = args.Skip(1).ToArray();
if (verb is "help" or "-h" or "--help")
{
    Console.WriteLine(Usage);
    return 0;
}
if (!Verbs.Known.Contains(verb))
{
    Console.Error.WriteLine(verb.Length == 0 ? "build: no verb given" : $"build: unknown verb '{verb}'");
    Console.Error.WriteLine(Usage);
    return 2;
}
int seconds = 600;
if (verb == "fuzz" && rest.Length == 1)
{
    if (!int.TryParse(rest[0], System.Globalization.NumberStyles.None, null, out seconds) || seconds < 1)
    {
        Console.Error.WriteLine($"build fuzz: SECONDS must be a whole number of seconds of at least 1, got '{rest[0]}'");
        return 2;
    }
    rest = [];
}
if (rest.Length > 0)
{
    Console.Error.WriteLine($"build {verb}: unexpected argument '{rest[0]}' ({verb} takes {(verb == "fuzz" ? "one: SECONDS" : "none")})");
    return 2;
}

try
{
    return new Verbs(Repo.Locate()).Run(verb, seconds) ? 0 : 1;
}
catch (Exception e) when (e is CommandFailedException or IOException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Out.Flush();
    Console.Error.WriteLine($"build {verb}: {e.Message}");
    return 1;
}
