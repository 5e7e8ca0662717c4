// The CPU library's side of the GPU plug-ins (gpu_plugin_abi.h): make_gpu_backend
// and gpu_device_count for api/, by loading the plug-ins on first use.
//
// The CPU library links no GPU runtime, so it loads (and keeps native-cpu) on
// a machine without ROCm or CUDA; only a GPU request loads the plug-ins, each
// of which opens its own runtime. A request goes to the first plug-in that
// opens a context; where none can, it answers ISN_STATUS_DEVICE_UNAVAILABLE
// with every plug-in's reason (the loader's, or the runtime's and device's).
//
// Loading happens once per process (a function-local static: thread-safe),
// success or failure, so every later GPU request gets the same answer cheaply.
// A plug-in is never unloaded: its code runs for every live GPU context and
// its runtime keeps threads of its own.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(_WIN32)
#  define WIN32_LEAN_AND_MEAN
#  include <windows.h>
#else
#  include <dlfcn.h>
#  include <unistd.h>
#endif

#include "../common/errors.h"
#include "../gpu_plugin_abi.h"
#include "isn_build_info.h"

namespace isn {

namespace {

struct Plugin {
    const isn_gpu_plugin_api* api = nullptr;  // null: not usable, `why` says why
    std::string path;
    std::string why;
};

#if defined(_WIN32)
std::string system_message(DWORD code) {
    char* text = nullptr;
    const DWORD n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
    std::string s = n > 0 && text != nullptr ? std::string(text, n) : "error " + std::to_string(code);
    if (text != nullptr) LocalFree(text);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// The folder of this DLL (the plug-in is shipped beside it).
std::string own_directory() {
    HMODULE self = nullptr;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            reinterpret_cast<LPCSTR>(&own_directory), &self))
        return "";
    char buf[MAX_PATH];
    const DWORD n = GetModuleFileNameA(self, buf, MAX_PATH);
    if (n == 0 || n == MAX_PATH) return "";
    std::string p(buf, n);
    const size_t slash = p.find_last_of("\\/");
    return slash == std::string::npos ? "" : p.substr(0, slash + 1);
}

// The entry, or null with *error set. LOAD_WITH_ALTERED_SEARCH_PATH: the
// plug-in's own dependencies (the GPU runtime) are searched from its folder.
isn_gpu_plugin_entry_fn open_plugin(const std::string& path, std::string* error) {
    HMODULE lib = LoadLibraryExA(path.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (lib == nullptr) {
        *error = system_message(GetLastError());
        return nullptr;
    }
    auto entry = reinterpret_cast<isn_gpu_plugin_entry_fn>(
        reinterpret_cast<void*>(GetProcAddress(lib, ISN_GPU_PLUGIN_ENTRY_NAME)));
    if (entry == nullptr) *error = "no " ISN_GPU_PLUGIN_ENTRY_NAME " in it: " + system_message(GetLastError());
    return entry;
}
#else
std::string own_directory() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&own_directory), &info) == 0 || info.dli_fname == nullptr) return "";
    const std::string p = info.dli_fname;
    const size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? "" : p.substr(0, slash + 1);
}

// RTLD_NOW: a missing runtime symbol fails here, with dlerror's text, not at
// a first launch. RTLD_LOCAL: the plug-in's (and its runtime's) symbols stay
// out of the process's global scope.
isn_gpu_plugin_entry_fn open_plugin(const std::string& path, std::string* error) {
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* e = dlerror();
        *error = e != nullptr ? e : "dlopen failed";
        return nullptr;
    }
    (void)dlerror();
    void* sym = dlsym(lib, ISN_GPU_PLUGIN_ENTRY_NAME);
    if (sym == nullptr) {
        const char* e = dlerror();
        *error = std::string("no " ISN_GPU_PLUGIN_ENTRY_NAME " in it: ") + (e != nullptr ? e : "dlsym failed");
        return nullptr;
    }
    isn_gpu_plugin_entry_fn entry;
    static_assert(sizeof entry == sizeof sym, "function and object pointers differ in size");
    std::memcpy(&entry, &sym, sizeof entry);
    return entry;
}
#endif

