#include "errors.h"

namespace isn {

namespace {
// Per-thread, as in errno: concurrent callers never see each other's messages.
thread_local std::string t_last_error;
}

void set_last_error(const char* message) noexcept {
    try {
        t_last_error = message;
    } catch (...) {
        t_last_error.clear();  // assigning a shorter literal cannot fail
    }
}

const char* last_error() noexcept { return t_last_error.c_str(); }

}  // namespace isn

extern "C" ISN_API const char* isn_last_error_message(void) { return isn::last_error(); }
