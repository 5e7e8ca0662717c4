// The HIP runtime opened at run time, and the embedded kernels loaded through
// the module API (hip_dynamic.h).
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "../common/errors.h"
#include "gpu_runtime.h"  // hip_dynamic.h, after the kernel list

// The bundle that clang --offload-device-only made of hip/kernels.hip, placed
// in the plug-in's .hip_fatbin section (where roc-obj-ls looks) by hip_code_objects.S.
extern "C" const unsigned char isn_hip_code_objects[];
extern "C" const unsigned char isn_hip_code_objects_end[];

namespace isn::hipdyn {

namespace {

// Newest first: a machine with several ROCm releases gets the newest runtime.
constexpr const char* kLibraries[] = {"libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so.5"};

// gcnArchName's offset in hipDeviceProp_tR0600 (ROCm 6.0 and later; a new
// layout would come with a new versioned name) and in ROCm 5's hipDeviceProp_t.
// The props buffer is larger than either struct (1472 and 792 bytes).
constexpr size_t kArchOffsetR0600 = 1160;
constexpr size_t kArchOffsetR0000 = 396;
constexpr size_t kPropsBytes = 4096;
constexpr size_t kPropsText = 256;  // name[256] and gcnArchName[256]

const char kAdvice[] =
    "install ROCm 6.3 or later (the Radeon 8060S, gfx1151, needs it; ROCm 5 serves gfx90a and gfx1030), "
    "or use the CPU backends";

struct Loaded {
    Api api{};
    bool ok = false;
    std::string why;
};

template <class F>
bool bind(void* lib, const char* name, F* out, std::string* missing) {
    void* sym = dlsym(lib, name);
    if (sym == nullptr) {
        if (!missing->empty()) *missing += ", ";
        *missing += name;
        return false;
    }
    static_assert(sizeof(F) == sizeof sym, "function and object pointers differ in size");
    std::memcpy(out, &sym, sizeof sym);
    return true;
}

// $ISN_HIP_RUNTIME, when set, is the one file tried (a ROCm in an unusual place).
Loaded open_runtime() {
    Loaded r;
    const char* env = std::getenv("ISN_HIP_RUNTIME");
    std::vector<const char*> files(std::begin(kLibraries), std::end(kLibraries));
    if (env != nullptr && env[0] != '\0') files = {env};
    std::string tried;
    for (const char* file : files) {
        void* lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        if (lib == nullptr) {
            const char* e = dlerror();
            tried += std::string(tried.empty() ? "" : "; ") + (e != nullptr ? e : file);
            continue;
        }
        Api& a = r.api;
        a.library = file;
        std::string missing;
        bool ok = true;
        ok &= bind(lib, "hipGetDeviceCount", &a.GetDeviceCount, &missing);
        ok &= bind(lib, "hipSetDevice", &a.SetDevice, &missing);
        if (dlsym(lib, "hipGetDevicePropertiesR0600") != nullptr) {
            ok &= bind(lib, "hipGetDevicePropertiesR0600", &a.GetDeviceProperties, &missing);
            a.props_arch_offset = kArchOffsetR0600;
        } else {
            ok &= bind(lib, "hipGetDeviceProperties", &a.GetDeviceProperties, &missing);
            a.props_arch_offset = kArchOffsetR0000;
        }
        ok &= bind(lib, "hipMalloc", &a.Malloc, &missing);
        ok &= bind(lib, "hipFree", &a.Free, &missing);
        ok &= bind(lib, "hipMemcpyAsync", &a.MemcpyAsync, &missing);
        ok &= bind(lib, "hipStreamCreate", &a.StreamCreate, &missing);
        ok &= bind(lib, "hipStreamDestroy", &a.StreamDestroy, &missing);
        ok &= bind(lib, "hipStreamSynchronize", &a.StreamSynchronize, &missing);
        ok &= bind(lib, "hipGetLastError", &a.GetLastError, &missing);
        ok &= bind(lib, "hipGetErrorName", &a.GetErrorName, &missing);
        ok &= bind(lib, "hipGetErrorString", &a.GetErrorString, &missing);
        ok &= bind(lib, "hipModuleLoadData", &a.ModuleLoadData, &missing);
        ok &= bind(lib, "hipModuleGetFunction", &a.ModuleGetFunction, &missing);
        ok &= bind(lib, "hipModuleLaunchKernel", &a.ModuleLaunchKernel, &missing);
        ok &= bind(lib, "hipModuleUnload", &a.ModuleUnload, &missing);
        if (!ok) {
            // Kept loaded: a runtime may not be unloaded safely once opened.
            r.api = Api{};
            r.why = std::string("the HIP runtime ") + file + " is too old: it lacks " + missing + "; " + kAdvice;
            return r;
        }
        r.ok = true;
        return r;
    }
    const std::string what = env != nullptr && env[0] != '\0' ? std::string("'") + env + "' (from ISN_HIP_RUNTIME)"
                                                             : "(libamdhip64.so.7, .so.6 or .so.5)";
    r.why = "the HIP runtime " + what + " was not found (" + tried + "); " + kAdvice;
    return r;
}

const Loaded& loaded() {
    static const Loaded l = open_runtime();
    return l;
}

uint64_t read_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];  // the bundle is little-endian
    return v;
}

