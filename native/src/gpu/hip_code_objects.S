/* The AMD plug-in's kernels: the code-object bundle that clang made of
   hip/kernels.hip (--offload-device-only, one code object per ISA), alone in a
   .hip_fatbin section as hipcc places bundles, so roc-obj-ls lists it, between
   the two symbols hip_dynamic.cpp hands to hipModuleLoadData. ISN_HIP_BUNDLE:
   the bundle's path (cmake/IsnGpu.cmake, isn_add_hip_kernels). */
    .section .hip_fatbin,"a",@progbits
    .balign 4096
    .globl isn_hip_code_objects
    .hidden isn_hip_code_objects
isn_hip_code_objects:
    .incbin ISN_HIP_BUNDLE
    .globl isn_hip_code_objects_end
    .hidden isn_hip_code_objects_end
isn_hip_code_objects_end:
    .section .note.GNU-stack,"",@progbits
