# Links libisingnative.so so that it loads on every glibc distribution .NET 10
# supports, whatever distribution built it (docs/PACKAGING.md, "Which Linux
# distributions"): glibc 2.28 (RHEL 8) and newer, no libstdc++ requirement.
#
# ISN_PORTABLE_LINUX (default ON where it applies: Linux, GCC, glibc, x86_64 or
# aarch64, no ISN_SANITIZE):
#   - libstdc++ linked in statically, its symbols kept out of the library's
#     exports (--exclude-libs), and the library exporting the C API alone
#     (isingnative.map): no GLIBCXX_/CXXABI_ requirement, and a host's own
#     libstdc++ never meets ours;
#   - libgcc's helpers static, its unwinder shared (libgcc_s.so.1, GCC_3.0-4.2
#     symbols): the static unwinder needs _dl_find_object, GLIBC_2.35;
#   - the glibc symbols that a newer glibc binds to versions past 2.28 pinned
#     to older ones or defined inside (src/portable/glibc_compat.cpp says which
#     and how).
# Sanitizer builds keep the defaults: their runtimes intercept pthread_create
# and friends by name and expect the host's libstdc++.
#
# ISN_GLIBC_BASELINE: the newest GLIBC_x.y the library may need; the CTest
# isn_glibc_baseline (tests/check_glibc.cmake) fails past it.
include_guard(GLOBAL)

set(_isn_portable_default OFF)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT ISN_SANITIZE
   AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|aarch64|arm64)$")
  include(CheckCXXSourceCompiles)
  check_cxx_source_compiles("#include <features.h>\n#ifndef __GLIBC__\n#error not glibc\n#endif\nint main() { return 0; }" ISN_HAVE_GLIBC)
  if(ISN_HAVE_GLIBC)
    set(_isn_portable_default ON)
  endif()
endif()
option(ISN_PORTABLE_LINUX "Link libisingnative for glibc >= ISN_GLIBC_BASELINE without a libstdc++ requirement" ${_isn_portable_default})
set(ISN_GLIBC_BASELINE "2.28" CACHE STRING "Newest GLIBC symbol version libisingnative may require (CTest isn_glibc_baseline)")

# The glibc symbols src/portable/glibc_compat.cpp wraps (pthread_*, dl*: GLIBC_2.34 on a new glibc).
set(ISN_GLIBC_WRAPPED
  pthread_create pthread_join pthread_detach pthread_once pthread_key_create __pthread_key_create
  pthread_key_delete pthread_getspecific pthread_setspecific dlopen dlsym dlerror dladdr)

set(_isn_portable_source "${CMAKE_CURRENT_LIST_DIR}/../native/src/portable/glibc_compat.cpp")
set(_isn_portable_map "${CMAKE_CURRENT_LIST_DIR}/isingnative.map")
function(isn_portable_linux target)
  if(NOT ISN_PORTABLE_LINUX)
    return()
  endif()
  if(ISN_SANITIZE)
    message(FATAL_ERROR "ISN_PORTABLE_LINUX and ISN_SANITIZE exclude each other (the sanitizer runtimes intercept the wrapped calls): configure with -DISN_PORTABLE_LINUX=OFF")
  endif()
  target_sources(${target} PRIVATE "${_isn_portable_source}")
  set(wraps "")
  foreach(symbol IN LISTS ISN_GLIBC_WRAPPED)
    list(APPEND wraps "LINKER:--wrap=${symbol}")
  endforeach()
  # libpthread.so.0 and libdl.so.2 by their run-time names: before glibc 2.34 the
  # pinned pthread_*/dl* live there, not in libc (since, they are empty stubs).
  find_library(ISN_LIBPTHREAD_SO0 NAMES libpthread.so.0)
  find_library(ISN_LIBDL_SO2 NAMES libdl.so.2)
  if(NOT ISN_LIBPTHREAD_SO0 OR NOT ISN_LIBDL_SO2)
    message(FATAL_ERROR "ISN_PORTABLE_LINUX: libpthread.so.0 or libdl.so.2 not found; configure with -DISN_PORTABLE_LINUX=OFF")
  endif()
  # The C API alone exported (isingnative.map says why).
  target_link_options(${target} PRIVATE -static-libstdc++ LINKER:--exclude-libs,ALL ${wraps}
                      "LINKER:--version-script=${_isn_portable_map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_isn_portable_map}")
  target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed "${ISN_LIBPTHREAD_SO0}" "${ISN_LIBDL_SO2}" -Wl,--pop-state)
endfunction()
