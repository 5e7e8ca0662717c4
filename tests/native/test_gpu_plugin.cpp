// The GPU plug-in boundary (src/gpu_plugin_abi.h, src/plugin/gpu_plugin_loader.cpp).
// The library loads its plug-in once per process, so each situation is a CTest
// entry of its own (tests/native/CMakeLists.txt) running one suite of this
// program with its environment:
//   GpuPluginDefault  no ISN_GPU_PLUGIN: the plug-in beside the library (or none);
//   GpuPluginEntry    the real plug-in's entry, called directly: it refuses
//                     another ABI version or build id;
//   GpuPluginMissing  ISN_GPU_PLUGIN names a file that is not there;
//   GpuPluginForeign  ISN_GPU_PLUGIN names a library that is not an acceptable
//                     plug-in (tests/bad_gpu_plugin.cpp in its modes, or the CPU
//                     library itself); ISN_TEST_EXPECT is a text the refusal must hold.
// In every case without a usable plug-in, GPU requests answer
// DEVICE_UNAVAILABLE with the path and the reason, and the CPU backend still
// computes the core's bits.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <dlfcn.h>

#include "core/anneal.h"
#include "core/observables.h"
#include "gpu_plugin_abi.h"
#include "isn_build_info.h"
#include "reference_anneal.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

// isn_context_create_gpu(0)'s status and message (a context, if one opened, is destroyed).
std::pair<isn_status, std::string> create_gpu() {
    isn_context* ctx = nullptr;
    const isn_status st = isn_context_create_gpu(0, &ctx);
    std::string msg = isn_last_error_message();
    if (st == ISN_STATUS_OK) {
        EXPECT_NE(ctx, nullptr);
        isn_context_destroy(ctx);
    } else {
        EXPECT_EQ(ctx, nullptr);
    }
    return {st, msg};
}

// A CPU context anneals as the core does (the library is whole without its plug-in).
void expect_cpu_computes_the_core() {
    Context cpu(2);
    int32_t kind = -1;
    ASSERT_EQ(isn_context_backend(cpu.get(), &kind), ISN_STATUS_OK);
    EXPECT_EQ(kind, ISN_BACKEND_CPU);
    const HostSystem s = spin_glass(24, 11);
    const isn_system_view v = s.view();
    const uint64_t seed = 99;
    const isn_anneal_options o = default_anneal();
    std::vector<int8_t> spins(static_cast<size_t>(s.n));
    isn_anneal_stats stats{};
    ASSERT_EQ(isn_anneal_batch(cpu.get(), &v, 1, &seed, &o, spins.data(), &stats), ISN_STATUS_OK) << isn_last_error_message();
    std::vector<int8_t> ref(static_cast<size_t>(s.n));
    std::vector<double> phi(static_cast<size_t>(s.n));
    const auto c = reference_anneal<double>(s.n, s.J.data(), s.h.data(), seed, isn::core::make_plan(o, s.n), ref.data(), phi.data());
    EXPECT_EQ(0, std::memcmp(spins.data(), ref.data(), ref.size()));
    EXPECT_EQ(stats.accepted, c.accepted);
    EXPECT_EQ(bits(stats.energy), bits(isn::core::energy(s.n, s.J.data(), s.h.data(), ref.data())));
}

// Without a usable plug-in: no devices, every GPU request refused the same way, CPU whole.
void expect_refused(const std::vector<std::string>& texts) {
    int32_t count = -1;
    ASSERT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    EXPECT_EQ(count, 0);
    const auto [st, msg] = create_gpu();
    EXPECT_EQ(st, ISN_STATUS_DEVICE_UNAVAILABLE) << msg;
    EXPECT_NE(msg.find("isn_context_create_gpu: no GPU support: the GPU plug-in '"), std::string::npos) << msg;
    for (const std::string& t : texts) EXPECT_NE(msg.find(t), std::string::npos) << "'" << t << "' not in: " << msg;
    // Loaded (or not) once: a second request gets the same answer.
    const auto again = create_gpu();
    EXPECT_EQ(again.first, st);
    EXPECT_EQ(again.second, msg);
    expect_cpu_computes_the_core();
}

}  // namespace