Plugin load(const std::string& path, bool from_env) {
    Plugin p;
    p.path = path;
    const std::string where = from_env ? " (from " ISN_GPU_PLUGIN_ENV ")" : "";
    std::string error;
    const isn_gpu_plugin_entry_fn entry = open_plugin(p.path, &error);
    if (entry == nullptr) {
        p.why = "the GPU plug-in '" + p.path + "'" + where + " could not be loaded: " + error;
        if (!from_env && std::string(ISN_GPU_PLUGIN_BUILT) == "none")
            p.why += " (this build made no GPU plug-in: configure with ISN_ENABLE_HIP=ON or ISN_ENABLE_CUDA=ON)";
        return p;
    }
    char message[ISN_MESSAGE_CAPACITY] = {};
    const isn_gpu_plugin_api* api = nullptr;
    const isn_status st = entry(ISN_GPU_PLUGIN_ABI_VERSION, ISN_BUILD_ID, &api, message, static_cast<int32_t>(sizeof message));
    const std::string refused = "the GPU plug-in '" + p.path + "'" + where + " was refused: ";
    if (st != ISN_STATUS_OK || api == nullptr) {
        p.why = refused + (message[0] != '\0' ? message : "its entry returned status " + std::to_string(st));
        return p;
    }
    // The plug-in checked us; check it too (one built without that check, or of another ABI).
    if (api->abi_version != ISN_GPU_PLUGIN_ABI_VERSION || api->size != sizeof(isn_gpu_plugin_api)) {
        p.why = refused + "it has plug-in ABI version " + std::to_string(api->abi_version) + " (table of " +
                std::to_string(api->size) + " bytes), this library needs version " +
                std::to_string(ISN_GPU_PLUGIN_ABI_VERSION) + " (" + std::to_string(sizeof(isn_gpu_plugin_api)) +
                " bytes)";
        return p;
    }
    if (api->build_id == nullptr || std::string(api->build_id) != ISN_BUILD_ID) {
        p.why = refused + "it is from another build (plug-in build id " +
                (api->build_id != nullptr ? api->build_id : "(null)") + ", this library's " ISN_BUILD_ID ")";
        return p;
    }
    p.api = api;
    return p;
}

bool exists(const std::string& path) {
#if defined(_WIN32)
    return GetFileAttributesA(path.c_str()) != INVALID_FILE_ATTRIBUTES;
#else
    return access(path.c_str(), F_OK) == 0;
#endif
}

// $ISN_GPU_PLUGIN alone when set; else each plug-in shipped beside the library
// (the primary one is tried even when absent, so its absence is the reason given).
std::vector<Plugin> load_all() {
    const char* env = std::getenv(ISN_GPU_PLUGIN_ENV);
    if (env != nullptr && env[0] != '\0') return {load(env, true)};
    const std::string dir = own_directory();
    std::vector<Plugin> plugins{load(dir + ISN_GPU_PLUGIN_FILE, false)};
    const std::string cuda = dir + ISN_GPU_PLUGIN_CUDA_FILE;
    if (exists(cuda)) {
        if (plugins.front().api == nullptr && !exists(plugins.front().path)) plugins.clear();
        plugins.push_back(load(cuda, false));
    }
    return plugins;
}

const std::vector<Plugin>& plugins() {
    static const std::vector<Plugin> p = load_all();
    return p;
}

// The plug-in's failure as isn::Error, with its message.
void check(const isn_gpu_plugin_api& api, isn_status status) {
    if (status != ISN_STATUS_OK) fail(status, api.last_error());
}

// An agent set on the device: the plug-in's handle.
class PluginResident final : public ResidentSet {
public:
    PluginResident(const isn_gpu_plugin_api& api, isn_gpu_resident* handle) : api_(api), handle_(handle) {}
    PluginResident(const PluginResident&) = delete;
    PluginResident& operator=(const PluginResident&) = delete;
    ~PluginResident() override { api_.destroy_resident(handle_); }
    int64_t bytes() const override { return api_.resident_bytes(handle_); }
    isn_gpu_resident* handle() const { return handle_; }

private:
    const isn_gpu_plugin_api& api_;
    isn_gpu_resident* handle_;
};

