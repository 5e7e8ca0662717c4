// A stand-in for libamdhip64, for the AMD plug-in's tests on machines without
// an AMD GPU (test_hip_runtime.cpp): the entry points hip_dynamic.cpp binds,
// with one device whose ISA a test sets, host memory as "device" memory, a
// module loader that reads the plug-in's real code-object bundle, and faults a
// test injects. Kernels do not run: a launch is recorded. Built three ways:
//  - ISN_STUB_R0600: ROCm 6/7's hipGetDevicePropertiesR0600 (libamdhip64.so.6);
//  - otherwise ROCm 5's hipGetDeviceProperties (libamdhip64.so.5);
//  - ISN_STUB_OLD: without hipModuleLaunchKernel (a runtime too old to serve).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#define STUB_API extern "C" __attribute__((visibility("default")))

namespace {

using hipError_t = int;
constexpr hipError_t kSuccess = 0, kOutOfMemory = 2, kInvalidValue = 1, kNoDevice = 100, kInvalidDevice = 101,
                     kInvalidImage = 200, kNoBinaryForGpu = 209, kNotFound = 500, kLaunchFailure = 719;

#if defined(ISN_STUB_R0600)
constexpr size_t kPropsSize = 1472, kArchOffset = 1160;  // hipDeviceProp_tR0600
constexpr const char* kDefaultIsa = "gfx1151";
#else
constexpr size_t kPropsSize = 792, kArchOffset = 396;  // ROCm 5's hipDeviceProp_t
constexpr const char* kDefaultIsa = "gfx1030";
#endif

struct Function {
    std::string name;
};
struct Module {
    std::vector<Function*> functions;
    const unsigned char* code = nullptr;
    size_t size = 0;
};

struct State {
    std::mutex lock;
    std::string fault;  // "", "no-device", "load", "launch", "oom"
    // The device's ISA: ISN_HIP_STUB_ISA (for a whole process, e.g. the CLI's tests) or the variant's.
    std::string isa = std::getenv("ISN_HIP_STUB_ISA") != nullptr ? std::getenv("ISN_HIP_STUB_ISA") : kDefaultIsa;
    long buffers = 0, streams = 0, modules = 0, launches = 0;
    std::string last_kernel;
    unsigned last_grid = 0, last_block = 0;
    hipError_t last_error = kSuccess;
};

State& state() {
    static State s;
    return s;
}

uint64_t u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

hipError_t fail(State& s, hipError_t e) {
    s.last_error = e;
    return e;
}

}  // namespace

// ---- what a test steers and reads ----
STUB_API void isn_hip_stub_set_fault(const char* fault) {
    std::lock_guard<std::mutex> g(state().lock);
    state().fault = fault != nullptr ? fault : "";
}
STUB_API void isn_hip_stub_set_isa(const char* isa) {
    std::lock_guard<std::mutex> g(state().lock);
    state().isa = isa;
}
// Device buffers, streams and modules still held.
STUB_API long isn_hip_stub_outstanding() {
    std::lock_guard<std::mutex> g(state().lock);
    return state().buffers + state().streams + state().modules;
}
STUB_API long isn_hip_stub_launches() { return state().launches; }
STUB_API const char* isn_hip_stub_last_kernel() { return state().last_kernel.c_str(); }
STUB_API unsigned isn_hip_stub_last_grid() { return state().last_grid; }
STUB_API unsigned isn_hip_stub_last_block() { return state().last_block; }

// ---- the runtime ----
STUB_API hipError_t hipGetDeviceCount(int* count) {
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    *count = s.fault == "no-device" ? 0 : 1;
    return *count == 0 ? fail(s, kNoDevice) : kSuccess;
}

STUB_API hipError_t hipSetDevice(int device) { return device == 0 ? kSuccess : fail(state(), kInvalidDevice); }

#if defined(ISN_STUB_R0600)
STUB_API hipError_t hipGetDevicePropertiesR0600(void* props, int device)
#else
STUB_API hipError_t hipGetDeviceProperties(void* props, int device)
#endif
{
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    if (device != 0) return fail(s, kInvalidDevice);
    auto* p = static_cast<char*>(props);
    std::memset(p, 0, kPropsSize);
    std::strcpy(p, "AMD Radeon 8060S Graphics (test stub)");
    std::strcpy(p + kArchOffset, (s.isa + ":sramecc-:xnack-").c_str());
    return kSuccess;
}

STUB_API hipError_t hipMalloc(void** ptr, size_t bytes) {
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    *ptr = nullptr;
    if (s.fault == "oom") return fail(s, kOutOfMemory);
    *ptr = std::malloc(bytes == 0 ? 1 : bytes);
    if (*ptr == nullptr) return fail(s, kOutOfMemory);
    ++s.buffers;
    return kSuccess;
}

