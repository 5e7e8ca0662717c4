namespace IsingNative.Build;

/// <summary>The native library's CMake builds and the checks of the GPU plug-ins' code objects.</summary>
public sealed class Native(Repo repo)
{
    /// <summary>Configure and build build/native: the CPU library and the GPU plug-ins the toolchains allow.</summary>
    public void Build()
    {
        if (!Proc.OnPath("cmake"))
        {
            Proc.Log("cmake not found: skipping the native library (managed backend only)");
            return;
        }
        Proc.Log($"native: configure + build ({repo.NativeBuild}, HIP={repo.Hip}, CUDA={repo.Cuda})");
        Proc.Exec("cmake", ["-S", ".", "-B", repo.NativeBuild, $"-DCMAKE_BUILD_TYPE={repo.Config}", $"-DISN_ENABLE_HIP={repo.Hip}",
                            $"-DISN_ENABLE_CUDA={repo.Cuda}", $"-DISN_HIP_TARGETS={repo.HipTargets}"],
                  show: l => l.Contains("isingnative:", StringComparison.Ordinal));
        Proc.Exec("cmake", ["--build", repo.NativeBuild, "--config", repo.Config, "--parallel", repo.Jobs]);
    }

    /// <summary>
    /// Configure and build the emulated-GPU flavour (build/emu): the GPU backend's one kernel source compiled by the
    /// host compiler against HIP-CPU (cmake/IsnGpu.cmake, ISN_GPU_EMULATION), so the GPU tests run in every CI run.
    /// Test-only, never shipped. Returns why it was not built (null: it was).
    /// </summary>
    public string? BuildEmulated()
    {
        if (!Proc.OnPath("cmake")) return Skipped("cmake not found");
        Proc.Log($"emulated GPU: configure + build ({repo.EmuBuild}, HIP-CPU)");
        // Library and CTest suite only: no valgrind (HIP-CPU's fibers and TBB), no benchmarks.
        var configure = new List<string> { "-S", ".", "-B", repo.EmuBuild, $"-DCMAKE_BUILD_TYPE={repo.Config}",
            "-DISN_GPU_EMULATION=ON", "-DISN_ENABLE_HIP=OFF", "-DISN_ENABLE_VALGRIND_TEST=OFF", "-DISN_BUILD_BENCHMARKS=OFF" };
        if (repo.HipCpuDir is not null) configure.Add($"-DISN_HIP_CPU_DIR={repo.HipCpuDir}");
        Proc.Exec("cmake", configure, show: _ => false);
        string? why = EmulatedNotBuilt();
        if (why is not null) return Skipped(why);
        Proc.Exec("cmake", ["--build", repo.EmuBuild, "--config", repo.Config, "--parallel", repo.Jobs]);
        return null;

        static string Skipped(string why)
        {
            Proc.Log($"emulated GPU flavour skipped: {why}");
            return why;
        }
    }

    /// <summary>Why build/emu is not the emulated flavour (null: it is), from its CMake cache.</summary>
    public string? EmulatedNotBuilt()
    {
        if (!Proc.OnPath("cmake")) return "cmake not found";
        if (Repo.CacheValue(repo.EmuBuild, "ISN_GPU_BUILT") == "emulated") return null;
        string why = Repo.CacheValue(repo.EmuBuild, "ISN_GPU_EMULATION_SKIPPED");
        return why.Length > 0 ? why : "not configured";
    }

    public void Test(string buildDir) =>
        Proc.Exec("ctest", ["--test-dir", buildDir, "-C", repo.Config, "--output-on-failure", "-j2"]);

    private bool GpuBuilt(string flavour) =>
        Repo.CacheValue(repo.NativeBuild, "ISN_GPU_BUILT").Split(';').Contains(flavour);

    /// <summary>
    /// The AMD plug-in carries a code object for every ISA CMake chose (ISN_HIP_ISAS_BUILT), and under CI for the
    /// whole broad list the package ships (ISN_HIP_BROAD_TARGETS), as roc-obj-ls lists them.
    /// </summary>
    public void CheckHipTargets()
    {
        if (!GpuBuilt("hip"))
        {
            if (Proc.OnPath("clang++-19") && Directory.Exists("/usr/lib/x86_64-linux-gnu/amdgcn/bitcode") && repo.Hip != "OFF")
                throw new CommandFailedException("clang-19 and ROCm's device libraries are installed but the HIP plug-in was not built");
            Proc.Log("HIP plug-in not built (no HIP compiler or device libraries; ./build.sh deps installs them): skipping the code-object check");
            return;
        }
        string lib = Plugin("isingnative_gpu");
        if (!Proc.OnPath("roc-obj-ls"))
        {
            if (OperatingSystem.IsWindows()) throw new StageSkippedException("roc-obj-ls (ROCm, Linux) is not available on Windows");
            throw new CommandFailedException("roc-obj-ls not found (./build.sh deps installs Debian's ROCm toolchain)");
        }
        List<string> listing = Proc.Capture("roc-obj-ls", lib);
        listing.ForEach(Proc.Echo);
        var wanted = Repo.CacheValue(repo.NativeBuild, "ISN_HIP_ISAS_BUILT").Split(';').ToList();
        if (repo.UnderCi) wanted.AddRange(Repo.CacheValue(repo.NativeBuild, "ISN_HIP_BROAD_TARGETS").Split(';'));
        string[] isas = wanted.Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
        int missing = 0;
        foreach (string t in isas)
        {
            bool present = listing.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"--{t}\b"));
            Proc.Echo($"code object for {t}: {(present ? "present" : "MISSING")}");
            if (!present) missing++;
        }
        Proc.Echo($"HIP code objects: {isas.Length} ISAs checked");
        if (missing > 0) throw new CommandFailedException($"{missing} code object(s) missing");
    }

    /// <summary>The NVIDIA plug-in carries SASS for sm_80 and sm_90, and PTX that newer GPUs compile (cuobjdump).</summary>
    public void CheckCudaTargets()
    {
        if (!GpuBuilt("cuda"))
        {
            if (Proc.OnPath("nvcc") && repo.Cuda != "OFF")
                throw new CommandFailedException("nvcc is installed but the CUDA plug-in was not built");
            Proc.Log("CUDA plug-in not built (no nvcc; ./build.sh deps installs Debian's toolkit): skipping the cuobjdump check");
            return;
        }
        string lib = Plugin("isingnative_gpu_cuda");
        List<string> elf = Proc.Capture("cuobjdump", "--list-elf", lib), ptx = Proc.Capture("cuobjdump", "--list-ptx", lib);
        elf.Concat(ptx).ToList().ForEach(Proc.Echo);
        int missing = 0;
        foreach (string sm in new[] { "sm_80", "sm_90" })
        {
            bool present = elf.Any(l => l.Contains($".{sm}.cubin", StringComparison.Ordinal));
            Proc.Echo($"SASS for {sm}: {(present ? "present" : "MISSING")}");
            if (!present) missing++;
        }
        bool hasPtx = ptx.Any(l => l.Contains(".ptx", StringComparison.Ordinal));
        Proc.Echo($"PTX: {(hasPtx ? "present" : "MISSING")}");
        if (!hasPtx) missing++;
        if (missing > 0) throw new CommandFailedException($"{missing} CUDA code object(s) missing");
    }

    private string Plugin(string name)
    {
        string file = Repo.LibFile(name);
        string? dir = Repo.FolderOf(repo.NativeBuild, file);
        return dir is not null
            ? Path.Combine(dir, file)
            : throw new CommandFailedException($"the plug-in was configured but no {file} was built in {repo.NativeBuild}");
    }
}