TEST(GpuPluginDefault, IsFoundBesideTheLibrary) {
    ASSERT_EQ(env(ISN_GPU_PLUGIN_ENV), "") << "run without " ISN_GPU_PLUGIN_ENV;
    const auto [st, msg] = create_gpu();
    if (std::string(ISN_GPU_PLUGIN_BUILT) == "none") {
        // Nothing beside the library: the loader's reason, and why there is nothing.
        EXPECT_EQ(st, ISN_STATUS_DEVICE_UNAVAILABLE);
        EXPECT_NE(msg.find(ISN_GPU_PLUGIN_FILE "' could not be loaded: "), std::string::npos) << msg;
        EXPECT_NE(msg.find("this build made no GPU plug-in"), std::string::npos) << msg;
        expect_cpu_computes_the_core();
        return;
    }
    // The plug-in loaded: a context opens, or its runtime says why not (no
    // device here) - never the loader's refusal.
    EXPECT_TRUE(st == ISN_STATUS_OK || st == ISN_STATUS_DEVICE_UNAVAILABLE) << st << ": " << msg;
    EXPECT_EQ(msg.find("GPU plug-in"), std::string::npos) << msg;
    if (st != ISN_STATUS_OK) EXPECT_NE(msg.find("no GPU device is available"), std::string::npos) << msg;
    // The plug-in is in the process now, from the library's own folder.
    Dl_info self{};
    ASSERT_NE(dladdr(reinterpret_cast<void*>(&isn_version), &self), 0);
    std::string dir = self.dli_fname;
    dir.resize(dir.find_last_of('/') + 1);
    void* loaded = dlopen((dir + ISN_GPU_PLUGIN_FILE).c_str(), RTLD_NOW | RTLD_NOLOAD);
    EXPECT_NE(loaded, nullptr) << dir << ISN_GPU_PLUGIN_FILE << " is not loaded";
    if (loaded != nullptr) dlclose(loaded);  // drops only this reference
    EXPECT_NE(std::string(isn_version_string()).find("+cpu" ISN_GPU_VERSION_SUFFIX), std::string::npos);
}

#if defined(ISN_TEST_GPU_PLUGIN_FILE)
TEST(GpuPluginEntry, RefusesAnotherAbiVersionOrBuild) {
    void* lib = dlopen(ISN_TEST_GPU_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib, nullptr) << dlerror();
    void* sym = dlsym(lib, ISN_GPU_PLUGIN_ENTRY_NAME);
    ASSERT_NE(sym, nullptr) << dlerror();
    isn_gpu_plugin_entry_fn entry;
    std::memcpy(&entry, &sym, sizeof entry);

    char msg[ISN_MESSAGE_CAPACITY];
    const isn_gpu_plugin_api* api = reinterpret_cast<const isn_gpu_plugin_api*>(&msg);  // must be reset to null
    EXPECT_EQ(entry(ISN_GPU_PLUGIN_ABI_VERSION + 1, ISN_BUILD_ID, &api, msg, sizeof msg), ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(api, nullptr);
    EXPECT_NE(std::string(msg).find("plug-in ABI version " + std::to_string(ISN_GPU_PLUGIN_ABI_VERSION) +
                                    ", the CPU library " + std::to_string(ISN_GPU_PLUGIN_ABI_VERSION + 1)),
              std::string::npos)
        << msg;

    EXPECT_EQ(entry(ISN_GPU_PLUGIN_ABI_VERSION, "1.0.0-0123456789abcdef", &api, msg, sizeof msg),
              ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(api, nullptr);
    EXPECT_NE(std::string(msg).find("from another build (plug-in build id " ISN_BUILD_ID
                                    ", CPU library build id 1.0.0-0123456789abcdef)"),
              std::string::npos)
        << msg;
    // A short buffer gets a truncated, terminated message.
    char tiny[8];
    EXPECT_EQ(entry(ISN_GPU_PLUGIN_ABI_VERSION, nullptr, &api, tiny, sizeof tiny), ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(std::strlen(tiny), sizeof tiny - 1);

    ASSERT_EQ(entry(ISN_GPU_PLUGIN_ABI_VERSION, ISN_BUILD_ID, &api, msg, sizeof msg), ISN_STATUS_OK) << msg;
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->abi_version, ISN_GPU_PLUGIN_ABI_VERSION);
    EXPECT_EQ(api->size, sizeof(isn_gpu_plugin_api));
    EXPECT_STREQ(api->build_id, ISN_BUILD_ID);
    EXPECT_STREQ(api->runtime, ISN_TEST_GPU_PLUGIN_RUNTIME);
    // A plug-in call that fails leaves its status and message, and no exception.
    isn_gpu_backend* b = reinterpret_cast<isn_gpu_backend*>(&msg);
    EXPECT_EQ(api->create(1 << 20, &b), ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(b, nullptr);
    EXPECT_NE(std::string(api->last_error()).find("GPU"), std::string::npos) << api->last_error();
    dlclose(lib);  // drops only this reference (the library holds its own, or none)
}
#endif

TEST(GpuPluginMissing, GpuRequestsNameThePathAndTheLoaderMessage) {
    const std::string path = env(ISN_GPU_PLUGIN_ENV);
    ASSERT_NE(path, "") << "run with " ISN_GPU_PLUGIN_ENV " naming a missing file";
    expect_refused({path + "' (from " ISN_GPU_PLUGIN_ENV ") could not be loaded: ",
                    // dlerror()'s own text
                    "cannot open shared object file: No such file or directory"});
}

TEST(GpuPluginForeign, IsRefusedWithTheReason) {
    const std::string path = env(ISN_GPU_PLUGIN_ENV), expect = env("ISN_TEST_EXPECT");
    ASSERT_NE(path, "") << "run with " ISN_GPU_PLUGIN_ENV;
    ASSERT_NE(expect, "") << "run with ISN_TEST_EXPECT";
    expect_refused({path + "' (from " ISN_GPU_PLUGIN_ENV ") ", expect});
}
