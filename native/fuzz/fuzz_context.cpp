// libFuzzer harness: the small entry points around the batch calls — context
// create / destroy / backend / describe / memory and transfer stats, the GPU
// entry points of a build without a GPU, the option defaults and the ABI
// introspection (isn_struct_size / offset / field_count) — driven by a
// sequence of operations decoded from the input, with valid, null, dead and
// forged handles. Invariants: as fuzz_common.h (status, message, outputs
// untouched on failure) plus each function's documented answer (CPU contexts
// report 0 device bytes, describe writes a NUL-terminated prefix of its text
// within capacity and nothing past it, the defaults are the documented ones,
// offsets lie inside their struct in declaration order).
#include <cstdio>
#include <cstring>

#include "fuzz_common.h"

using namespace fuzz;

namespace {

struct Ctx {
    isn_context* c;
    bool bad;
};

Ctx decode_context(Input& in) {
    Contexts& cx = contexts();
    const uint8_t h = in.u8();
    if (h < 100) return Ctx{cx.one, false};
    if (h < 200) return Ctx{cx.two, false};
    if (h < 220) return Ctx{nullptr, true};
    if (h < 240) return Ctx{cx.dead, true};
    return Ctx{forged_handle<isn_context>(in), true};
}

void create_cpu(Input& in) {
    static const char* call = "isn_context_create_cpu";
    static const int32_t table[] = {-1, 1025, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 1, 2, 0, 3};
    // Creating a context starts (and destroying it joins) threads, a
    // millisecond: valid sizes are rare (1, 2), 0 (hardware concurrency) and
    // 3 rarer still; 1024, valid too, would make every such input slow.
    const uint8_t b = in.u8();
    const int32_t threads = b < 240 ? table[b % 4] : b < 252 ? table[4 + b % 2] : table[6 + b % 2];
    const bool null_out = in.chance(20);
    Out<isn_context*> out(1, null_out);
    if (!run_once(call, false, [&](isn_context** c) { return isn_context_create_cpu(threads, c); }, out)) {
        FUZZ_CHECK(null_out || threads < 0 || threads > 1024, call);
        return;
    }
    isn_context* c = out.v[0];
    int32_t backend = 0;
    FUZZ_CHECK(isn_context_backend(c, &backend) == ISN_STATUS_OK && backend == ISN_BACKEND_CPU, call);
    char text[ISN_MESSAGE_CAPACITY];
    FUZZ_CHECK(isn_context_describe(c, text, sizeof text) == ISN_STATUS_OK && std::strncmp(text, "cpu", 3) == 0, call);
    FUZZ_CHECK(isn_context_destroy(c) == ISN_STATUS_OK, "isn_context_destroy");
    const Outcome again = outcome(isn_context_destroy(c));
    check_outcome(again, "isn_context_destroy", true);
    const Outcome use = outcome(isn_context_backend(c, &backend));
    check_outcome(use, "isn_context_backend", true);
}

void create_gpu(Input& in) {
    static const char* call = "isn_context_create_gpu";
    static const int32_t table[] = {0, 1, -1, 1023, 1024, std::numeric_limits<int32_t>::min(), 7, 0};
    const int32_t device = table[in.u8() % 8];
    const bool null_out = in.chance(20);
    Out<isn_context*> out(1, null_out);
    int32_t devices = 0;
    FUZZ_CHECK(isn_gpu_device_count(&devices) == ISN_STATUS_OK, call);
    if (devices != 0) return;  // the fuzz build has no GPU backend; a GPU context is not what this harness is for
    const Outcome o = outcome(isn_context_create_gpu(device, out.ptr()));
    // Without a device: INVALID_ARGUMENT for a bad argument, else DEVICE_UNAVAILABLE; a message; nothing written.
    const bool bad_argument = null_out || device < 0 || device > 1023;
    FUZZ_CHECK(o.status == (bad_argument ? ISN_STATUS_INVALID_ARGUMENT : ISN_STATUS_DEVICE_UNAVAILABLE), call);
    FUZZ_CHECK(o.message.compare(0, std::strlen(call) + 2, std::string(call) + ": ") == 0, call);
    FUZZ_CHECK(out.untouched(), call);
}

void describe(Input& in) {
    static const char* call = "isn_context_describe";
    const Ctx cx = decode_context(in);
    const uint8_t b = in.u8();
    int32_t capacity = b < 200 ? static_cast<int32_t>(b % 80) : (b < 240 ? ISN_MESSAGE_CAPACITY : -static_cast<int32_t>(b));
    if (b == 255) capacity = std::numeric_limits<int32_t>::min();
    const bool null_buffer = in.chance(10);
    const size_t alloc = (capacity > 0 ? static_cast<size_t>(capacity) : 0) + 16;
    Out<char> buf(alloc, null_buffer);
    if (!run_once(call, cx.bad, [&](char* text) { return isn_context_describe(cx.c, text, capacity); }, buf)) return;
    FUZZ_CHECK(capacity >= 1, call);
    const char* text = buf.v.data();
    const size_t len = strnlen(text, static_cast<size_t>(capacity));
    FUZZ_CHECK(len < static_cast<size_t>(capacity), call);  // NUL-terminated within capacity
    for (size_t i = len + 1; i < alloc; ++i) FUZZ_CHECK(static_cast<uint8_t>(text[i]) == kSentinel, call);
    char full[ISN_MESSAGE_CAPACITY];
    FUZZ_CHECK(isn_context_describe(cx.c, full, sizeof full) == ISN_STATUS_OK, call);
    FUZZ_CHECK(std::strncmp(full, text, len) == 0, call);  // a prefix of the whole text
    FUZZ_CHECK(len == std::min(std::strlen(full), static_cast<size_t>(capacity) - 1), call);
}

void stats(Input& in, bool memory) {
    const char* call = memory ? "isn_context_memory_stats" : "isn_context_transfer_stats";
    const Ctx cx = decode_context(in);
    const bool null_a = in.chance(60), null_b = in.chance(60);
    Out<int64_t> a(1, null_a), b(1, null_b);
    const auto run = [&](int64_t* x, int64_t* y) {
        return memory ? isn_context_memory_stats(cx.c, x, y) : isn_context_transfer_stats(cx.c, x, y);
    };
    if (!run_once(call, cx.bad, run, a, b)) return;
    // CPU contexts report 0 for both; a NULL output is simply not written.
    FUZZ_CHECK(null_a || a.v[0] == 0, call);
    FUZZ_CHECK(null_b || b.v[0] == 0, call);
}

void backend(Input& in) {
    static const char* call = "isn_context_backend";
    const Ctx cx = decode_context(in);
    const bool null_out = in.chance(20);
    Out<int32_t> out(1, null_out);
    if (!run_once(call, cx.bad, [&](int32_t* b) { return isn_context_backend(cx.c, b); }, out)) return;
    FUZZ_CHECK(out.v[0] == ISN_BACKEND_CPU, call);
}

void destroy(Input& in) {
    static const char* call = "isn_context_destroy";
    const Ctx cx = decode_context(in);
    if (!cx.bad) return;  // the shared contexts stay alive
    const Outcome o = outcome(isn_context_destroy(cx.c));
    if (cx.c == nullptr) {
        check_outcome(o, call);  // NULL is a no-op returning OK
        FUZZ_CHECK(o.status == ISN_STATUS_OK, call);
    } else {
        check_outcome(o, call, true);
    }
}

void introspection(Input& in) {
    static const char* call = "isn_struct_offset";
    const uint8_t b = in.u8();
    const int32_t id = b < 200 ? static_cast<int32_t>(b % 19) - 2 : static_cast<int32_t>(in.u32());
    const int32_t field = static_cast<int32_t>(in.u8() % 20) - 2;
    const int32_t size = isn_struct_size(id), count = isn_struct_field_count(id);
    // The highest id the header declares: raise it with every new ISN_STRUCT_* (ids -2..16 are drawn).
    const bool known = id >= ISN_STRUCT_SYSTEM_VIEW && id <= ISN_STRUCT_ESTIMATE_OPTIONS;
    FUZZ_CHECK(known ? size > 0 && count > 0 : size == -1 && count == -1, call);
    const int32_t off = isn_struct_offset(id, field);
    if (!known || field < 0 || field >= count) {
        FUZZ_CHECK(off == -1, call);
        return;
    }
    FUZZ_CHECK(off >= 0 && off < size, call);
    if (field > 0) FUZZ_CHECK(isn_struct_offset(id, field - 1) < off, call);  // declaration order
    if (field == 0) FUZZ_CHECK(off == 0, call);
}

// A call whose one argument is an output: OK exactly when that is not NULL
// (and then nothing written). Returns whether it wrote the output.
template <class T, class Fn>
bool fills(const char* call, Out<T>& out, Fn fn) {
    const Outcome o = outcome(fn(out.ptr()));
    check_outcome(o, call);
    FUZZ_CHECK((o.status == ISN_STATUS_OK) == !out.null, call);
    if (out.null) FUZZ_CHECK(out.untouched(), call);
    return !out.null;
}

void defaults(Input& in) {
    const bool null_out = in.chance(40);
    if (in.u8() & 1) {
        static const char* call = "isn_anneal_options_default";
        Out<isn_anneal_options> o(1, null_out);
        if (!fills(call, o, &isn_anneal_options_default)) return;
        const isn_anneal_options& a = o.v[0];
        FUZZ_CHECK(a.steps == 100 && a.trials_per_step == 10 && a.beta_start == 0.1, call);
        FUZZ_CHECK(std::fabs(a.beta_end - 0.1 * std::exp(10.0)) <= 1e-9 * a.beta_end, call);
        FUZZ_CHECK(a.adaptive_steps == 0 && a.acceptance == 0 && a.precision == 0 && a.early_stop_window == 0 &&
                       a.early_stop_beta == 0.0 && a.sweep_order == 0 && a.reserved0 == 0, call);
    } else {
        static const char* call = "isn_weights_default";
        Out<isn_weights> w(1, null_out);
        if (!fills(call, w, &isn_weights_default)) return;
        const isn_weights& x = w.v[0];
        FUZZ_CHECK(x.overlap == 0.4 && x.energy == 0.3 && x.coupling == 0.3 && x.magnetization == 0.0, call);
    }
}

void device_count(Input& in) {
    static const char* call = "isn_gpu_device_count";
    const bool null_out = in.chance(40);
    Out<int32_t> out(1, null_out);
    if (fills(call, out, &isn_gpu_device_count)) FUZZ_CHECK(out.v[0] >= 0, call);
}

void version() {
    static const char* call = "isn_version";
    FUZZ_CHECK(isn_version() == ISN_VERSION, call);
    // The string starts with MAJOR.MINOR.PATCH of the header this harness was built with.
    char expected[32];
    const int length = std::snprintf(expected, sizeof expected, "%d.%d.%d+", ISN_VERSION_MAJOR, ISN_VERSION_MINOR, ISN_VERSION_PATCH);
    const char* s = isn_version_string();
    FUZZ_CHECK(s != nullptr && length > 0 && std::strncmp(s, expected, static_cast<size_t>(length)) == 0, call);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Input in(data, size);
    (void)contexts();
    for (int i = 0; i < 16 && !in.empty(); ++i) {
        switch (in.u8() % 11) {
            case 0: create_cpu(in); break;
            case 1: create_gpu(in); break;
            case 2: describe(in); break;
            case 3: stats(in, true); break;
            case 4: stats(in, false); break;
            case 5: backend(in); break;
            case 6: destroy(in); break;
            case 7: introspection(in); break;
            case 8: defaults(in); break;
            case 9: device_count(in); break;
            default: version(); break;
        }
    }
    return 0;
}
