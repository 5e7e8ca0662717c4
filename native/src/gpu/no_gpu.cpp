// Built instead of the GPU backend when the library has no GPU support, so the
// GPU entry points still answer with a clear status.
#include "../common/errors.h"
#include "../backend.h"

namespace isn {

std::unique_ptr<Backend> make_gpu_backend(int32_t) {
    fail(ISN_STATUS_DEVICE_UNAVAILABLE,
         "this build of isingnative has no GPU support (configure with ISN_ENABLE_HIP=ON or ISN_ENABLE_CUDA=ON)");
}

int32_t gpu_device_count() { return 0; }

}  // namespace isn