// A GPU context's executor: the plug-in's, called through its table. The
// cheap host-side loops (similarity, quick estimates) run on a CPU executor
// of this library: host work, so the plug-in carries no thread pool for it.
class PluginBackend final : public Backend {
public:
    PluginBackend(const isn_gpu_plugin_api& api, isn_gpu_backend* handle)
        : api_(api), handle_(handle), description_(api.describe(handle)) {
        host_ = make_cpu_backend(static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency())));
    }
    PluginBackend(const PluginBackend&) = delete;
    PluginBackend& operator=(const PluginBackend&) = delete;
    ~PluginBackend() override { api_.destroy(handle_); }

    isn_backend kind() const override { return ISN_BACKEND_GPU; }
    std::string describe() const override { return description_; }

    void run_anneal(const SystemSet& systems, const JobRange& jobs, const isn_anneal_options& options,
                    const isn_weights* weights, int8_t* spins_out, isn_anneal_stats* stats,
                    isn_empathy_result* results, double* scores) override {
        SystemSet s = systems;
        // Across the boundary the resident copy is the plug-in's own handle.
        s.resident = systems.resident != nullptr
                         ? reinterpret_cast<ResidentSet*>(static_cast<PluginResident*>(systems.resident)->handle())
                         : nullptr;
        check(api_, api_.run_anneal(handle_, &s, &jobs, &options, weights, spins_out, stats, results, scores));
    }

    void observe(const isn_system_view* systems, int32_t count, isn_observables* out) override {
        check(api_, api_.observe(handle_, systems, count, out));
    }

    void host_for(int64_t count, const std::function<void(int64_t)>& fn) override { host_->host_for(count, fn); }

    std::unique_ptr<ResidentSet> make_resident(const isn_system_view* views, int32_t count, const double* norms,
                                               const double* energies) override {
        isn_gpu_resident* r = nullptr;
        check(api_, api_.make_resident(handle_, views, count, norms, energies, &r));
        if (r == nullptr) return nullptr;
        try {
            return std::make_unique<PluginResident>(api_, r);
        } catch (...) {
            api_.destroy_resident(r);
            throw;
        }
    }

    bool update_resident(ResidentSet& resident, const isn_system_view* views, int32_t count, int32_t index,
                         const double* norms, const double* energies, bool spins_only) override {
        int32_t patched = 0;
        check(api_, api_.update_resident(handle_, static_cast<PluginResident&>(resident).handle(), views, count, index,
                                         norms, energies, spins_only ? 1 : 0, &patched));
        return patched != 0;
    }

    void memory_stats(int64_t& current_bytes, int64_t& peak_bytes) const override {
        api_.memory_stats(handle_, &current_bytes, &peak_bytes);
    }
    void transfer_stats(int64_t& host_to_device, int64_t& device_to_host) const override {
        api_.transfer_stats(handle_, &host_to_device, &device_to_host);
    }

private:
    const isn_gpu_plugin_api& api_;
    isn_gpu_backend* handle_;
    std::string description_;
    std::unique_ptr<Backend> host_;
};

}  // namespace

std::unique_ptr<Backend> make_gpu_backend(int32_t device) {
    const std::vector<Plugin>& all = plugins();
    std::string why;
    const auto add = [&](const Plugin& p, const std::string& text) {
        if (!why.empty()) why += "; ";
        if (all.size() > 1 && p.api != nullptr) why += std::string(p.api->runtime) + ": ";
        why += text;
    };
    for (const Plugin& p : all) {
        if (p.api == nullptr) {
            add(p, p.why);
            continue;
        }
        isn_gpu_backend* handle = nullptr;
        const isn_status st = p.api->create(device, &handle);
        if (st == ISN_STATUS_DEVICE_UNAVAILABLE) {
            add(p, p.api->last_error());
            continue;
        }
        check(*p.api, st);
        try {
            return std::make_unique<PluginBackend>(*p.api, handle);
        } catch (...) {
            p.api->destroy(handle);
            throw;
        }
    }
    const bool none_loaded = std::none_of(all.begin(), all.end(), [](const Plugin& p) { return p.api != nullptr; });
    fail(ISN_STATUS_DEVICE_UNAVAILABLE, (none_loaded ? "no GPU support: " : "") + why);
}

int32_t gpu_device_count() {
    for (const Plugin& p : plugins()) {
        if (p.api == nullptr) continue;
        const int32_t count = p.api->device_count();
        if (count > 0) return count;
    }
    return 0;
}

}  // namespace isn
