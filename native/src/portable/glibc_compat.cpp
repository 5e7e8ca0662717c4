// Keeps libisingnative.so loadable on the oldest glibc that .NET 10 supports on
// Linux (docs/PACKAGING.md, "Which Linux distributions"): glibc 2.28, RHEL 8.
// Built only where cmake/IsnPortableLinux.cmake links the library for that
// (GCC, glibc, x86_64 or aarch64, no sanitizer).
//
// libstdc++ and libgcc's helpers are linked in statically (no GLIBCXX_/CXXABI_
// requirement); what remains are glibc's own symbols, and a glibc newer than
// the target binds some of them to versions the target lacks:
//
// 1. pthread_* and dl*: glibc 2.34 moved them from libpthread/libdl into libc
//    under a new version (GLIBC_2.34) and kept the old ones. The link wraps
//    every reference (-Wl,--wrap=NAME, the library's and the static libstdc++'s)
//    and the wrapper below calls NAME at the architecture's base version, which
//    every glibc since has (in libpthread.so.0 / libdl.so.2 before 2.34, which
//    the library therefore lists as NEEDED; in libc since).
// 2. __libc_single_threaded (GLIBC_2.32): libstdc++ reads it to skip atomics in a
//    single-threaded process. Defined here, hidden, as 0 ("threads may exist"):
//    the static libstdc++ always uses atomics, which is right in any process.
// 3. arc4random (GLIBC_2.36): only std::random_device's "arc4random" token uses
//    it, and the library has no random_device (its randomness is Philox, seeded
//    by the caller); libstdc++'s random.o comes in through the string
//    instantiations all the same. Defined here, hidden, on getentropy (2.25).
//
// The unwinder stays libgcc_s.so.1 (shared): the static one calls
// _dl_find_object (GLIBC_2.35). tests/check_glibc.cmake fails the build's tests
// when any requirement passes the baseline.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__x86_64__)
#define ISN_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define ISN_GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc_compat.cpp: no base glibc version known for this architecture (cmake/IsnPortableLinux.cmake builds it for x86_64 and aarch64 only)"
#endif

// ISN_GLIBC_WRAP(ret, name, (params), (args)): __wrap_name calls name@base.
// The parameter types are the ABI's (pthread_t = unsigned long, pthread_key_t
// = unsigned int, pthread_once_t = int): no glibc header is included, so no
// prototype of the same names gets in the way.
#define ISN_GLIBC_WRAP(ret, name, params, args)                                  \
    extern "C" ret isn_glibc_##name params;                                      \
    __asm__(".symver isn_glibc_" #name "," #name "@" ISN_GLIBC_BASE);            \
    extern "C" __attribute__((visibility("hidden"))) ret __wrap_##name params { \
        return isn_glibc_##name args;                                            \
    }

using isn_start_routine = void* (*)(void*);
using isn_destructor = void (*)(void*);
using isn_once_routine = void (*)();

ISN_GLIBC_WRAP(int, pthread_create, (unsigned long* t, const void* attr, isn_start_routine f, void* arg), (t, attr, f, arg))
ISN_GLIBC_WRAP(int, pthread_join, (unsigned long t, void** result), (t, result))
ISN_GLIBC_WRAP(int, pthread_detach, (unsigned long t), (t))
ISN_GLIBC_WRAP(int, pthread_once, (int* once, isn_once_routine f), (once, f))
ISN_GLIBC_WRAP(int, pthread_key_create, (unsigned* key, isn_destructor d), (key, d))
ISN_GLIBC_WRAP(int, __pthread_key_create, (unsigned* key, isn_destructor d), (key, d))
ISN_GLIBC_WRAP(int, pthread_key_delete, (unsigned key), (key))
ISN_GLIBC_WRAP(void*, pthread_getspecific, (unsigned key), (key))
ISN_GLIBC_WRAP(int, pthread_setspecific, (unsigned key, const void* value), (key, value))
ISN_GLIBC_WRAP(void*, dlopen, (const char* file, int mode), (file, mode))
ISN_GLIBC_WRAP(void*, dlsym, (void* handle, const char* name), (handle, name))
ISN_GLIBC_WRAP(char*, dlerror, (), ())
ISN_GLIBC_WRAP(int, dladdr, (const void* address, void* info), (address, info))

extern "C" {
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;

int getentropy(void* buffer, std::size_t length);
__attribute__((visibility("hidden"))) std::uint32_t arc4random() {
    std::uint32_t value = 0;
    if (getentropy(&value, sizeof value) != 0) {
        std::abort();  // arc4random cannot fail; nothing in the library calls it
    }
    return value;
}
}
