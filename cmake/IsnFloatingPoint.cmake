# Bit-exact floating point (docs/ALGORITHM.md): no FMA contraction and no
# value-changing optimisations, on every compiler that builds the core.
include_guard(GLOBAL)

# isn_strict_fp(<target>): apply the flags to every C/C++ source of the target.
function(isn_strict_fp target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=off -fno-fast-math>)
  elseif(MSVC)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:/fp:strict>)
  endif()
  if(CMAKE_CUDA_COMPILER)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false --ftz=false --prec-div=true --prec-sqrt=true>)
  endif()
endfunction()

# isn_warnings(<target>)
function(isn_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow>)
  endif()
endfunction()
