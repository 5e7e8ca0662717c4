# GPU backends, each a plug-in that the isingnative library loads on first GPU
# use (native/CMakeLists.txt); the library itself links no GPU runtime.
#
# ISN_ENABLE_HIP = AUTO | ON | OFF (default AUTO): AMD GPUs, the plug-in
#   libisingnative_gpu. Its kernels (src/hip/kernels.hip) are compiled by a
#   HIP-capable clang (ISN_HIP_COMPILER: ROCm's own clang, else the newest
#   clang++-NN, else hipcc) into one code-object bundle for ISN_HIP_TARGETS,
#   embedded in the plug-in; its host side is plain C++ that opens
#   libamdhip64.so.7/.6/.5 at run time (src/gpu/hip_dynamic.h), so the one
#   plug-in links no ROCm library and serves ROCm 5, 6 and 7.
# ISN_HIP_TARGETS: empty (default) = the AMD GPUs of this machine when one is
#   found (amdgpu-arch, rocm_agent_enumerator, rocminfo), else
#   ISN_HIP_BROAD_TARGETS; either list is filtered to the ISAs the compiler
#   accepts. A list given explicitly is used as it is.
# ISN_HIP_CODE_OBJECT_VERSION (default 4): loads on every ROCm from 4.1 on.
# The device libraries: ROCm's, in a folder of the build where each ISA of
#   ISN_HIP_BROAD_TARGETS missing there gets its oclc_isa_version_<N>.bc,
#   written from the gfx1030 one with the compiler's llvm-dis/llvm-as
#   (ROCm 5.2's stop at gfx1036; docs/GPU.md "AMD code objects").
# ISN_ENABLE_CUDA = AUTO | ON | OFF (default AUTO): NVIDIA GPUs, the plug-in
#   libisingnative_gpu_cuda, from the same kernel source (src/cuda/gpu_backend.cu)
#   through the src/gpu/gpu_runtime.h mapping; nvcc gets --fmad=false; the CUDA
#   runtime is linked statically, so it needs only the driver (libcuda.so.1).
# ISN_CUDA_ARCHITECTURES (default "80-real;90"): SASS for sm_80 and sm_90, and PTX for sm_90.
# ISN_GPU_EMULATION = ON | OFF (default OFF): TEST-ONLY flavour, never shipped.
#   The same .hip source compiled by the host C++17 compiler against HIP-CPU
#   (AMD's header-only HIP runtime for CPUs, needs TBB: libtbb-dev), so the GPU
#   backend's kernels, buffers and error paths run on the host, with fault
#   hooks for the tests (src/gpu/emulated_device.h). build.sh test builds it
#   in build/emu. Exclusive with the HIP and CUDA flavours.
# ISN_HIP_CPU_DIR (default <repo>/../shared/third_party/hip-cpu): HIP-CPU.
include_guard(GLOBAL)

set(ISN_ENABLE_HIP AUTO CACHE STRING "Build the HIP (AMD) GPU plug-in: AUTO, ON or OFF")
set_property(CACHE ISN_ENABLE_HIP PROPERTY STRINGS AUTO ON OFF)
set(ISN_HIP_TARGETS "" CACHE STRING "AMD GPU ISAs for the HIP plug-in (empty: this machine's GPUs, else ISN_HIP_BROAD_TARGETS)")
set(ISN_HIP_BROAD_TARGETS "gfx1151;gfx1150;gfx1100;gfx1101;gfx1102;gfx1030;gfx942;gfx90a;gfx1200;gfx1201"
    CACHE STRING "The ISAs a HIP plug-in carries when no AMD GPU is found at configure time (those the compiler accepts)")
set(ISN_HIP_CODE_OBJECT_VERSION 4 CACHE STRING "AMD code object version of the HIP plug-in's kernels")
set(ISN_ENABLE_CUDA AUTO CACHE STRING "Build the CUDA (NVIDIA) GPU plug-in: AUTO, ON or OFF")
set_property(CACHE ISN_ENABLE_CUDA PROPERTY STRINGS AUTO ON OFF)
set(ISN_CUDA_ARCHITECTURES "80-real;90" CACHE STRING "CUDA architectures of the CUDA plug-in (SASS; 90 also PTX)")

