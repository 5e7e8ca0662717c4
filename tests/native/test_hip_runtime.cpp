// The AMD plug-in against a stand-in for libamdhip64 (hip_stub/hip_stub.cpp),
// on machines without an AMD GPU: it finds the runtime the machine has, reads
// the device's name and ISA, loads its code object for that ISA from the
// embedded bundle and launches by name; every failure comes back with its
// documented status and message, and the stub holds nothing after a context
// is gone. Each CTest entry is a process of its own (the runtime is opened
// once per process): ISN_GPU_PLUGIN names the AMD plug-in, LD_LIBRARY_PATH or
// ISN_HIP_RUNTIME the runtime, ISN_TEST_HIP_STUB the stub's file name.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "isingnative.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

// The stub's controls, from the copy the plug-in opened.
struct Stub {
    void (*set_fault)(const char*) = nullptr;
    void (*set_isa)(const char*) = nullptr;
    long (*outstanding)() = nullptr;
    long (*launches)() = nullptr;
    const char* (*last_kernel)() = nullptr;
    unsigned (*last_grid)() = nullptr;
    unsigned (*last_block)() = nullptr;
};

template <class F>
void bind(void* lib, const char* name, F* out) {
    void* sym = dlsym(lib, name);
    ASSERT_NE(sym, nullptr) << name << ": " << dlerror();
    *out = reinterpret_cast<F>(sym);
}

Stub stub() {
    int32_t count = 0;
    EXPECT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);  // loads the plug-in, which opens the runtime
    Stub s;
    const std::string name = env("ISN_TEST_HIP_STUB");
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_NOLOAD);
    EXPECT_NE(lib, nullptr) << name << " is not loaded: " << dlerror();
    if (lib == nullptr) return s;
    bind(lib, "isn_hip_stub_set_fault", &s.set_fault);
    bind(lib, "isn_hip_stub_set_isa", &s.set_isa);
    bind(lib, "isn_hip_stub_outstanding", &s.outstanding);
    bind(lib, "isn_hip_stub_launches", &s.launches);
    bind(lib, "isn_hip_stub_last_kernel", &s.last_kernel);
    bind(lib, "isn_hip_stub_last_grid", &s.last_grid);
    bind(lib, "isn_hip_stub_last_block", &s.last_block);
    return s;
}

std::pair<isn_status, std::string> create(isn_context** ctx) {
    *ctx = nullptr;
    const isn_status st = isn_context_create_gpu(0, ctx);
    return {st, isn_last_error_message()};
}

std::string describe(isn_context* ctx) {
    char text[512] = {};
    EXPECT_EQ(isn_context_describe(ctx, text, sizeof text), ISN_STATUS_OK);
    return text;
}