// The clang offload bundle: "__CLANG_OFFLOAD_BUNDLE__", an entry count, then per
// entry its offset, size, triple length and triple ("hipv4-amdgcn-amd-amdhsa--gfx1151").
std::vector<std::string> read_bundle_isas(const unsigned char* data, size_t size) {
    static const char kMagic[] = "__CLANG_OFFLOAD_BUNDLE__";
    constexpr size_t kMagicLen = sizeof kMagic - 1;
    std::vector<std::string> isas;
    if (size < kMagicLen + 8 || std::memcmp(data, kMagic, kMagicLen) != 0) return isas;
    size_t at = kMagicLen;
    const uint64_t entries = read_u64(data + at);
    at += 8;
    for (uint64_t e = 0; e < entries && at + 24 <= size; ++e) {
        const uint64_t triple_len = read_u64(data + at + 16);
        at += 24;
        if (triple_len > size - at) break;
        const std::string triple(reinterpret_cast<const char*>(data + at), static_cast<size_t>(triple_len));
        at += static_cast<size_t>(triple_len);
        const size_t sep = triple.find("--");
        if (triple.rfind("hip", 0) != 0 || sep == std::string::npos) continue;  // the empty host entry
        std::string isa = triple.substr(sep + 2);
        isa = isa.substr(0, isa.find(':'));
        if (std::find(isas.begin(), isas.end(), isa) == isas.end()) isas.push_back(isa);
    }
    return isas;
}

thread_local hipError_t t_launch_error = hipSuccess;

const char* const kKernelNames[] = {
#define ISN_GPU_KERNEL_NAME(name) #name,
    ISN_GPU_KERNELS(ISN_GPU_KERNEL_NAME)
#undef ISN_GPU_KERNEL_NAME
};

std::string hip_text(hipError_t e) {
    return std::string(hipGetErrorName(e)) + ": " + hipGetErrorString(e);
}

}  // namespace

const Api* api() { return loaded().ok ? &loaded().api : nullptr; }

const std::string& unavailable_reason() { return loaded().why; }

const std::vector<std::string>& carried_isas() {
    static const std::vector<std::string> isas =
        read_bundle_isas(isn_hip_code_objects, static_cast<size_t>(isn_hip_code_objects_end - isn_hip_code_objects));
    return isas;
}

std::string carried_isas_text() {
    std::string s;
    for (const std::string& isa : carried_isas()) s += (s.empty() ? "" : ", ") + isa;
    return s.empty() ? "none" : s;
}

hipError_t identify(int device, std::string* name, std::string* isa) {
    const Api* a = api();
    if (a == nullptr) return hipErrorNotInitialized;
    std::vector<char> props(kPropsBytes, 0);
    const hipError_t e = a->GetDeviceProperties(props.data(), device);
    if (e != hipSuccess) return e;
    const auto text_at = [&](size_t offset) {
        const char* p = props.data() + offset;
        return std::string(p, strnlen(p, kPropsText));
    };
    *name = text_at(0);
    const std::string arch = text_at(a->props_arch_offset);
    *isa = arch.substr(0, arch.find(':'));  // "gfx90a:sramecc+:xnack-" -> "gfx90a"
    return hipSuccess;
}

hipError_t take_launch_error() {
    const hipError_t e = t_launch_error;
    t_launch_error = hipSuccess;
    return e;
}

KernelModule::KernelModule(int32_t device, const std::string& device_name, const std::string& isa) {
    const Api& a = *api();
    const std::string device_text = "GPU " + std::to_string(device) + " (" + device_name + ", " + isa + ")";
    const std::vector<std::string>& isas = carried_isas();
    if (std::find(isas.begin(), isas.end(), isa) == isas.end())
        fail(ISN_STATUS_DEVICE_UNAVAILABLE,
             device_text + " has no code object in this GPU plug-in, which carries " + carried_isas_text() +
                 ": build IsingNative on this machine with `./build.sh native` (it compiles for the GPUs it finds; "
                 "docs/GPU.md), or use the CPU backends");
    const hipError_t load = a.ModuleLoadData(&module_, isn_hip_code_objects);
    if (load != hipSuccess) {
        module_ = nullptr;
        fail(load == hipErrorOutOfMemory ? ISN_STATUS_OUT_OF_MEMORY : ISN_STATUS_DEVICE_UNAVAILABLE,
             "the HIP runtime " + std::string(a.library) + " could not load the plug-in's code object for " +
                 device_text + ": " + hip_text(load) + "; " + kAdvice);
    }
    for (int k = 0; k < static_cast<int>(gpu::Kernel::count); ++k) {
        const hipError_t e = a.ModuleGetFunction(&functions_[k], module_, kKernelNames[k]);
        if (e != hipSuccess) {
            (void)a.ModuleUnload(module_);
            module_ = nullptr;
            fail(ISN_STATUS_DEVICE_UNAVAILABLE, "the plug-in's code object for " + device_text + " lacks the kernel " +
                                                    kKernelNames[k] + " (" + hip_text(e) + "): rebuild the plug-in");
        }
    }
}

KernelModule::~KernelModule() {
    if (module_ != nullptr) (void)api()->ModuleUnload(module_);
}

void KernelModule::launch_params(gpu::Kernel kernel, dim3 grid, dim3 block, hipStream_t stream, void** params) {
    const hipError_t e = api()->ModuleLaunchKernel(functions_[static_cast<int>(kernel)], grid.x, grid.y, grid.z, block.x,
                                                   block.y, block.z, 0, stream, params, nullptr);
    if (e != hipSuccess && t_launch_error == hipSuccess) t_launch_error = e;
}

}  // namespace isn::hipdyn
