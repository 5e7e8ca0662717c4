# The CPU library links no GPU runtime (readelf -d: no libamdhip64, libcudart,
# libcuda, libtbb, ... in NEEDED), so it loads on a machine without one. Nor do
# the shipped plug-ins: the AMD one opens libamdhip64 itself (any ROCm 5-7),
# the NVIDIA one carries the CUDA runtime and needs only the driver, which that
# runtime opens. The test-only emulated plug-in does link its runtime, TBB (so
# this check can fail).
#   cmake -DREADELF=<readelf> -DLIB=<libisingnative> -DPLUGINS=<flavour=file;...> -P check_needed.cmake
set(gpu_runtimes "amdhip64|hiprtc|hsa-runtime|libamd_comgr|cudart|libcuda\\.|libnvrtc|libtbb|libOpenCL")

function(needed_of file out)
  execute_process(COMMAND "${READELF}" -d "${file}" OUTPUT_VARIABLE dyn RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -d ${file} failed: ${err}")
  endif()
  string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]*\\]" lines "${dyn}")
  set(libs "")
  foreach(l IN LISTS lines)
    string(REGEX REPLACE ".*\\[(.*)\\]" "\\1" lib "${l}")
    list(APPEND libs "${lib}")
  endforeach()
  set(${out} "${libs}" PARENT_SCOPE)
endfunction()

needed_of("${LIB}" cpu_needed)
message("NEEDED of ${LIB}: ${cpu_needed}")
if(NOT cpu_needed)
  message(FATAL_ERROR "no NEEDED entries read from ${LIB}: the check would prove nothing")
endif()
foreach(lib IN LISTS cpu_needed)
  if(lib MATCHES "${gpu_runtimes}")
    message(FATAL_ERROR "the CPU library needs the GPU runtime ${lib}: it would not load on a machine without it")
  endif()
endforeach()

foreach(entry IN LISTS PLUGINS)
  string(REGEX REPLACE "=.*" "" flavour "${entry}")
  string(REGEX REPLACE "^[^=]*=" "" plugin "${entry}")
  needed_of("${plugin}" plugin_needed)
  message("NEEDED of the ${flavour} plug-in ${plugin}: ${plugin_needed}")
  foreach(lib IN LISTS plugin_needed)
    if(lib MATCHES "isingnative")
      message(FATAL_ERROR "the plug-in needs ${lib}: it must stand alone (the library loads it, not the reverse)")
    endif()
    if(NOT flavour STREQUAL "emulated" AND lib MATCHES "${gpu_runtimes}")
      message(FATAL_ERROR "the ${flavour} plug-in needs ${lib}: it would not load where that exact runtime is missing")
    endif()
  endforeach()
  if(flavour STREQUAL "emulated" AND NOT plugin_needed MATCHES "libtbb")
    message(FATAL_ERROR "the emulated plug-in does not need libtbb: is its runtime linked into the CPU library instead?")
  endif()
endforeach()