// One empathy of two n-spin systems: its status and message.
std::pair<isn_status, std::string> empathy(isn_context* ctx, int32_t n, isn_precision precision = ISN_PRECISION_DOUBLE) {
    const HostSystem self = seed_pattern(n, 42), other = seed_pattern(n, 99);
    const isn_system_view views[] = {self.view(), other.view()};
    const isn_pair pair{0, 1, 7};
    isn_empathy_options o = default_empathy();
    o.anneal.precision = precision;
    isn_empathy_result r{};
    const isn_status st = isn_empathy_batch(ctx, views, 2, &pair, 1, &o, &r);
    return {st, isn_last_error_message()};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(HipStub, FindsTheRuntimeAndLaunchesTheGfx1151CodeObjectByName) {
    const Stub s = stub();
    ASSERT_NE(s.outstanding, nullptr);
    int32_t count = 0;
    ASSERT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    EXPECT_EQ(count, 1);
    isn_context* ctx = nullptr;
    const auto [st, msg] = create(&ctx);
    ASSERT_EQ(st, ISN_STATUS_OK) << msg;
    const std::string d = describe(ctx);
    for (const char* part : {"AMD Radeon 8060S Graphics (test stub)", "gfx1151", "libamdhip64.so.6", "code objects for"})
        EXPECT_TRUE(has(d, part)) << "'" << part << "' not in: " << d;

    // Each regime and precision launches its kernel by name, with the backend's grid and block.
    const long before = s.launches();
    ASSERT_EQ(empathy(ctx, 20).first, ISN_STATUS_OK);
    EXPECT_STREQ(s.last_kernel(), "isn_anneal_threads_f64");
    EXPECT_EQ(s.last_block(), 64u);
    EXPECT_EQ(s.last_grid(), 1u);
    ASSERT_EQ(empathy(ctx, 20, ISN_PRECISION_SINGLE).first, ISN_STATUS_OK);
    EXPECT_STREQ(s.last_kernel(), "isn_anneal_threads_f32");
    ASSERT_EQ(empathy(ctx, 200).first, ISN_STATUS_OK);
    EXPECT_STREQ(s.last_kernel(), "isn_anneal_blocks_f64");
    EXPECT_EQ(s.last_block(), 256u);
    ASSERT_EQ(empathy(ctx, 200, ISN_PRECISION_SINGLE).first, ISN_STATUS_OK);
    EXPECT_STREQ(s.last_kernel(), "isn_anneal_blocks_f32");
    const HostSystem sys = seed_pattern(20, 5);
    const isn_system_view v = sys.view();
    isn_observables obs{};
    ASSERT_EQ(isn_observe_batch(ctx, &v, 1, &obs), ISN_STATUS_OK) << isn_last_error_message();
    EXPECT_STREQ(s.last_kernel(), "isn_observe_systems");
    EXPECT_EQ(s.launches() - before, 5);

    EXPECT_GT(s.outstanding(), 0);  // buffers, the stream and the module
    ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    EXPECT_EQ(s.outstanding(), 0);
}

// A context created under an injected fault, or on a device of another ISA:
// refused as DEVICE_UNAVAILABLE with every part in the message, nothing held.
void expect_refused_at_creation(const Stub& s, const char* fault, const char* isa,
                                std::initializer_list<const char*> parts) {
    s.set_fault(fault);
    s.set_isa(isa);
    isn_context* ctx = nullptr;
    const auto [st, msg] = create(&ctx);
    s.set_fault("");
    s.set_isa("gfx1151");
    EXPECT_EQ(st, ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(ctx, nullptr);
    for (const char* part : parts) EXPECT_TRUE(has(msg, part)) << "'" << part << "' not in: " << msg;
    EXPECT_EQ(s.outstanding(), 0);
}

TEST(HipStub, AnIsaThePlugInDoesNotCarryIsRefusedWithWhatToDo) {
    const Stub s = stub();
    ASSERT_NE(s.set_isa, nullptr);
    expect_refused_at_creation(s, "", "gfx1036",
                               {"AMD Radeon 8060S Graphics (test stub)", "gfx1036", "carries gfx", "gfx1151", "./build.sh native"});
}

TEST(HipStub, NoDeviceIsDeviceUnavailable) {
    const Stub s = stub();
    ASSERT_NE(s.set_fault, nullptr);
    s.set_fault("no-device");
    int32_t count = -1;
    EXPECT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    EXPECT_EQ(count, 0);
    expect_refused_at_creation(s, "no-device", "gfx1151", {"no GPU device is available"});
}

TEST(HipStub, ACodeObjectTheRuntimeCannotLoadIsDeviceUnavailable) {
    const Stub s = stub();
    ASSERT_NE(s.set_fault, nullptr);
    expect_refused_at_creation(s, "load", "gfx1151",
                               {"could not load the plug-in's code object", "gfx1151", "hipErrorInvalidImage", "ROCm"});
}

// A fault injected into an empathy call on an open context: the call's status
// and message, a clean call after it (the context goes on), and nothing held
// once the context is gone.
std::pair<isn_status, std::string> fault_in_a_call(const Stub& s, const char* fault) {
    isn_context* ctx = nullptr;
    EXPECT_EQ(create(&ctx).first, ISN_STATUS_OK);
    if (ctx == nullptr) return {ISN_STATUS_INTERNAL, "no context"};
    s.set_fault(fault);
    const auto result = empathy(ctx, 20);
    s.set_fault("");
    EXPECT_EQ(empathy(ctx, 20).first, ISN_STATUS_OK) << "after the " << fault << " fault";
    EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    EXPECT_EQ(s.outstanding(), 0);
    return result;
}

TEST(HipStub, AFailedLaunchIsADeviceErrorAndTheContextGoesOn) {
    const Stub s = stub();
    ASSERT_NE(s.set_fault, nullptr);
    const auto [st, msg] = fault_in_a_call(s, "launch");
    EXPECT_EQ(st, ISN_STATUS_DEVICE_ERROR);
    EXPECT_TRUE(has(msg, "anneal_threads launch")) << msg;
    EXPECT_TRUE(has(msg, "hipErrorLaunchFailure")) << msg;
}

TEST(HipStub, DeviceMemoryRunningOutIsOutOfMemory) {
    const Stub s = stub();
    ASSERT_NE(s.set_fault, nullptr);
    const auto [st, msg] = fault_in_a_call(s, "oom");
    EXPECT_EQ(st, ISN_STATUS_OUT_OF_MEMORY);
    EXPECT_TRUE(has(msg, "hipMalloc")) << msg;
}

// ROCm 5's runtime: the legacy hipGetDeviceProperties and its struct layout.
TEST(HipStubRocm5, ReadsTheIsaFromTheLegacyProperties) {
    const Stub s = stub();
    ASSERT_NE(s.outstanding, nullptr);
    isn_context* ctx = nullptr;
    const auto [st, msg] = create(&ctx);
    ASSERT_EQ(st, ISN_STATUS_OK) << msg;
    const std::string d = describe(ctx);
    EXPECT_TRUE(has(d, "(gfx1030, hip: libamdhip64.so.5")) << d;
    ASSERT_EQ(empathy(ctx, 20).first, ISN_STATUS_OK);
    EXPECT_STREQ(s.last_kernel(), "isn_anneal_threads_f64");
    ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    EXPECT_EQ(s.outstanding(), 0);
}

// No runtime, or one too old: the reason names what was tried and what to install.
TEST(HipRuntimeUnusable, IsDeviceUnavailableWithTheReason) {
    const std::string expect = env("ISN_TEST_EXPECT");
    ASSERT_NE(expect, "") << "run with ISN_TEST_EXPECT";
    int32_t count = -1;
    EXPECT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    EXPECT_EQ(count, 0);
    isn_context* ctx = nullptr;
    const auto [st, msg] = create(&ctx);
    EXPECT_EQ(st, ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(ctx, nullptr);
    EXPECT_TRUE(has(msg, expect)) << "'" << expect << "' not in: " << msg;
    EXPECT_TRUE(has(msg, "install ROCm 6.3 or later")) << msg;
}
