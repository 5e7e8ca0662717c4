# GPU backends. Exactly one of them is compiled into the GPU plug-in
# isingnative_gpu (native/CMakeLists.txt), which the isingnative library loads
# on first GPU use; the library itself links no GPU runtime.
#
# ISN_ENABLE_HIP = AUTO | ON | OFF (default AUTO): AMD GPUs through ROCm/HIP.
#   The .hip sources are compiled by `hipcc` through custom commands (CMake
#   3.25's HIP language cannot find Debian's hip-lang package), then linked
#   into the GPU plug-in together with libamdhip64.
# ISN_HIP_TARGETS (default "gfx90a;gfx1030"): the offload architectures.
#   gfx1100 (RDNA3) and gfx1151 (Radeon 8060S / Strix Halo) need ROCm >= 6.3's
#   compiler; Debian 12's ROCm 5.2 hipcc does not know them.
# ISN_ENABLE_CUDA = ON | OFF (default OFF): NVIDIA GPUs; the same kernel source
#   (src/hip/gpu_backend.hip, included by src/cuda/gpu_backend.cu) through the
#   thin src/gpu/gpu_runtime.h mapping; nvcc gets --fmad=false.
# ISN_CUDA_ARCHITECTURES (default 90).
# ISN_GPU_EMULATION = ON | OFF (default OFF): TEST-ONLY flavour, never shipped.
#   The same .hip source compiled by the host C++17 compiler against HIP-CPU
#   (AMD's header-only HIP runtime for CPUs, needs TBB: libtbb-dev), so the GPU
#   backend's kernels, buffers and error paths run on the host, with fault
#   hooks for the tests (src/gpu/emulated_device.h). build.sh test builds it
#   in build/emu. Exclusive with the HIP and CUDA flavours.
# ISN_HIP_CPU_DIR (default <repo>/../shared/third_party/hip-cpu): HIP-CPU.
include_guard(GLOBAL)

set(ISN_ENABLE_HIP AUTO CACHE STRING "Build the HIP (ROCm) backend: AUTO, ON or OFF")
set_property(CACHE ISN_ENABLE_HIP PROPERTY STRINGS AUTO ON OFF)
set(ISN_HIP_TARGETS "gfx90a;gfx1030" CACHE STRING "AMD GPU architectures for the HIP backend")
option(ISN_ENABLE_CUDA "Build the CUDA backend (NVIDIA) from the same kernel source" OFF)
set(ISN_CUDA_ARCHITECTURES "90" CACHE STRING "CUDA architectures for the CUDA backend")

option(ISN_GPU_EMULATION "Test-only: build the GPU backend against HIP-CPU (emulated device on the host)" OFF)
get_filename_component(_isn_hip_cpu_default "${CMAKE_SOURCE_DIR}/../shared/third_party/hip-cpu" ABSOLUTE)
set(ISN_HIP_CPU_DIR "${_isn_hip_cpu_default}" CACHE PATH "HIP-CPU (header-only HIP runtime for CPUs) for ISN_GPU_EMULATION")

set(ISN_GPU_FLAVOUR "none")
set(ISN_GPU_EMULATION_NOTE "")

if(ISN_GPU_EMULATION)
  if(ISN_ENABLE_CUDA OR ISN_ENABLE_HIP STREQUAL "ON")
    message(FATAL_ERROR "ISN_GPU_EMULATION is a flavour of its own: configure it without ISN_ENABLE_CUDA / ISN_ENABLE_HIP=ON")
  endif()
  if(NOT EXISTS "${ISN_HIP_CPU_DIR}/include/hip/hip_runtime.h")
    set(ISN_GPU_EMULATION_NOTE "HIP-CPU not found at ${ISN_HIP_CPU_DIR} (set ISN_HIP_CPU_DIR)")
  elseif(NOT MSVC)
    # libstdc++'s parallel algorithms, which HIP-CPU runs blocks with, need TBB (MSVC's do not).
    find_package(TBB QUIET)
    if(NOT TARGET TBB::tbb)
      set(ISN_GPU_EMULATION_NOTE "TBB not found (HIP-CPU needs it: apt-get install libtbb-dev, or ./build.sh deps)")
    endif()
  endif()
  if(ISN_GPU_EMULATION_NOTE)
    message(STATUS "isingnative: emulated GPU flavour skipped: ${ISN_GPU_EMULATION_NOTE}")
  else()
    set(ISN_GPU_FLAVOUR "emulated")
    message(STATUS "isingnative: emulated GPU flavour ON (test-only; HIP-CPU at ${ISN_HIP_CPU_DIR})")
  endif()
elseif(ISN_ENABLE_CUDA)
  if(ISN_ENABLE_HIP STREQUAL "ON")
    message(FATAL_ERROR "ISN_ENABLE_CUDA and ISN_ENABLE_HIP=ON are exclusive: pick one GPU runtime")
  endif()
  set(CMAKE_CUDA_ARCHITECTURES "${ISN_CUDA_ARCHITECTURES}")
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  # One CUDA runtime: the library links CUDA::cudart (shared) explicitly, so
  # CMake must not add its default static cudart to the same link.
  set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
    # enable_language(CUDA) looks only on PATH; the toolkit's usual home too.
    find_program(ISN_NVCC nvcc HINTS "$ENV{CUDA_HOME}/bin" "$ENV{CUDA_PATH}/bin" /usr/local/cuda/bin)
    if(ISN_NVCC)
      set(CMAKE_CUDA_COMPILER "${ISN_NVCC}")
    endif()
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  # nvcc's host pass also emits the core's inline host functions (det_exp,
  # Philox, ...); the linker keeps ONE copy of each inline function per
  # library, possibly this one, so the host compiler must round exactly like
  # the C++ sources do (IsnFloatingPoint.cmake): no contraction into FMA.
  # (Appended after enable_language so a user's CUDAFLAGS are kept.)
  string(APPEND CMAKE_CUDA_FLAGS " -Xcompiler=-ffp-contract=off,-fno-fast-math")
  message(STATUS "isingnative: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES})")
  set(ISN_GPU_FLAVOUR "cuda")