option(ISN_GPU_EMULATION "Test-only: build the GPU backend against HIP-CPU (emulated device on the host)" OFF)
get_filename_component(_isn_hip_cpu_default "${CMAKE_SOURCE_DIR}/../shared/third_party/hip-cpu" ABSOLUTE)
set(ISN_HIP_CPU_DIR "${_isn_hip_cpu_default}" CACHE PATH "HIP-CPU (header-only HIP runtime for CPUs) for ISN_GPU_EMULATION")

# ISN_GPU_FLAVOUR: the plug-in libisingnative_gpu (hip, emulated or none);
# ISN_GPU_CUDA: whether libisingnative_gpu_cuda is built beside it.
set(ISN_GPU_FLAVOUR "none")
set(ISN_GPU_CUDA OFF)
set(ISN_GPU_EMULATION_NOTE "")

# isn_hip_isa_version(<gfxNNNN> <out>): the device libraries' __oclc_ISA_version
# of an ISA: major*1000 + minor*100 + stepping (gfx1151 -> 11501, gfx90a -> 9010).
function(isn_hip_isa_version isa out)
  string(REGEX MATCH "^gfx([0-9]+)([0-9a-f])([0-9a-f])$" _m "${isa}")
  if(NOT _m)
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  math(EXPR _v "${CMAKE_MATCH_1} * 1000 + 0x${CMAKE_MATCH_2} * 100 + 0x${CMAKE_MATCH_3}")
  set(${out} "${_v}" PARENT_SCOPE)
endfunction()

# The device-library folder the plug-in's kernels link against (see the top).
function(isn_hip_prepare_device_libs out)
  set(dir "${CMAKE_BINARY_DIR}/hip-device-libs")
  file(MAKE_DIRECTORY "${dir}")
  file(GLOB _bcs "${ISN_HIP_DEVICE_LIBS}/*.bc")
  foreach(bc IN LISTS _bcs)
    get_filename_component(name "${bc}" NAME)
    if(NOT EXISTS "${dir}/${name}")
      file(CREATE_LINK "${bc}" "${dir}/${name}" SYMBOLIC)
    endif()
  endforeach()
  get_filename_component(_real "${ISN_HIP_COMPILER}" REALPATH)
  get_filename_component(_bin "${_real}" DIRECTORY)
  find_program(ISN_LLVM_DIS llvm-dis HINTS "${_bin}" NO_DEFAULT_PATH)
  find_program(ISN_LLVM_AS llvm-as HINTS "${_bin}" NO_DEFAULT_PATH)
  set(made "")
  foreach(isa IN LISTS ISN_HIP_BROAD_TARGETS ISN_HIP_TARGETS)
    string(SUBSTRING "${isa}" 3 -1 num)
    if(EXISTS "${dir}/oclc_isa_version_${num}.bc")
      continue()
    endif()
    isn_hip_isa_version("${isa}" version)
    if(NOT version OR NOT ISN_LLVM_DIS OR NOT ISN_LLVM_AS OR NOT EXISTS "${dir}/oclc_isa_version_1030.bc")
      continue()
    endif()
    execute_process(COMMAND "${ISN_LLVM_DIS}" "${dir}/oclc_isa_version_1030.bc" -o - OUTPUT_VARIABLE ir RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT ir MATCHES "constant i32 10300")
      continue()
    endif()
    string(REPLACE "constant i32 10300" "constant i32 ${version}" ir "${ir}")
    file(WRITE "${dir}/oclc_isa_version_${num}.ll" "${ir}")
    execute_process(COMMAND "${ISN_LLVM_AS}" "${dir}/oclc_isa_version_${num}.ll" -o "${dir}/oclc_isa_version_${num}.bc" RESULT_VARIABLE rc)
    if(rc EQUAL 0)
      list(APPEND made "${isa}")
    endif()
  endforeach()
  if(made)
    message(STATUS "isingnative: device libraries written for ${made} (in ${dir})")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# The device compiler's flags (without the ISAs).
function(isn_hip_device_flags out)
  set(flags -x hip -std=c++17 --offload-device-only -mcode-object-version=${ISN_HIP_CODE_OBJECT_VERSION}
            -ffp-contract=off -fno-fast-math -fno-gpu-flush-denormals-to-zero)
  if(NOT ISN_HIP_COMPILER MATCHES "hipcc$")
    list(APPEND flags "--rocm-path=${ISN_HIP_ROOT}" "--rocm-device-lib-path=${ISN_HIP_DEVICE_LIB_DIR}")
  endif()
  set(${out} "${flags}" PARENT_SCOPE)
