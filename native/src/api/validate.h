// Boundary validation (docs/ALGORITHM.md section 12, MODEL.md section 9):
// every check throws isn::Error(ISN_STATUS_INVALID_ARGUMENT) with a message
// naming the argument and the offending value. Nothing is written before all
// checks of a call have passed.
#pragma once
#include <cstdint>
#include <string>

#include "../../include/isingnative.h"

namespace isn {

std::string fmt_double(double v);

void require_not_null(const void* p, const char* name);
// lo <= value <= hi
void require_range(int64_t value, int64_t lo, int64_t hi, const char* name);
void require_finite_positive(double value, const char* name);
// ISN_MIN_BETA <= value <= ISN_MAX_BETA (docs/ALGORITHM.md section 12).
void require_beta(double value, const char* name);

// A system view: n in range, couplings/fields present and valid, spins present
// and +-1 when need_spins (and checked whenever present). The argument is
// named `name` or, when index >= 0, `name[index]`; the name is only built
// when a check fails (a valid call allocates nothing).
void validate_system(const isn_system_view& v, const char* name, int64_t index, bool need_spins);
// The one-pass route of isn_observe_batch on the host (host/simd_observe.h):
// available only where the CPU has AVX-512.
bool one_pass_observe_available();
// True iff `v` passes validate_system(v, .., need_spins = true) on its fast
// tier (exactly symmetric, finite, zero diagonal, finite fields, +-1 spins);
// then out.energy, out.magnetization and out.frustration are core::observe's,
// bit for bit, and the caller adds out.emotion = core::emotion_of(..). False
// says nothing about validity (run validate_system for the verdict and the
// message); it throws nothing and uses `out` only as scratch. Call only when
// one_pass_observe_available().
bool observables_if_valid_fast(const isn_system_view& v, isn_observables& out);
void validate_anneal_options(const isn_anneal_options& o, const char* name);
void validate_weights(const isn_weights& w, const char* name);
// Present, with valid anneal options and weights (named "options.anneal...", "options.weights...").
void validate_empathy_options(const isn_empathy_options* options);
// Present, a known method, reserved0 == 0, scale finite and > 0, valid weights
// (named "options.method", "options.scale", "options.weights..."), whichever method reads them.
// The scale is named `scale_name`: "options.scale", or "scale" for the
// deprecated entry points that take it as an argument.
void validate_estimate_options(const isn_estimate_options* options, const char* scale_name = "options.scale");
// How validate_pairs words its messages and what it checks beyond indices in
// range and equal n: borrowed views ("systems"; their spins are checked with
// the views, validate_system) or an agent set's members ("members of the
// set", spins where the operation reads them).
enum class PairWording { systems, members };
struct PairCheck {
    PairWording wording = PairWording::systems;
    bool self_spins = false;
    bool other_spins = false;
};
// The one check of the pairs (isn_pair) or edges (isn_edge) of every
// operation: indices in range and equal n of the two systems, spins as `check`
// asks. systems[k].spins == nullptr means "no spins" (a member's view).
template <class P>
void validate_pairs(const isn_system_view* systems, int32_t system_count, const P* pairs, int32_t pair_count,
                    const char* name, PairCheck check = PairCheck{});

}  // namespace isn