elseif(NOT ISN_ENABLE_HIP STREQUAL "OFF")
  find_program(ISN_HIPCC hipcc HINTS "$ENV{ROCM_PATH}/bin" /opt/rocm/bin)
  find_library(ISN_AMDHIP64 amdhip64 HINTS "$ENV{ROCM_PATH}/lib" /opt/rocm/lib)
  if(ISN_HIPCC AND ISN_AMDHIP64)
    set(ISN_GPU_FLAVOUR "hip")
    message(STATUS "isingnative: HIP backend ON (${ISN_HIPCC}, targets ${ISN_HIP_TARGETS})")
  elseif(ISN_ENABLE_HIP STREQUAL "ON")
    message(FATAL_ERROR "ISN_ENABLE_HIP=ON but hipcc (${ISN_HIPCC}) or libamdhip64 (${ISN_AMDHIP64}) was not found")
  else()
    message(STATUS "isingnative: HIP backend OFF (no hipcc/libamdhip64 found)")
  endif()
endif()

# Recorded in the cache so scripts can tell what was built (build.sh test checks the
# HIP code objects with roc-obj-ls when this says hip).
set(ISN_GPU_BUILT "${ISN_GPU_FLAVOUR}" CACHE INTERNAL "GPU plug-in built beside isingnative (libisingnative_gpu): hip, cuda, emulated or none")
set(ISN_GPU_EMULATION_SKIPPED "${ISN_GPU_EMULATION_NOTE}" CACHE INTERNAL "Why ISN_GPU_EMULATION=ON built no emulated flavour (empty: it did, or it was not asked for)")

# isn_add_emulated_gpu(<target> SOURCE_DIR <native/src>): the GPU backend and
# the emulated device's wrappers and test hooks, compiled as C++ against HIP-CPU.
function(isn_add_emulated_gpu target)
  cmake_parse_arguments(ARG "" "SOURCE_DIR" "" ${ARGN})
  set(srcs "${ARG_SOURCE_DIR}/gpu/gpu_backend_emulated.cpp" "${ARG_SOURCE_DIR}/gpu/emulated_device.cpp")
  target_sources(${target} PRIVATE ${srcs} "${ARG_SOURCE_DIR}/gpu/emulated_device.h" "${ARG_SOURCE_DIR}/gpu/emulated_hooks.h")
  # The .hip file is #included by gpu_backend_emulated.cpp: rebuild when it changes.
  set_source_files_properties("${ARG_SOURCE_DIR}/gpu/gpu_backend_emulated.cpp" PROPERTIES
    OBJECT_DEPENDS "${ARG_SOURCE_DIR}/hip/gpu_backend.hip;${ARG_SOURCE_DIR}/hip/kernels.h")
  # SYSTEM: HIP-CPU's headers are not held to the library's warning flags.
  target_include_directories(${target} SYSTEM PRIVATE "${ISN_HIP_CPU_DIR}/include")
  target_compile_definitions(${target} PRIVATE ISN_WITH_GPU_EMULATION)
  if(TARGET TBB::tbb)
    target_link_libraries(${target} PRIVATE TBB::tbb)
  endif()
endfunction()

# isn_add_hip_sources(<target> SOURCES <.hip files> INCLUDES <dirs> DEPENDS <headers>)
# Compiles each source with hipcc into an object of the target.
function(isn_add_hip_sources target)
  cmake_parse_arguments(ARG "" "" "SOURCES;INCLUDES;DEPENDS" ${ARGN})
  set(arch_flags "")
  foreach(arch IN LISTS ISN_HIP_TARGETS)
    list(APPEND arch_flags "--offload-arch=${arch}")
  endforeach()
  set(include_flags "")
  foreach(dir IN LISTS ARG_INCLUDES)
    list(APPEND include_flags "-I${dir}")
  endforeach()
  set(config_flags "$<IF:$<CONFIG:Debug>,-O0$<SEMICOLON>-g,-O3>")
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(name "${src}" NAME_WE)
    set(obj "${CMAKE_CURRENT_BINARY_DIR}/hip/${name}.o")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/hip"
      COMMAND "${ISN_HIPCC}" -std=c++17 -fPIC -fvisibility=hidden
              -ffp-contract=off -fno-fast-math -fno-gpu-flush-denormals-to-zero
              ${config_flags} ${arch_flags} ${include_flags}
              -DISN_BUILDING_LIBRARY -DISN_WITH_HIP -c "${src}" -o "${obj}"
      DEPENDS "${src}" ${ARG_DEPENDS}
      COMMENT "hipcc ${name}.hip (${ISN_HIP_TARGETS})"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    target_sources(${target} PRIVATE "${obj}")
    set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  endforeach()
  target_link_libraries(${target} PRIVATE "${ISN_AMDHIP64}")
endfunction()