endfunction()

# The AMD GPUs of this machine, or nothing.
function(isn_hip_detect_gpus out)
  get_filename_component(_real "${ISN_HIP_COMPILER}" REALPATH)
  get_filename_component(_bin "${_real}" DIRECTORY)
  set(found "")
  foreach(tool amdgpu-arch rocm_agent_enumerator rocminfo)
    find_program(_isn_tool_${tool} ${tool} HINTS "${_bin}" "$ENV{ROCM_PATH}/bin" /opt/rocm/bin /opt/rocm/llvm/bin)
    if(NOT _isn_tool_${tool})
      continue()
    endif()
    execute_process(COMMAND "${_isn_tool_${tool}}" OUTPUT_VARIABLE text ERROR_QUIET RESULT_VARIABLE rc TIMEOUT 20)
    if(NOT rc EQUAL 0)
      continue()
    endif()
    string(REGEX MATCHALL "gfx[0-9a-f]+" isas "${text}")
    list(REMOVE_ITEM isas gfx000)
    list(REMOVE_DUPLICATES isas)
    if(isas)
      set(found "${isas}")
      message(STATUS "isingnative: AMD GPU(s) found by ${tool}: ${isas}")
      break()
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# The ISAs of <candidates> that the device compiler builds a kernel for.
function(isn_hip_accepted candidates out)
  set(probe_dir "${CMAKE_BINARY_DIR}/hip-isa-probe")
  file(MAKE_DIRECTORY "${probe_dir}")
  file(WRITE "${probe_dir}/probe.hip" "#include <hip/hip_runtime.h>\n__global__ void isn_probe(double* x) { x[threadIdx.x] = exp(x[threadIdx.x]); }\n")
  isn_hip_device_flags(flags)
  set(ok "")
  foreach(isa IN LISTS candidates)
    execute_process(COMMAND "${ISN_HIP_COMPILER}" ${flags} --offload-arch=${isa} -c "${probe_dir}/probe.hip" -o "${probe_dir}/${isa}.o"
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(rc EQUAL 0)
      list(APPEND ok "${isa}")
    else()
      string(REGEX REPLACE "\n.*" "" err "${err}")
      message(STATUS "isingnative: ${isa} left out: ${ISN_HIP_COMPILER} does not build it (${err})")
    endif()
  endforeach()
  set(${out} "${ok}" PARENT_SCOPE)
endfunction()

if(ISN_GPU_EMULATION)
  if(ISN_ENABLE_CUDA STREQUAL "ON" OR ISN_ENABLE_HIP STREQUAL "ON")
    message(FATAL_ERROR "ISN_GPU_EMULATION is a flavour of its own: configure it without ISN_ENABLE_CUDA=ON / ISN_ENABLE_HIP=ON")
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
else()
  if(NOT ISN_ENABLE_HIP STREQUAL "OFF")
    find_program(ISN_HIP_COMPILER NAMES clang++
                 PATHS "$ENV{ROCM_PATH}/llvm/bin" /opt/rocm/llvm/bin NO_DEFAULT_PATH)
    find_program(ISN_HIP_COMPILER NAMES clang++-21 clang++-20 clang++-19 clang++-18 clang++-17 hipcc
                 HINTS "$ENV{ROCM_PATH}/bin" /opt/rocm/bin)
    find_path(ISN_HIP_INCLUDE_DIR hip/hip_runtime.h HINTS "$ENV{ROCM_PATH}/include" /opt/rocm/include)
    find_path(ISN_HIP_DEVICE_LIBS oclc_isa_version_1030.bc
              HINTS "$ENV{ROCM_PATH}/amdgcn/bitcode" /opt/rocm/amdgcn/bitcode
              PATHS /usr/lib/x86_64-linux-gnu/amdgcn/bitcode /usr/lib/amdgcn/bitcode)
    if(ISN_HIP_COMPILER AND ISN_HIP_INCLUDE_DIR AND ISN_HIP_DEVICE_LIBS)
      get_filename_component(ISN_HIP_ROOT "${ISN_HIP_INCLUDE_DIR}" DIRECTORY)
      isn_hip_prepare_device_libs(ISN_HIP_DEVICE_LIB_DIR)
      if(ISN_HIP_TARGETS)
        set(ISN_HIP_ISAS "${ISN_HIP_TARGETS}")
      else()
        isn_hip_detect_gpus(_isn_candidates)
        if(NOT _isn_candidates)
          set(_isn_candidates "${ISN_HIP_BROAD_TARGETS}")
        endif()
        # Probed once per compiler and list (cached: reconfiguring stays quick).
        set(_isn_key "${ISN_HIP_COMPILER}|${_isn_candidates}|${ISN_HIP_CODE_OBJECT_VERSION}")
        if(NOT ISN_HIP_ISAS_KEY STREQUAL _isn_key)
          isn_hip_accepted("${_isn_candidates}" _isn_accepted)
          set(ISN_HIP_ISAS_FOUND "${_isn_accepted}" CACHE INTERNAL "ISAs the HIP compiler accepted")
          set(ISN_HIP_ISAS_KEY "${_isn_key}" CACHE INTERNAL "What ISN_HIP_ISAS_FOUND was probed for")
        endif()
        set(ISN_HIP_ISAS "${ISN_HIP_ISAS_FOUND}")
      endif()
      if(ISN_HIP_ISAS)
        set(ISN_GPU_FLAVOUR "hip")
        message(STATUS "isingnative: HIP plug-in ON (${ISN_HIP_COMPILER}; code objects for ${ISN_HIP_ISAS})")
      elseif(ISN_ENABLE_HIP STREQUAL "ON")
        message(FATAL_ERROR "ISN_ENABLE_HIP=ON but ${ISN_HIP_COMPILER} builds none of the ISAs asked for")
      else()
        message(STATUS "isingnative: HIP plug-in OFF (${ISN_HIP_COMPILER} builds none of the ISAs asked for)")
      endif()
    elseif(ISN_ENABLE_HIP STREQUAL "ON")
      message(FATAL_ERROR "ISN_ENABLE_HIP=ON but no HIP compiler (${ISN_HIP_COMPILER}), HIP headers (${ISN_HIP_INCLUDE_DIR}) "
                          "or device libraries (${ISN_HIP_DEVICE_LIBS}) were found (./build.sh deps installs them)")
    else()
      message(STATUS "isingnative: HIP plug-in OFF (no HIP compiler, HIP headers or device libraries; ./build.sh deps)")
    endif()
  endif()

  if(NOT ISN_ENABLE_CUDA STREQUAL "OFF")
    if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
      # enable_language(CUDA) looks only on PATH; the toolkit's usual home too.
      find_program(ISN_NVCC nvcc HINTS "$ENV{CUDA_HOME}/bin" "$ENV{CUDA_PATH}/bin" /usr/local/cuda/bin)
      if(ISN_NVCC)
        # Where nvcc really is: the toolkit's root is its parent folder (Debian's
        # /usr/bin/nvcc is found as /bin/nvcc on a merged /usr, whose parent has no include/).
        get_filename_component(_nvcc_real "${ISN_NVCC}" REALPATH)
        set(CMAKE_CUDA_COMPILER "${_nvcc_real}")
      endif()
    endif()
    if(CMAKE_CUDA_COMPILER AND NOT CMAKE_CUDA_HOST_COMPILER AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # nvcc accepts host compilers up to the one its release knows (11.x: GCC 11,
      # clang 14): with a newer GCC (Debian 12's is 12), use an older one beside it.
      execute_process(COMMAND "${CMAKE_CUDA_COMPILER}" --version OUTPUT_VARIABLE _nvcc_version ERROR_QUIET)
      if(_nvcc_version MATCHES "release ([0-9]+)\\." AND CMAKE_MATCH_1 LESS 12 AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
        find_program(ISN_CUDA_HOST_CXX NAMES g++-11 clang++-14 g++-10 clang++-13)
        if(ISN_CUDA_HOST_CXX)
          set(CMAKE_CUDA_HOST_COMPILER "${ISN_CUDA_HOST_CXX}")
          message(STATUS "isingnative: CUDA host compiler ${ISN_CUDA_HOST_CXX} (nvcc ${CMAKE_MATCH_1} predates GCC ${CMAKE_CXX_COMPILER_VERSION})")
        endif()
      endif()
    endif()
    if(CMAKE_CUDA_COMPILER OR DEFINED ENV{CUDACXX})
      set(CMAKE_CUDA_ARCHITECTURES "${ISN_CUDA_ARCHITECTURES}")
      set(CMAKE_CUDA_STANDARD 17)
      set(CMAKE_CUDA_STANDARD_REQUIRED ON)
      # The runtime inside the plug-in: it then needs only the driver.
      set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
      enable_language(CUDA)
      find_package(CUDAToolkit REQUIRED)
      # nvcc's host pass also emits the core's inline host functions (det_exp,
      # Philox, ...); the linker keeps ONE copy of each inline function per
      # library, possibly this one, so the host compiler must round exactly like
      # the C++ sources do (IsnFloatingPoint.cmake): no contraction into FMA.
      # (Appended after enable_language so a user's CUDAFLAGS are kept.)
      string(APPEND CMAKE_CUDA_FLAGS " -Xcompiler=-ffp-contract=off,-fno-fast-math")
      set(ISN_GPU_CUDA ON)
      message(STATUS "isingnative: CUDA plug-in ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES})")
    elseif(ISN_ENABLE_CUDA STREQUAL "ON")
      message(FATAL_ERROR "ISN_ENABLE_CUDA=ON but nvcc was not found (PATH, CUDA_HOME, /usr/local/cuda)")
    else()
      message(STATUS "isingnative: CUDA plug-in OFF (no nvcc)")
    endif()
  endif()
endif()

# Recorded in the cache so scripts can tell what was built: "hip", "cuda",
# "emulated", "hip;cuda" or "none" (build.sh test lists the code objects of each).
set(_isn_built "")
if(NOT ISN_GPU_FLAVOUR STREQUAL "none")
  list(APPEND _isn_built "${ISN_GPU_FLAVOUR}")
endif()
if(ISN_GPU_CUDA)
  list(APPEND _isn_built cuda)
endif()
if(NOT _isn_built)
  set(_isn_built none)
endif()
set(ISN_GPU_BUILT "${_isn_built}" CACHE INTERNAL "GPU plug-ins built beside isingnative: hip, cuda, emulated (a list) or none")
set(ISN_HIP_ISAS_BUILT "${ISN_HIP_ISAS}" CACHE INTERNAL "The ISAs the HIP plug-in carries")
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

# isn_add_hip_kernels(<target> SOURCE <kernels.hip> INCLUDES <dirs> DEPENDS <headers>)
# Compiles the kernels for ISN_HIP_ISAS into one code-object bundle and embeds
# it in the target (src/gpu/hip_code_objects.S: the .hip_fatbin section).
function(isn_add_hip_kernels target)
  cmake_parse_arguments(ARG "" "SOURCE;EMBED" "INCLUDES;DEPENDS" ${ARGN})
  isn_hip_device_flags(flags)
  foreach(arch IN LISTS ISN_HIP_ISAS)
    list(APPEND flags "--offload-arch=${arch}")
  endforeach()
  foreach(dir IN LISTS ARG_INCLUDES)
    list(APPEND flags "-I${dir}")
  endforeach()
  set(config_flags "$<IF:$<CONFIG:Debug>,-O0$<SEMICOLON>-g,-O3>")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/hip")
  set(bundle "${dir}/kernels.hipfb")
  set(obj "${dir}/hip_code_objects.o")
  add_custom_command(
    OUTPUT "${bundle}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
    COMMAND "${ISN_HIP_COMPILER}" ${flags} ${config_flags} -DISN_BUILDING_LIBRARY -c "${ARG_SOURCE}" -o "${bundle}"
    DEPENDS "${ARG_SOURCE}" ${ARG_DEPENDS}
    COMMENT "HIP kernels for ${ISN_HIP_ISAS}"
    COMMAND_EXPAND_LISTS
    VERBATIM)
  add_custom_command(
    OUTPUT "${obj}"
    COMMAND "${CMAKE_C_COMPILER}" -c "-DISN_HIP_BUNDLE=\"${bundle}\"" "${ARG_EMBED}" -o "${obj}"
    DEPENDS "${bundle}" "${ARG_EMBED}"
    COMMENT "embedding the HIP code objects"
    VERBATIM)
  target_sources(${target} PRIVATE "${obj}")
  set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
endfunction()
