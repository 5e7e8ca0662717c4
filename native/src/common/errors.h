// Status + message errors thrown inside the library and turned into an
// isn_status at the C boundary by guard(); no exception ever escapes.
#pragma once
#include <exception>
#include <new>
#include <string>

#include "../../include/isingnative.h"

namespace isn {

class Error : public std::exception {
public:
    Error(isn_status status, std::string message) : status_(status), message_(std::move(message)) {}
    isn_status status() const noexcept { return status_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    isn_status status_;
    std::string message_;
};

[[noreturn]] inline void fail(isn_status status, std::string message) { throw Error(status, std::move(message)); }
[[noreturn]] inline void invalid(std::string message) { throw Error(ISN_STATUS_INVALID_ARGUMENT, std::move(message)); }

void set_last_error(const char* message) noexcept;

// Runs body, mapping every exception to a status and the thread's last-error message.
template <class F>
isn_status guard(const char* function, F&& body) noexcept {
    set_last_error("");
    try {
        body();
        return ISN_STATUS_OK;
    } catch (const Error& e) {
        set_last_error((std::string(function) + ": " + e.what()).c_str());
        return e.status();
    } catch (const std::bad_alloc&) {
        set_last_error((std::string(function) + ": out of memory").c_str());
        return ISN_STATUS_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error((std::string(function) + ": internal error: " + e.what()).c_str());
        return ISN_STATUS_INTERNAL;
    } catch (...) {
        set_last_error((std::string(function) + ": internal error: unknown exception").c_str());
        return ISN_STATUS_INTERNAL;
    }
}

}  // namespace isn
