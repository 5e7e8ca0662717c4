#include "validate.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "../host/simd_checks.h"
#include "../host/simd_observe.h"
#include "../common/errors.h"
#include "../common/limits.h"

namespace isn {

namespace {
constexpr double kSymmetryTolerance = 1e-12;  // ALGORITHM section 12
}

std::string fmt_double(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void require_not_null(const void* p, const char* name) {
    if (p == nullptr) invalid(std::string("argument '") + name + "' is null");
}

void require_range(int64_t value, int64_t lo, int64_t hi, const char* name) {
    if (value < lo || value > hi)
        invalid(std::string("argument '") + name + "' = " + std::to_string(value) + " is outside [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

std::string bound_text() { return "the bound " + fmt_double(ISN_MAX_MAGNITUDE) + " (ISN_MAX_MAGNITUDE)"; }

void require_beta(double value, const char* name) {
    if (!(value >= ISN_MIN_BETA && value <= ISN_MAX_BETA))  // NaN fails too
        invalid(std::string("argument '") + name + "' = " + fmt_double(value) + " is outside [" +
                fmt_double(ISN_MIN_BETA) + ", " + fmt_double(ISN_MAX_BETA) + "] (ISN_MIN_BETA, ISN_MAX_BETA)");
}

void require_finite_positive(double value, const char* name) {
    if (!std::isfinite(value) || !(value > 0.0))
        invalid(std::string("argument '") + name + "' = " + fmt_double(value) + " must be finite and > 0");
}

namespace {

// Explains why J[i][j] / J[j][i] failed the fast check (always throws).
[[noreturn]] void report_coupling(const std::string& name, int64_t i, int64_t j, double a, double b) {
    if (!std::isfinite(a) || !std::isfinite(b)) {
        const bool first_bad = !std::isfinite(a);
        invalid("argument '" + name + ".couplings' element [" + std::to_string(first_bad ? i : j) + "," +
                std::to_string(first_bad ? j : i) + "] = " + fmt_double(first_bad ? a : b) + " is not finite");
    }
    if (!(std::fabs(a) <= ISN_MAX_MAGNITUDE) || !(std::fabs(b) <= ISN_MAX_MAGNITUDE)) {
        const bool first_bad = !(std::fabs(a) <= ISN_MAX_MAGNITUDE);
        invalid("argument '" + name + ".couplings' element [" + std::to_string(first_bad ? i : j) + "," +
                std::to_string(first_bad ? j : i) + "] = " + fmt_double(first_bad ? a : b) + " exceeds " +
                bound_text() + " in magnitude");
    }
    if (i == j)
        invalid("argument '" + name + ".couplings' diagonal [" + std::to_string(i) + "," + std::to_string(i) +
                "] = " + fmt_double(a) + " is not zero (tolerance 1e-12)");
    invalid("argument '" + name + ".couplings' is not symmetric: [" + std::to_string(i) + "," + std::to_string(j) +
            "] = " + fmt_double(a) + " but [" + std::to_string(j) + "," + std::to_string(i) + "] = " + fmt_double(b) +
            " (tolerance 1e-12 * max(1, |Jij|, |Jji|))");
}

}  // namespace

namespace {

std::string arg_name(const char* name, int64_t index) {
    return index < 0 ? std::string(name) : std::string(name) + "[" + std::to_string(index) + "]";
}

uint64_t bits_of(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

// Tier 1 of the coupling check for rows [i0, i1): every pair bitwise equal to
// its mirror, every element finite (exponent bits not all ones), the diagonal
// exactly 0, every magnitude within ISN_MAX_MAGNITUDE (an integer compare on
// the magnitude bits, common/limits.h). Bitwise equality implies |Jij - Jji| = 0, so passing implies the
// tolerance check; anything else (-0 vs +0 too) goes to the exact tiers. Four
// integer operations per element and no floating-point compare, so the loop
// stays branch-free.
bool exactly_symmetric(const double* J, int64_t n) {
    constexpr uint64_t kAbs = 0x7FFFFFFFFFFFFFFFull;
    uint64_t differ = 0, biggest = 0, diagonal = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double* row = J + i * n;
        diagonal |= bits_of(row[i]) & kAbs;
        for (int64_t j = i + 1; j < n; ++j) {
            const uint64_t a = bits_of(row[j]), b = bits_of(J[j * n + i]);
            differ |= a ^ b;
            const uint64_t m = a & kAbs;
            biggest = m > biggest ? m : biggest;
        }
    }
    return differ == 0 && biggest <= kMaxMagnitudeBits && diagonal == 0;
}

// Tiers 2 and 3: the tolerance of ALGORITHM section 12; names the first bad element.
void check_couplings_tolerant(const double* J, int64_t n, const char* name, int64_t index) {
    for (int64_t i = 0; i < n; ++i) {
        const double* row = J + i * n;
        const double d = row[i];
        bool ok = (d < 0.0 ? -d : d) <= kSymmetryTolerance;
        for (int64_t j = i + 1; j < n; ++j) {
            const double a = row[j], b = J[j * n + i];
            const double aa = a < 0.0 ? -a : a, ab = b < 0.0 ? -b : b;
            const double big = aa > ab ? aa : ab;
            const double diff = a - b < 0.0 ? b - a : a - b;
            // NaN makes a comparison false; infinities fail the bound.
            ok &= (big <= ISN_MAX_MAGNITUDE) & (diff <= kSymmetryTolerance * (big > 1.0 ? big : 1.0));
        }
        if (!ok)
            for (int64_t j = i; j < n; ++j) {
                const double a = row[j], b = J[j * n + i];
                const double big = std::fmax(std::fabs(a), std::fabs(b));
                const bool good = i == j ? std::fabs(a) <= kSymmetryTolerance
                                         : std::fabs(a) <= ISN_MAX_MAGNITUDE && std::fabs(b) <= ISN_MAX_MAGNITUDE &&
                                               std::fabs(a - b) <= kSymmetryTolerance * std::fmax(1.0, big);
                if (!good) report_coupling(arg_name(name, index), i, j, a, b);
            }
    }
}

}  // namespace

void validate_system(const isn_system_view& v, const char* name, int64_t index, bool need_spins) {
    if (v.n < 1 || v.n > ISN_MAX_SPINS)
        invalid("argument '" + arg_name(name, index) + ".n' = " + std::to_string(v.n) + " is outside [1, " +
                std::to_string(ISN_MAX_SPINS) + "]");
    if (v.couplings == nullptr) invalid("argument '" + arg_name(name, index) + ".couplings' is null");
    if (v.fields == nullptr) invalid("argument '" + arg_name(name, index) + ".fields' is null");
    if (need_spins && v.spins == nullptr)
        invalid("argument '" + arg_name(name, index) + ".spins' is null (spins are required here)");
    const int64_t n = v.n;
    // Cheapest first: exactly symmetric and finite is what every well-formed caller passes.
#ifdef ISN_HAVE_AVX2_CHECKS
    const bool exact = cpu::cpu_has_avx512() ? cpu::exactly_symmetric_avx512(v.couplings, n)
                       : cpu::cpu_has_avx2() ? cpu::exactly_symmetric_avx2(v.couplings, n)
                                             : exactly_symmetric(v.couplings, n);
#else
    const bool exact = exactly_symmetric(v.couplings, n);
#endif
    if (!exact) check_couplings_tolerant(v.couplings, n, name, index);
    bool fields_ok = true;
    for (int64_t i = 0; i < n; ++i) fields_ok &= (bits_of(v.fields[i]) & 0x7FFFFFFFFFFFFFFFull) <= kMaxMagnitudeBits;
    if (!fields_ok)
        for (int64_t i = 0; i < n; ++i) {
            if (!std::isfinite(v.fields[i]))
                invalid("argument '" + arg_name(name, index) + ".fields' element [" + std::to_string(i) + "] = " +
                        fmt_double(v.fields[i]) + " is not finite");
            if (!(std::fabs(v.fields[i]) <= ISN_MAX_MAGNITUDE))
                invalid("argument '" + arg_name(name, index) + ".fields' element [" + std::to_string(i) + "] = " +
                        fmt_double(v.fields[i]) + " exceeds " + bound_text() + " in magnitude");
        }
    if (v.spins != nullptr) {
        bool spins_ok = true;
        for (int64_t i = 0; i < n; ++i) spins_ok &= (v.spins[i] == 1) | (v.spins[i] == -1);
        if (!spins_ok)
            for (int64_t i = 0; i < n; ++i)
                if (v.spins[i] != 1 && v.spins[i] != -1)
                    invalid("argument '" + arg_name(name, index) + ".spins' element [" + std::to_string(i) + "] = " +
                            std::to_string(static_cast<int>(v.spins[i])) + " is not -1 or +1");
    }
}

bool one_pass_observe_available() {
#if defined(ISN_HAVE_AVX2_CHECKS) && defined(ISN_HAVE_AVX512_TILES)
    return cpu::cpu_has_avx512();
#else
    return false;
#endif
}

bool observables_if_valid_fast(const isn_system_view& v, isn_observables& out) {
#if defined(ISN_HAVE_AVX2_CHECKS) && defined(ISN_HAVE_AVX512_TILES)
    // The shape checks first: the kernel may only touch n x n couplings behind valid pointers.
    if (v.n < 1 || v.n > ISN_MAX_SPINS || v.couplings == nullptr || v.fields == nullptr || v.spins == nullptr)
        return false;
    return cpu::observables_if_exact_avx512(v.n, v.couplings, v.fields, v.spins, out);
#else
    (void)v;
    (void)out;
    return false;
#endif
}

void validate_anneal_options(const isn_anneal_options& o, const char* name) {
    // Strings are only built on a failure: a valid call allocates nothing.
    const auto p = [name] { return std::string(name) + "."; };
    if (o.adaptive_steps != 0 && o.adaptive_steps != 1)
        invalid("argument '" + p() + "adaptive_steps' = " + std::to_string(o.adaptive_steps) + " must be 0 or 1");
    if (!o.adaptive_steps && (o.steps < 1 || o.steps > ISN_MAX_STEPS))
        require_range(o.steps, 1, ISN_MAX_STEPS, (p() + "steps").c_str());
    if (o.trials_per_step < 1 || o.trials_per_step > ISN_MAX_TRIALS_PER_STEP)
        require_range(o.trials_per_step, 1, ISN_MAX_TRIALS_PER_STEP, (p() + "trials_per_step").c_str());
    // Adaptive T is at most 50 + 16384/10 = 1688, so only fixed T can exceed the budget.
    const int64_t steps = o.adaptive_steps ? 50 + ISN_MAX_SPINS / 10 : o.steps;
    if (steps * static_cast<int64_t>(o.trials_per_step) > ISN_MAX_TOTAL_TRIALS)
        invalid("argument '" + p() + "steps' * '" + p() + "trials_per_step' = " + std::to_string(o.steps) + " * " +
                std::to_string(o.trials_per_step) + " exceeds " + std::to_string(ISN_MAX_TOTAL_TRIALS));
    if (!(o.beta_start >= ISN_MIN_BETA && o.beta_start <= ISN_MAX_BETA)) require_beta(o.beta_start, (p() + "beta_start").c_str());
    if (!(o.beta_end >= ISN_MIN_BETA && o.beta_end <= ISN_MAX_BETA)) require_beta(o.beta_end, (p() + "beta_end").c_str());
    if (o.acceptance != ISN_ACCEPTANCE_METROPOLIS && o.acceptance != ISN_ACCEPTANCE_SEED_COMPATIBLE)
        invalid("argument '" + p() + "acceptance' = " + std::to_string(o.acceptance) + " is not an isn_acceptance");
    if (o.precision != ISN_PRECISION_DOUBLE && o.precision != ISN_PRECISION_SINGLE)
        invalid("argument '" + p() + "precision' = " + std::to_string(o.precision) + " is not an isn_precision");
    if (o.sweep_order != ISN_SWEEP_RANDOM && o.sweep_order != ISN_SWEEP_SEQUENTIAL)
        invalid("argument '" + p() + "sweep_order' = " + std::to_string(o.sweep_order) + " is not an isn_sweep_order");
    if (o.reserved0 != 0)
        invalid("argument '" + p() + "reserved0' = " + std::to_string(o.reserved0) + " must be 0");
    if (o.early_stop_window < 0)
        invalid("argument '" + p() + "early_stop_window' = " + std::to_string(o.early_stop_window) +
                " must be >= 1 (or 0 to disable early stop)");
    if (o.early_stop_window > 0 && !(o.early_stop_beta >= 0.0 && o.early_stop_beta <= ISN_MAX_BETA))
        invalid("argument '" + p() + "early_stop_beta' = " + fmt_double(o.early_stop_beta) + " is outside [0, " +
                fmt_double(ISN_MAX_BETA) + "] (ISN_MAX_BETA)");
}

void validate_weights(const isn_weights& w, const char* name) {
    const double v[4] = {w.overlap, w.energy, w.coupling, w.magnetization};
    const char* names[4] = {"overlap", "energy", "coupling", "magnetization"};
    for (int k = 0; k < 4; ++k)
        if (!std::isfinite(v[k]) || v[k] < 0.0)
            invalid(std::string("argument '") + name + "." + names[k] + "' = " + fmt_double(v[k]) +
                    " must be finite and >= 0");
    if (v[0] == 0.0 && v[1] == 0.0 && v[2] == 0.0 && v[3] == 0.0)
        invalid(std::string("argument '") + name + "' has all weights 0");
}

void validate_empathy_options(const isn_empathy_options* options) {
    require_not_null(options, "options");
    validate_anneal_options(options->anneal, "options.anneal");
    validate_weights(options->weights, "options.weights");
}

void validate_estimate_options(const isn_estimate_options* options, const char* scale_name) {
    require_not_null(options, "options");
    if (options->method != ISN_QUICK_SEED && options->method != ISN_QUICK_QUENCH)
        invalid("argument 'options.method' = " + std::to_string(options->method) +
                " is not an isn_quick_method (0 = ISN_QUICK_SEED, 1 = ISN_QUICK_QUENCH)");
    if (options->reserved0 != 0)
        invalid("argument 'options.reserved0' = " + std::to_string(options->reserved0) + " must be 0");
    require_finite_positive(options->scale, scale_name);
    validate_weights(options->weights, "options.weights");
}

template <class P>
void validate_pairs(const isn_system_view* systems, int32_t system_count, const P* pairs, int32_t pair_count,
                    const char* name, PairCheck check) {
    const bool members = check.wording == PairWording::members;
    // Strings are only built on a failure: a valid call allocates nothing.
    const auto at = [&](int32_t k) { return std::string(name) + "[" + std::to_string(k) + "]"; };
    const auto index_in_range = [&](int32_t k, int32_t index, const char* field) {
        if (index < 0 || index >= system_count)
            invalid("argument '" + at(k) + field + "' = " + std::to_string(index) + " is outside [0, " +
                    std::to_string(system_count) + (members ? ") (members of the set)" : ")"));
    };
    const auto has_spins = [&](int32_t k, int32_t index, const char* field) {
        if (systems[index].spins == nullptr)
            invalid("argument '" + at(k) + field + "' = " + std::to_string(index) +
                    " names a member without spins (spins are required here)");
    };
    for (int32_t k = 0; k < pair_count; ++k) {
        const int32_t a = pairs[k].self_index, b = pairs[k].other_index;
        index_in_range(k, a, ".self_index");
        index_in_range(k, b, ".other_index");
        const int32_t na = systems[a].n, nb = systems[b].n;
        if (na != nb) {
            if (members)
                invalid("argument '" + at(k) + "' pairs members of different n: self " + std::to_string(a) +
                        " has n = " + std::to_string(na) + ", other " + std::to_string(b) + " has n = " +
                        std::to_string(nb));
            invalid("argument '" + at(k) + "' pairs systems of different n: self n = " + std::to_string(na) +
                    ", other n = " + std::to_string(nb));
        }
        if (check.self_spins) has_spins(k, a, ".self_index");
        if (check.other_spins) has_spins(k, b, ".other_index");
    }
}

template void validate_pairs(const isn_system_view*, int32_t, const isn_pair*, int32_t, const char*, PairCheck);
template void validate_pairs(const isn_system_view*, int32_t, const isn_edge*, int32_t, const char*, PairCheck);

}  // namespace isn
