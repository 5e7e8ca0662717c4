// A GPU plug-in the library must refuse (test_gpu_plugin.cpp, GpuPluginForeign):
// it exports the entry but, by ISN_TEST_BAD_PLUGIN,
//   abi     hands back a table of another ABI version (as a plug-in of a
//           future or past ABI that does not check the caller would);
//   build   hands back a table of this ABI but another build id;
//   refuse  refuses, with a message of its own.
// Nothing in its table is ever called.
#include <cstdlib>
#include <cstring>

#include "gpu_plugin_abi.h"

namespace {
isn_gpu_plugin_api g_api{};
}

extern "C" ISN_GPU_PLUGIN_EXPORT isn_status isn_gpu_plugin_entry(uint32_t abi_version, const char*,
                                                                 const isn_gpu_plugin_api** out_api, char* message,
                                                                 int32_t capacity) {
    const char* mode = std::getenv("ISN_TEST_BAD_PLUGIN");
    *out_api = nullptr;
    if (mode != nullptr && std::strcmp(mode, "refuse") == 0) {
        std::strncpy(message, "the test plug-in refuses on purpose", static_cast<size_t>(capacity) - 1);
        message[capacity - 1] = '\0';
        return ISN_STATUS_DEVICE_UNAVAILABLE;
    }
    g_api.size = sizeof g_api;
    g_api.abi_version = abi_version;
    g_api.build_id = "0.0.0-another-build";
    g_api.runtime = "none";
    if (mode != nullptr && std::strcmp(mode, "abi") == 0) g_api.abi_version = abi_version + 1000;
    *out_api = &g_api;
    return ISN_STATUS_OK;
}
