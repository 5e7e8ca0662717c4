// The emulated device's runtime wrappers and test hooks (emulated_device.h,
// emulated_hooks.h); compiled only into the ISN_GPU_EMULATION flavour.
#include <hip/hip_runtime.h>

#define ISN_EMULATED_DEVICE_IMPL 1
#include "emulated_device.h"
#include "emulated_hooks.h"

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace isn::emu {

namespace {

// The device's state: one per process, like a device. Every field under mu.
struct Device {
    std::mutex mu;
    std::unordered_map<void*, std::size_t> live;  // allocation -> bytes
    int64_t live_bytes = 0;
    int64_t limit = -1;                           // < 0: none
    int32_t armed[4] = {-1, -1, -1, -1};          // per fault: calls to let pass first, -1: none
    int64_t fired = 0;
    int64_t invalid_frees = 0;                    // never reset: a leak check for the whole process
    std::unordered_set<hipStream_t> faulted;      // streams whose kernel "faulted"
};

Device& device() {
    static Device d;
    return d;
}

// True when the armed fault of this kind takes the current call (under mu).
bool take(Device& d, int32_t fault) {
    int32_t& a = d.armed[fault];
    if (a < 0) return false;
    if (a > 0) {
        --a;
        return false;
    }
    a = -1;
    ++d.fired;
    return true;
}

// hipGetLastError's pending error of a refused launch, per calling thread
// (the real runtime's last error is per thread too).
thread_local hipError_t t_launch_error = hipSuccess;

}  // namespace

hipError_t device_malloc(void** ptr, std::size_t bytes) {
    Device& d = device();
    std::lock_guard<std::mutex> lock(d.mu);
    if (ptr == nullptr) return hipErrorInvalidValue;
    *ptr = nullptr;
    if (take(d, ISN_EMULATED_FAULT_ALLOC)) return hipErrorOutOfMemory;
    if (d.limit >= 0 && d.live_bytes + static_cast<int64_t>(bytes) > d.limit) {
        ++d.fired;
        return hipErrorOutOfMemory;
    }
    const hipError_t e = ::hipMalloc(ptr, bytes);
    if (e != hipSuccess) return e;
    if (*ptr == nullptr) return hipErrorOutOfMemory;  // HIP-CPU reports success when malloc fails
    d.live.emplace(*ptr, bytes);
    d.live_bytes += static_cast<int64_t>(bytes);
    return hipSuccess;
}

hipError_t device_free(void* ptr) {
    if (ptr == nullptr) return hipSuccess;
    Device& d = device();
    {
        std::lock_guard<std::mutex> lock(d.mu);
        const auto it = d.live.find(ptr);
        if (it == d.live.end()) {
            // A real runtime rejects it too; passing it on to free() would be
            // undefined behaviour in the test process.
            ++d.invalid_frees;
            return hipErrorInvalidValue;
        }
        d.live_bytes -= static_cast<int64_t>(it->second);
        d.live.erase(it);
    }
    return ::hipFree(ptr);
}

hipError_t memcpy_async(void* dst, const void* src, std::size_t bytes, hipMemcpyKind kind, hipStream_t stream) {
    {
        Device& d = device();
        std::lock_guard<std::mutex> lock(d.mu);
        // After a kernel fault a device stream runs nothing more: the copy
        // neither happens nor reports (the synchronisation does).
        if (d.faulted.count(stream) != 0) return hipSuccess;
    }
    return ::hipMemcpyAsync(dst, src, bytes, kind, stream);
}

hipError_t stream_synchronize(hipStream_t stream) {
    const hipError_t e = ::hipStreamSynchronize(stream);
    Device& d = device();
    std::lock_guard<std::mutex> lock(d.mu);
    if (d.faulted.erase(stream) != 0) return hipErrorIllegalAddress;
    return e;
}

hipError_t stream_destroy(hipStream_t stream) {
    {
        Device& d = device();
        std::lock_guard<std::mutex> lock(d.mu);
        d.faulted.erase(stream);
    }
    return ::hipStreamDestroy(stream);
}

bool admit_launch(hipStream_t stream) {
    Device& d = device();
    std::lock_guard<std::mutex> lock(d.mu);
    if (take(d, ISN_EMULATED_FAULT_LAUNCH)) {
        t_launch_error = hipErrorLaunchOutOfResources;
        return false;
    }
    if (d.faulted.count(stream) != 0) return false;  // the stream already faulted: nothing more runs
    if (take(d, ISN_EMULATED_FAULT_KERNEL)) {
        d.faulted.insert(stream);
        return false;
    }
    return true;
}

hipError_t last_error() {
    const hipError_t pending = t_launch_error;
    t_launch_error = hipSuccess;
    const hipError_t e = ::hipGetLastError();
    return pending != hipSuccess ? pending : e;
}

// HIP's texts for the errors the wrappers produce (HIP-CPU's
// hipGetErrorString repeats the name).
const char* error_string(hipError_t e) {
    switch (e) {
        case hipErrorOutOfMemory: return "out of memory (emulated device)";
        case hipErrorLaunchOutOfResources: return "too many resources requested for launch (emulated device)";
        case hipErrorIllegalAddress: return "an illegal memory access was encountered (emulated device)";
        default: return ::hipGetErrorString(e);
    }
}

}  // namespace isn::emu

extern "C" {

void isn_emulated_gpu_set_memory_limit(int64_t bytes) {
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    d.limit = bytes < 0 ? -1 : bytes;
}

int32_t isn_emulated_gpu_fail(int32_t fault, int32_t skip) {
    if (fault < ISN_EMULATED_FAULT_ALLOC || fault > ISN_EMULATED_FAULT_KERNEL || skip < 0) return -1;
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    d.armed[fault] = skip;
    return 0;
}

void isn_emulated_gpu_reset(void) {
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    d.limit = -1;
    for (int32_t& a : d.armed) a = -1;
    d.fired = 0;
    d.faulted.clear();
}

int64_t isn_emulated_gpu_allocated_bytes(void) {
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    return d.live_bytes;
}

int64_t isn_emulated_gpu_faults_fired(void) {
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    return d.fired;
}

int64_t isn_emulated_gpu_invalid_frees(void) {
    isn::emu::Device& d = isn::emu::device();
    std::lock_guard<std::mutex> lock(d.mu);
    return d.invalid_frees;
}

}  // extern "C"
