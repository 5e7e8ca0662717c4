# Sanitizer builds (tools/sanitize/run.sh; native/README.md "Sanitizers and stress").
#
# ISN_SANITIZE = "" (default: none) | "address,undefined" | "thread"
#   Every C/C++ target of the tree (the library, the GoogleTest binaries, the C
#   consumer) is compiled and linked with -fsanitize=<list>, frame pointers and
#   debug info, at -O1 (fast enough to run the whole suite, readable stacks).
#   UBSan does not recover: its first report aborts the test, so CTest fails.
#   AddressSanitizer and ThreadSanitizer are exclusive (one runtime each).
#   Such a build has no valgrind test (valgrind cannot run a sanitized binary)
#   and no benchmarks (timings of an instrumented build mean nothing), and no
#   GPU backend: hipcc/nvcc objects would be uninstrumented, and the emulated
#   flavour's HIP-CPU runs kernels on TBB, whose uninstrumented atomics
#   ThreadSanitizer cannot see (ASan on it would be possible, but it doubles
#   the build for code the emulated CTest stage already runs).
include_guard(GLOBAL)

set(ISN_SANITIZE "" CACHE STRING "Sanitizer build: empty, \"address,undefined\" or \"thread\"")
set_property(CACHE ISN_SANITIZE PROPERTY STRINGS "" "address,undefined" "address" "undefined" "thread")

if(ISN_SANITIZE)
  if(NOT ISN_SANITIZE MATCHES "^(address,undefined|undefined,address|address|undefined|thread)$")
    message(FATAL_ERROR "ISN_SANITIZE='${ISN_SANITIZE}': use \"address,undefined\" or \"thread\"")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "ISN_SANITIZE needs GCC or Clang (compiler: ${CMAKE_CXX_COMPILER_ID})")
  endif()
  if(ISN_GPU_EMULATION OR ISN_ENABLE_CUDA OR ISN_ENABLE_HIP STREQUAL "ON")
    message(FATAL_ERROR "ISN_SANITIZE builds the CPU library only: configure with -DISN_ENABLE_HIP=OFF, "
                        "without ISN_ENABLE_CUDA and ISN_GPU_EMULATION")
  endif()
  set(ISN_ENABLE_HIP OFF CACHE STRING "" FORCE)  # AUTO would pick up an uninstrumented hipcc build

  set(_isn_san_flags -fsanitize=${ISN_SANITIZE} -fno-omit-frame-pointer -g -O1)
  if(ISN_SANITIZE MATCHES "undefined")
    list(APPEND _isn_san_flags -fno-sanitize-recover=all)  # a UBSan report fails the test
  endif()
  add_compile_options(${_isn_san_flags})
  add_link_options(-fsanitize=${ISN_SANITIZE})
  # Clang puts the C++ half of the UBSan runtime (vptr and function-type
  # checks, which the C++ library calls) only into C++ links: the C consumer
  # asks for it. (GCC's libubsan is one library.)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang" AND ISN_SANITIZE MATCHES "undefined")
    add_link_options($<$<LINK_LANGUAGE:C>:-fsanitize-link-c++-runtime>)
    string(APPEND CMAKE_C_STANDARD_LIBRARIES " -lstdc++")  # that runtime's own C++ dependency
  endif()

  # Shadow the options for this build (valgrind cannot run sanitized code;
  # benchmark timings of it mean nothing).
  set(ISN_ENABLE_VALGRIND_TEST OFF)
  set(ISN_BUILD_BENCHMARKS OFF)
  message(STATUS "isingnative: sanitizer build (-fsanitize=${ISN_SANITIZE}); no valgrind test, no benchmarks, CPU only")
endif()
