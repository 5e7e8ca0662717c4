// The AMD plug-in's device code: every kernel of kernels.h, compiled by clang
// --offload-device-only into the bundle embedded in the plug-in (cmake/IsnGpu.cmake).
#include "kernels.h"