STUB_API hipError_t hipFree(void* ptr) {
    if (ptr == nullptr) return kSuccess;
    std::lock_guard<std::mutex> g(state().lock);
    std::free(ptr);
    --state().buffers;
    return kSuccess;
}

STUB_API hipError_t hipMemcpyAsync(void* dst, const void* src, size_t bytes, int, void*) {
    std::memcpy(dst, src, bytes);
    return kSuccess;
}

STUB_API hipError_t hipStreamCreate(void** stream) {
    std::lock_guard<std::mutex> g(state().lock);
    *stream = new int(0);
    ++state().streams;
    return kSuccess;
}

STUB_API hipError_t hipStreamDestroy(void* stream) {
    std::lock_guard<std::mutex> g(state().lock);
    delete static_cast<int*>(stream);
    --state().streams;
    return kSuccess;
}

STUB_API hipError_t hipStreamSynchronize(void*) { return kSuccess; }

STUB_API hipError_t hipGetLastError() {
    std::lock_guard<std::mutex> g(state().lock);
    const hipError_t e = state().last_error;
    state().last_error = kSuccess;
    return e;
}

STUB_API const char* hipGetErrorName(hipError_t e) {
    switch (e) {
        case kSuccess: return "hipSuccess";
        case kInvalidValue: return "hipErrorInvalidValue";
        case kOutOfMemory: return "hipErrorOutOfMemory";
        case kNoDevice: return "hipErrorNoDevice";
        case kInvalidDevice: return "hipErrorInvalidDevice";
        case kInvalidImage: return "hipErrorInvalidImage";
        case kNoBinaryForGpu: return "hipErrorNoBinaryForGpu";
        case kNotFound: return "hipErrorNotFound";
        case kLaunchFailure: return "hipErrorLaunchFailure";
        default: return "hipErrorUnknown";
    }
}

STUB_API const char* hipGetErrorString(hipError_t e) {
    return e == kSuccess ? "no error" : "injected by the test stub of libamdhip64";
}

// Reads the clang offload bundle the way the real loader picks a code object:
// the entry "hipv4-amdgcn-amd-amdhsa--<isa>" of the device's ISA.
STUB_API hipError_t hipModuleLoadData(void** module, const void* image) {
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    *module = nullptr;
    if (s.fault == "load") return fail(s, kInvalidImage);
    const auto* data = static_cast<const unsigned char*>(image);
    static const char kMagic[] = "__CLANG_OFFLOAD_BUNDLE__";
    if (std::memcmp(data, kMagic, sizeof kMagic - 1) != 0) return fail(s, kInvalidImage);
    const uint64_t entries = u64(data + 24);
    size_t at = 32;
    for (uint64_t e = 0; e < entries; ++e) {
        const uint64_t offset = u64(data + at), size = u64(data + at + 8), len = u64(data + at + 16);
        const std::string triple(reinterpret_cast<const char*>(data + at + 24), static_cast<size_t>(len));
        at += 24 + static_cast<size_t>(len);
        if (triple == "hipv4-amdgcn-amd-amdhsa--" + s.isa) {
            auto* m = new Module;
            m->code = data + offset;
            m->size = static_cast<size_t>(size);
            *module = m;
            ++s.modules;
            return kSuccess;
        }
    }
    return fail(s, kNoBinaryForGpu);
}

// A kernel is there when its name is in the code object's symbol table.
STUB_API hipError_t hipModuleGetFunction(void** function, void* module, const char* name) {
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    auto* m = static_cast<Module*>(module);
    const size_t len = std::strlen(name) + 1;  // with its NUL, as the string table holds it
    for (size_t i = 0; i + len <= m->size; ++i) {
        if (std::memcmp(m->code + i, name, len) == 0) {
            m->functions.push_back(new Function{name});
            *function = m->functions.back();
            return kSuccess;
        }
    }
    return fail(s, kNotFound);
}

#if !defined(ISN_STUB_OLD)
STUB_API hipError_t hipModuleLaunchKernel(void* function, unsigned gx, unsigned, unsigned, unsigned bx, unsigned,
                                          unsigned, unsigned, void*, void** params, void**) {
    State& s = state();
    std::lock_guard<std::mutex> g(s.lock);
    if (s.fault == "launch") return fail(s, kLaunchFailure);
    if (params == nullptr) return fail(s, kInvalidValue);
    s.last_kernel = static_cast<Function*>(function)->name;
    s.last_grid = gx;
    s.last_block = bx;
    ++s.launches;
    return kSuccess;
}
#endif

STUB_API hipError_t hipModuleUnload(void* module) {
    std::lock_guard<std::mutex> g(state().lock);
    auto* m = static_cast<Module*>(module);
    for (Function* f : m->functions) delete f;
    delete m;
    --state().modules;
    return kSuccess;
}
