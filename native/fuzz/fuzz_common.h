// Shared by the libFuzzer harnesses of the C API (native/README.md, "Fuzzing"):
// the decoder (fuzz bytes -> systems, options, counts, seeds), the two CPU
// contexts every call runs on (1 and 2 worker threads), and the invariant
// checks. A violated invariant prints what failed and calls __builtin_trap(),
// which libFuzzer reports as a crash and saves as an artifact.
//
// Sizes stay small (n <= 64, counts <= 16, steps and trials_per_step <= 8)
// so one input runs in well under a millisecond; sizes the library must
// reject (n = 0, n > ISN_MAX_SPINS, count > ISN_MAX_BATCH, ...) are decoded
// too, always with arrays the library may not read (it rejects before).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "isingnative.h"

namespace fuzz {

[[noreturn]] inline void violated(const char* what, const char* call, const char* file, int line) {
    std::fprintf(stderr, "\n*** fuzz invariant violated (%s:%d) in %s: %s\n*** last error message: \"%s\"\n", file, line,
                 call, what, isn_last_error_message());
    std::fflush(stderr);
    __builtin_trap();
}
#define FUZZ_CHECK(cond, call) \
    do {                       \
        if (!(cond)) ::fuzz::violated(#cond, (call), __FILE__, __LINE__); \
    } while (0)

// ---- the byte reader: past the end every read returns 0 ------------------------------------
class Input {
public:
    Input(const uint8_t* data, size_t size) : p_(data), n_(size) {}
    uint8_t u8() { return i_ < n_ ? p_[i_++] : 0; }
    uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
    uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
    uint64_t u64() { return static_cast<uint64_t>(u32()) | (static_cast<uint64_t>(u32()) << 32); }
    double raw_double() {
        const uint64_t b = u64();
        double d;
        std::memcpy(&d, &b, sizeof d);
        return d;
    }
    // True with probability about k/256 (false once the input is used up).
    bool chance(int k) { return !empty() && u8() < k; }
    // An int in [lo, hi] (lo when the input is used up).
    int32_t between(int32_t lo, int32_t hi) { return lo + static_cast<int32_t>(u8() % static_cast<uint32_t>(hi - lo + 1)); }
    bool empty() const { return i_ >= n_; }

private:
    const uint8_t* p_;
    size_t n_;
    size_t i_ = 0;
};

// ---- values --------------------------------------------------------------------------------
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Valid extremes of a coupling or field (|v| <= ISN_MAX_MAGNITUDE), signed zeros, denormals.
inline double extreme_value(Input& in) {
    static const double table[] = {0.0,     -0.0,     1.0,   -1.0,   0.5,      ISN_MAX_MAGNITUDE, -ISN_MAX_MAGNITUDE,
                                   1e-300,  -1e-300,  5e-324, 1e-160, 1e15,    1e-12,             2.5e29,
                                   1.3,     0.7,      1e-80,  -7e25};
    return table[in.u8() % (sizeof table / sizeof table[0])];
}
// Values every check must reject.
inline double bad_value(Input& in) {
    static const double table[] = {kNaN, -kNaN, kInf, -kInf, 1.0000000000000002e30, -1e31, 1e308, -1.7976931348623157e308};
    return table[in.u8() % (sizeof table / sizeof table[0])];
}
// A small value: multiples of 1/16 in [-8, 8), zero half the time.
inline double small_value(Input& in) {
    const uint8_t b = in.u8();
    return (b & 1) ? static_cast<double>(static_cast<int8_t>(b)) / 16.0 : 0.0;
}

// ---- systems ------------------------------------------------------------------------------
// One system owning its arrays (sized exactly, so ASan sees any read past them).
struct System {
    int32_t n = 0;
    std::vector<double> J, h;
    std::vector<int8_t> s;
    bool null_couplings = false, null_fields = false, null_spins = false;

    isn_system_view view() const {
        isn_system_view v;
        v.n = n;
        v.reserved0 = 0;
        v.couplings = null_couplings ? nullptr : J.data();
        v.fields = null_fields ? nullptr : h.data();
        v.spins = null_spins ? nullptr : s.data();
        return v;
    }
};

// n for a system: `want` (a valid size) most of the time, rarely another valid
// size or an invalid one (whose arrays hold one element: the library must reject n first).
inline int32_t decode_n(Input& in, int32_t want) {
    if (!in.chance(10)) return want;
    static const int32_t bad[] = {0, -1, ISN_MAX_SPINS + 1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    if (in.chance(128)) return bad[in.u8() % 5];
    return in.between(1, 64);
}

inline bool valid_n(int32_t n) { return n >= 1 && n <= ISN_MAX_SPINS; }

inline System decode_system(Input& in, int32_t want_n) {
    System sys;
    sys.n = decode_n(in, want_n);
    const size_t n = valid_n(sys.n) ? static_cast<size_t>(sys.n) : 1;
    sys.J.assign(n * n, 0.0);
    sys.h.assign(n, 0.0);
    sys.s.assign(n, 1);
    const uint8_t kind = in.u8();
    // Couplings: 0-159 small symmetric, 160-219 extreme symmetric, 220-247 small
    // plus one corruption, 248-255 raw bytes (almost always invalid).
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            double v;
            if (kind < 160) v = small_value(in);
            else if (kind < 220) v = in.chance(128) ? extreme_value(in) : small_value(in);
            else if (kind < 248) v = small_value(in);
            else v = in.raw_double();
            sys.J[i * n + j] = v;
            // -0.0 mirrored by +0.0 is valid (tolerance tier); raw kind fills both halves.
            sys.J[j * n + i] = kind >= 248 ? in.raw_double() : (v == 0.0 && in.chance(8) ? -v : v);
        }
    if (kind >= 220 && kind < 248 && n > 0) {
        const size_t i = in.u8() % n, j = in.u8() % n;
        const double a = sys.J[i * n + j];
        switch (in.u8() % 8) {
            case 0: sys.J[i * n + j] = a * (1.0 + 5e-13) + 1e-13; break;  // within the tolerance (valid)
            case 1: sys.J[i * n + j] = a + 1e-9 + std::fabs(a) * 1e-9; break;  // beyond it (invalid off the diagonal)
            case 2: sys.J[i * n + j] = bad_value(in); break;
            case 3: sys.J[i * n + i] = 1e-13; break;   // a diagonal within tolerance
            case 4: sys.J[i * n + i] = 1e-11; break;   // a diagonal beyond it
            case 5: sys.J[i * n + j] = sys.J[j * n + i] = ISN_MAX_MAGNITUDE; break;
            case 6: sys.J[i * n + j] = sys.J[j * n + i] = 1.0000000000000002e30; break;
            default: sys.J[i * n + j] = -a; break;
        }
    }
    const uint8_t fkind = in.u8();
    for (size_t i = 0; i < n; ++i) sys.h[i] = fkind < 200 ? small_value(in) : (fkind < 250 ? extreme_value(in) : bad_value(in));
    for (size_t i = 0; i < n; i += 8) {
        const uint8_t bits = in.u8();
        for (size_t b = 0; b < 8 && i + b < n; ++b) sys.s[i + b] = ((bits >> b) & 1) ? 1 : -1;
    }
    if (in.chance(6)) sys.s[in.u8() % n] = static_cast<int8_t>(in.chance(128) ? 0 : (in.chance(128) ? 2 : -128));
    sys.null_spins = in.chance(20);
    sys.null_couplings = in.chance(3);
    sys.null_fields = in.chance(3);
    return sys;
}

inline std::vector<System> decode_systems(Input& in, int32_t count, int32_t want_n) {
    std::vector<System> v;
    v.reserve(static_cast<size_t>(count));
    for (int32_t k = 0; k < count; ++k) v.push_back(decode_system(in, want_n));
    return v;
}

inline std::vector<isn_system_view> views_of(const std::vector<System>& systems) {
    std::vector<isn_system_view> v;
    for (const System& s : systems) v.push_back(s.view());
    return v;
}

// A count of items that really exist: 1..max mostly. `bad_count` (0, negative,
// above the call's limit) is what the caller passes instead, rarely.
inline int32_t decode_count(Input& in, int32_t max) { return in.between(1, max); }
inline bool decode_bad_count(Input& in, int32_t limit, int32_t& count) {
    if (!in.chance(5)) return false;
    static const int32_t bad[] = {0, -1, std::numeric_limits<int32_t>::min()};
    const uint8_t b = in.u8() % 4;
    count = b < 3 ? bad[b] : (limit == std::numeric_limits<int32_t>::max() ? -7 : limit + 1);
    return true;
}

// An index into [0, count) mostly, rarely out of range.
inline int32_t decode_index(Input& in, int32_t count) {
    if (in.chance(6)) {
        static const int32_t bad[] = {-1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
        const uint8_t b = in.u8() % 4;
        return b < 3 ? bad[b] : count;
    }
    return static_cast<int32_t>(in.u8() % static_cast<uint32_t>(count));
}

inline uint64_t decode_seed(Input& in) {
    switch (in.u8() % 4) {
        case 0: return in.u8();
        case 1: return ~static_cast<uint64_t>(in.u8());  // wraps when seed_base + k is added
        default: return in.u64();
    }
}

// ---- options --------------------------------------------------------------------------------
inline double decode_beta(Input& in, double usual) {
    const uint8_t b = in.u8();
    if (b < 100) return usual;
    static const double table[] = {0.1,  2202.6465794806718, 1.0, 10.0, ISN_MIN_BETA, ISN_MAX_BETA, 1e-10, 1e10,
                                   0.0,  -1.0,  kNaN, kInf, 1.0000000000000001e-31, 2e30, 5e-324, 3.5};
    return table[b % 16];
}

inline isn_anneal_options decode_anneal_options(Input& in) {
    isn_anneal_options o;
    isn_anneal_options_default(&o);
    o.steps = in.between(1, 8);
    o.trials_per_step = in.between(1, 8);
    o.beta_start = decode_beta(in, 0.1);
    o.beta_end = decode_beta(in, 2202.6465794806718);
    o.adaptive_steps = in.chance(30) ? 1 : 0;
    o.acceptance = in.u8() & 1;
    o.precision = in.u8() & 1;
    o.sweep_order = in.u8() & 1;
    if (in.chance(60)) {
        o.early_stop_window = in.between(1, 16);
        o.early_stop_beta = decode_beta(in, 1.0);
    }
    if (in.chance(12)) {
        // Something invalid; the huge steps come with a huge K and no adaptive
        // steps, so the budget check must reject them (nothing huge ever runs).
        switch (in.u8() % 12) {
            case 0: o.steps = in.chance(128) ? 0 : -5; break;
            case 1: o.steps = ISN_MAX_STEPS; o.trials_per_step = ISN_MAX_TRIALS_PER_STEP; o.adaptive_steps = 0; break;
            case 2: o.trials_per_step = in.chance(128) ? 0 : ISN_MAX_TRIALS_PER_STEP + 1; break;
            case 3: o.adaptive_steps = in.chance(128) ? 2 : -1; break;
            case 4: o.acceptance = in.chance(128) ? 2 : -1; break;
            case 5: o.precision = 2; break;
            case 6: o.sweep_order = 7; break;
            case 7: o.reserved0 = 1; break;
            case 8: o.early_stop_window = -1; break;
            case 9: o.early_stop_window = 3; o.early_stop_beta = in.chance(128) ? kNaN : -0.5; break;
            case 10: o.steps = ISN_MAX_STEPS + 1; o.adaptive_steps = 0; break;
            default: o.beta_end = bad_value(in); break;
        }
    }
    return o;
}

inline isn_empathy_options decode_empathy_options(Input& in) {
    isn_empathy_options o;
    o.anneal = decode_anneal_options(in);
    isn_weights_default(&o.weights);
    const uint8_t b = in.u8();
    if (b >= 128 && b < 200) o.weights = isn_weights{0.30, 0.0, 0.60, 0.10};
    else if (b >= 200 && b < 240) {
        double* w[4] = {&o.weights.overlap, &o.weights.energy, &o.weights.coupling, &o.weights.magnetization};
        static const double table[] = {0.0, 0.25, 1.0, 3.0, 1e-300, 1e308, 0.1, 0.0};
        for (double* x : w) *x = table[in.u8() % 8];
    } else if (b >= 240) {
        switch (in.u8() % 4) {
            case 0: o.weights = isn_weights{0.0, 0.0, 0.0, 0.0}; break;
            case 1: o.weights.energy = -0.1; break;
            case 2: o.weights.coupling = kNaN; break;
            default: o.weights.magnetization = kInf; break;
        }
    }
    return o;
}

// isn_estimate_options: mostly valid (either method, a scale and weights as
// the neighbours decode them), sometimes a bad method, reserved0, scale or weights.
inline isn_estimate_options decode_estimate_options(Input& in) {
    isn_estimate_options o;
    isn_estimate_options_default(&o);
    const uint8_t m = in.u8();
    o.method = m % 2;
    if (m >= 244) {
        static const int32_t bad[] = {2, -1, std::numeric_limits<int32_t>::min(), 1000};
        o.method = bad[m % 4];
    }
    if (in.chance(8)) o.reserved0 = 1;
    const uint8_t b = in.u8();
    if (b >= 160) {
        static const double table[] = {1.0, 1e-300, 1e300, 5e-324, 0.5, 1e30, 0.0, -1.0, kNaN, kInf, -0.0, 3.0};
        o.scale = table[b % 12];
    }
    o.weights = decode_empathy_options(in).weights;
    return o;
}

// ---- the two contexts and a handle that is never live -----------------------------------------
struct Contexts {
    isn_context* one = nullptr;   // 1 worker thread
    isn_context* two = nullptr;   // 2 worker threads
    isn_context* dead = nullptr;  // created and destroyed: INVALID_HANDLE forever
};

inline Contexts& contexts() {
    static Contexts c = [] {
        Contexts x;
        if (isn_context_create_cpu(1, &x.one) != ISN_STATUS_OK || isn_context_create_cpu(2, &x.two) != ISN_STATUS_OK ||
            isn_context_create_cpu(1, &x.dead) != ISN_STATUS_OK || isn_context_destroy(x.dead) != ISN_STATUS_OK) {
            std::fprintf(stderr, "fuzz: cannot create the CPU contexts: %s\n", isn_last_error_message());
            std::abort();
        }
        return x;
    }();
    return c;
}

// A handle value this library never issued: a real address (of a static, of
// the heap) or bits without the handle tag. The library looks handles up and
// never dereferences them, so every call must answer ISN_STATUS_INVALID_HANDLE.
template <class Handle>
Handle* forged_handle(Input& in) {
    static int some_static = 0;
    switch (in.u8() % 4) {
        case 0: return reinterpret_cast<Handle*>(&some_static);
        case 1: return reinterpret_cast<Handle*>(static_cast<uintptr_t>(in.u64() & ~(uint64_t{15} << 60)) | 1u);
        case 2: return reinterpret_cast<Handle*>(static_cast<uintptr_t>((uint64_t{7} << 60) | (uint64_t{1} << 59)));  // beyond the counter
        default: return reinterpret_cast<Handle*>(static_cast<uintptr_t>(0x10));
    }
}

// ---- invariants ---------------------------------------------------------------------------------
constexpr uint8_t kSentinel = 0xA5;

// An output buffer pre-filled with the sentinel pattern; `null` passes NULL instead.
template <class T>
struct Out {
    std::vector<T> v;
    bool null = false;
    explicit Out(size_t count, bool pass_null = false) : v(count), null(pass_null) {
        if (count) std::memset(static_cast<void*>(v.data()), kSentinel, count * sizeof(T));
    }
    T* ptr() { return null ? nullptr : v.data(); }
    size_t bytes() const { return v.size() * sizeof(T); }
    bool untouched() const {
        const uint8_t* b = reinterpret_cast<const uint8_t*>(v.data());
        for (size_t i = 0; i < bytes(); ++i)
            if (b[i] != kSentinel) return false;
        return true;
    }
    bool same_as(const Out& o) const {
        return v.size() == o.v.size() && (bytes() == 0 || std::memcmp(v.data(), o.v.data(), bytes()) == 0);
    }
};

// One call's status and message (copied: the message lives until the thread's next call).
struct Outcome {
    isn_status status;
    std::string message;
};
inline Outcome outcome(isn_status st) { return Outcome{st, isn_last_error_message()}; }

// ISN_FUZZ_STATS=1 in the environment: at exit, how often each call returned
// each status (to see that the decoder reaches the OK paths, not just the checks).
struct StatusCounts {
    struct Row {
        const char* call;
        int64_t by_status[8];
    };
    Row rows[32] = {};
    int used = 0;
    bool enabled = std::getenv("ISN_FUZZ_STATS") != nullptr;
    void add(const char* call, int status) {
        if (!enabled || status < 0 || status > 7) return;
        for (int i = 0; i < used; ++i)
            if (rows[i].call == call) {
                ++rows[i].by_status[status];
                return;
            }
        if (used == 32) return;
        rows[used].call = call;
        ++rows[used++].by_status[status];
    }
    ~StatusCounts() {
        if (!enabled) return;
        for (int i = 0; i < used; ++i) {
            std::fprintf(stderr, "fuzz stats %-30s", rows[i].call);
            for (int st = 0; st < 8; ++st) std::fprintf(stderr, " %lld", static_cast<long long>(rows[i].by_status[st]));
            std::fprintf(stderr, "  (ok invalid_arg invalid_handle dev_unavail dev_err oom internal cancelled)\n");
        }
    }
};
inline StatusCounts& status_counts() {
    static StatusCounts c;
    return c;
}

// The checks every status-returning call gets: the status is an isn_status a CPU
// context may return (INVALID_HANDLE only when the caller passed a bad handle,
// CANCELLED only when it set the cancel flag); OK has an empty message; any
// other status a message "<function>: ..." naming the function.
inline void check_outcome(const Outcome& o, const char* call, bool bad_handle = false, bool may_cancel = false) {
    const int st = static_cast<int>(o.status);
    status_counts().add(call, st);
    FUZZ_CHECK(st >= ISN_STATUS_OK && st <= ISN_STATUS_CANCELLED, call);
    FUZZ_CHECK(st != ISN_STATUS_INTERNAL, call);
    FUZZ_CHECK(st != ISN_STATUS_DEVICE_UNAVAILABLE && st != ISN_STATUS_DEVICE_ERROR, call);
    FUZZ_CHECK(st != ISN_STATUS_OUT_OF_MEMORY, call);  // the sizes here are tiny
    FUZZ_CHECK(bad_handle == (st == ISN_STATUS_INVALID_HANDLE), call);
    FUZZ_CHECK(may_cancel || st != ISN_STATUS_CANCELLED, call);
    if (st == ISN_STATUS_OK) {
        FUZZ_CHECK(o.message.empty(), call);
    } else {
        FUZZ_CHECK(!o.message.empty(), call);
        const std::string prefix = std::string(call) + ": ";
        FUZZ_CHECK(o.message.compare(0, prefix.size(), prefix) == 0, call);
    }
}

// The same call on the 1-thread and the 2-thread context: same status, same message.
inline void check_same(const Outcome& a, const Outcome& b, const char* call) {
    FUZZ_CHECK(a.status == b.status, call);
    FUZZ_CHECK(a.message == b.message, call);
}

// The systems' bytes before a call, to prove the call left them alone (views are const).
struct Snapshot {
    const std::vector<System>& live;
    std::vector<System> copy;
    explicit Snapshot(const std::vector<System>& s) : live(s), copy(s) {}
    static bool same_bytes(const void* a, const void* b, size_t bytes) { return bytes == 0 || std::memcmp(a, b, bytes) == 0; }
    bool unchanged() const {
        for (size_t k = 0; k < live.size(); ++k) {
            const System& x = copy[k];
            const System& y = live[k];
            if (!same_bytes(x.J.data(), y.J.data(), x.J.size() * sizeof(double)) ||
                !same_bytes(x.h.data(), y.h.data(), x.h.size() * sizeof(double)) ||
                !same_bytes(x.s.data(), y.s.data(), x.s.size()))
                return false;
        }
        return true;
    }
};

// One output of a call made on both contexts: `a` for the 1-thread call, `b` for the 2-thread one.
template <class T>
struct Pair {
    Out<T>& a;
    Out<T>& b;
};
template <class T>
Pair<T> both(Out<T>& a, Out<T>& b) { return Pair<T>{a, b}; }

// What a call made on both contexts may answer.
struct Expect {
    bool bad_handle = false;            // a bad handle was passed: INVALID_HANDLE, and only then
    bool may_cancel = false;            // the cancel flag was set: CANCELLED allowed
    const Snapshot* inputs = nullptr;   // systems the call must leave byte for byte as they were
};

// The step every harness call shares: `fn(side, out...)` makes the call on
// side 0 (the 1-thread context) then side 1 (the 2-thread context), each with
// that side's output buffers. Checks each outcome (check_outcome) and that the
// two agree (check_same), the inputs unchanged; on failure every output of
// both sides still the sentinel, on OK both sides wrote the same bytes.
// Returns whether the call succeeded (the caller goes on to its range checks).
template <class Fn, class... T>
bool run_on_both(const char* call, const Expect& ex, Fn&& fn, Pair<T>... outs) {
    const Outcome a = outcome(fn(0, outs.a.ptr()...));
    const Outcome b = outcome(fn(1, outs.b.ptr()...));
    check_outcome(a, call, ex.bad_handle, ex.may_cancel);
    check_same(a, b, call);
    if (ex.inputs != nullptr) FUZZ_CHECK(ex.inputs->unchanged(), call);
    if (a.status != ISN_STATUS_OK) {
        FUZZ_CHECK((true && ... && (outs.a.untouched() && outs.b.untouched())), call);
        return false;
    }
    FUZZ_CHECK((true && ... && outs.a.same_as(outs.b)), call);
    return true;
}

// The same on one context, for calls without a second to compare with.
template <class Fn, class... T>
bool run_once(const char* call, bool bad_handle, Fn&& fn, Out<T>&... outs) {
    const Outcome o = outcome(fn(outs.ptr()...));
    check_outcome(o, call, bad_handle);
    if (o.status != ISN_STATUS_OK) {
        FUZZ_CHECK((true && ... && outs.untouched()), call);
        return false;
    }
    return true;
}

inline bool in01(double x) { return x >= 0.0 && x <= 1.0; }
inline bool finite(double x) { return std::isfinite(x); }

inline void check_spins(const int8_t* s, size_t n, const char* call) {
    for (size_t i = 0; i < n; ++i) FUZZ_CHECK(s[i] == 1 || s[i] == -1, call);
}

inline void check_emotion(const isn_emotion& e, const char* call, double slack = 0.0) {
    FUZZ_CHECK(e.valence >= -1.0 - slack && e.valence <= 1.0 + slack, call);
    FUZZ_CHECK(e.arousal >= -slack && e.arousal <= 1.0 + slack, call);
    FUZZ_CHECK(e.tension >= -slack && e.tension <= 1.0 + slack, call);
    FUZZ_CHECK(e.coherence >= -slack && e.coherence <= 1.0 + slack, call);
}

inline void check_observables(const isn_observables& o, const char* call) {
    FUZZ_CHECK(finite(o.energy), call);
    FUZZ_CHECK(o.magnetization >= -1.0 && o.magnetization <= 1.0, call);
    FUZZ_CHECK(in01(o.frustration), call);
    check_emotion(o.emotion, call);
    // MODEL section 2: arousal = 1 - |m|, tension = f, coherence = |m|.
    FUZZ_CHECK(o.emotion.coherence == std::fabs(o.magnetization), call);
    FUZZ_CHECK(o.emotion.tension == o.frustration, call);
    FUZZ_CHECK(o.emotion.arousal == 1.0 - o.emotion.coherence, call);
}

// The schedule fields an empathy result and anneal stats share, of a run with
// `steps` scheduled steps of K trials (all of them unless it may stop early).
template <class R>
void check_schedule(const R& r, const isn_anneal_options& a, int32_t n, const char* call) {
    const int32_t steps = a.adaptive_steps ? 50 + n / 10 : a.steps;
    FUZZ_CHECK(r.steps == steps, call);
    FUZZ_CHECK(r.reserved0 == 0, call);
    FUZZ_CHECK(r.trials >= 0 && r.trials <= static_cast<int64_t>(steps) * a.trials_per_step, call);
    FUZZ_CHECK(a.early_stop_window > 0 || r.trials == static_cast<int64_t>(steps) * a.trials_per_step, call);
    FUZZ_CHECK(r.accepted >= 0 && r.accepted <= r.trials, call);
}

inline void check_empathy_result(const isn_empathy_result& r, const isn_anneal_options& a, int32_t n, const char* call) {
    FUZZ_CHECK(in01(r.score), call);
    FUZZ_CHECK(r.state_overlap >= 0.5 && r.state_overlap <= 1.0, call);
    FUZZ_CHECK(r.energy_error >= 0.0 && r.energy_error <= 2.0, call);
    FUZZ_CHECK(in01(r.magnetization_error), call);
    FUZZ_CHECK(in01(r.coupling_similarity), call);
    FUZZ_CHECK(finite(r.predicted_energy) && finite(r.actual_energy), call);
    check_schedule(r, a, n, call);
}

inline void check_anneal_stats(const isn_anneal_stats& s, const isn_anneal_options& a, int32_t n, const char* call) {
    check_schedule(s, a, n, call);
    FUZZ_CHECK(finite(s.energy), call);
}

inline void check_quick(const isn_quick_estimate& q, const char* call) {
    FUZZ_CHECK(in01(q.score), call);
    FUZZ_CHECK(in01(q.coupling_similarity), call);
    FUZZ_CHECK(q.energy_difference >= 0.0 && finite(q.energy_difference), call);
}

// The coupling similarity of a system with itself (ALGORITHM section 6):
// 0.5 when the norm sum na is 0; exactly 1 when na * na is a normal double
// (sqrt(fl(na*na)) == na); in the tiny-norm branch, (na / sqrt(na)) / sqrt(na),
// which may round to an ulp or two below 1. (MODEL section 5 says "identical
// couplings give exactly 1" without that exception; the fuzzer found
// couplings around 1e-81 giving 0.99999999999999989.)
inline bool self_similarity_ok(const System& sys, double c) {
    const size_t n = static_cast<size_t>(sys.n);
    double na = 0.0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) na = na + sys.J[i * n + j] * sys.J[i * n + j];
    if (na == 0.0) return c == 0.5;
    if (na * na >= 2.2250738585072014e-308) return c == 1.0;
    return c <= 1.0 && c >= 1.0 - 1e-15;
}

// Social attention's outputs: weights in [0,1] summing to 1 (within rounding),
// the collective emotion a convex combination (within rounding), the first argmax.
inline void check_social(const double* weights, int32_t count, const isn_emotion& collective, int32_t most,
                         const isn_empathy_result* results, const char* call) {
    double sum = 0.0;
    for (int32_t k = 0; k < count; ++k) {
        FUZZ_CHECK(in01(weights[k]), call);
        sum += weights[k];
    }
    FUZZ_CHECK(std::fabs(sum - 1.0) <= 1e-12 * count, call);
    check_emotion(collective, call, 1e-12 * count);
    FUZZ_CHECK(most >= 0 && most < count, call);
    if (results != nullptr) {
        for (int32_t k = 0; k < count; ++k) {
            FUZZ_CHECK(results[k].score <= results[most].score, call);
            if (k < most) FUZZ_CHECK(results[k].score < results[most].score, call);
        }
    }
}

// Progress reports of an isn_run_control: on the calling thread, done
// non-decreasing and <= total, total constant; the last one done == total.
struct Progress {
    std::thread::id caller = std::this_thread::get_id();
    int64_t calls = 0, last_done = -1, total = -1;
    bool bad = false;
    static void report(void* user, int64_t done, int64_t total) {
        Progress& p = *static_cast<Progress*>(user);
        if (std::this_thread::get_id() != p.caller) p.bad = true;
        if (p.total >= 0 && total != p.total) p.bad = true;
        if (done < p.last_done || done > total || done < 0) p.bad = true;
        p.total = total;
        p.last_done = done;
        ++p.calls;
    }
};

// A run control decoded from the input (or none): progress and/or a cancel
// flag. The two calls (1-thread and 2-thread context) get a control each, with
// its own progress record, so their reports are checked separately.
struct Control {
    isn_run_control rc[2]{};
    int32_t cancel_flag = 0;
    Progress progress[2];
    bool present = false, cancelled = false;
    void decode(Input& in) {
        present = in.chance(80);
        if (!present) return;
        const bool with_progress = in.chance(160);
        const bool with_cancel = in.chance(128);
        if (with_cancel) cancelled = in.chance(40);
        cancel_flag = cancelled ? 1 : 0;
        for (int k = 0; k < 2; ++k) {
            if (with_progress) {
                rc[k].progress = &Progress::report;
                rc[k].user_data = &progress[k];
            }
            if (with_cancel) rc[k].cancel = &cancel_flag;
        }
    }
    // The control of call 0 (1-thread context) or 1 (2-thread context).
    const isn_run_control* ptr(int call) const { return present ? &rc[call] : nullptr; }
    // After an OK call over `total` jobs.
    void check_ok(int64_t total, const char* call) const {
        FUZZ_CHECK(!cancelled, call);  // a flag set before the call: never OK
        for (int k = 0; k < 2; ++k) {
            FUZZ_CHECK(!progress[k].bad, call);
            if (present && rc[k].progress != nullptr) {
                FUZZ_CHECK(progress[k].calls >= 1, call);
                FUZZ_CHECK(progress[k].last_done == total && progress[k].total == total, call);
            }
        }
    }
};

}  // namespace fuzz
