// The quench estimate (docs/ALGORITHM.md section 7.1): an annealing-free,
// deterministic prediction of the other's state, scored like the full empathy.
#pragma once
#include "anneal.h"
#include "empathy.h"

namespace isn::core {

// A quench that still flips after this many sweeps stops there. Every flip
// lowers the energy, so in exact arithmetic the quench ends on its own (the
// workloads' systems need at most a few dozen sweeps); the cap bounds the cost
// even if rounding in the incremental fields made a flip undo another.
constexpr int32_t kQuenchMaxSweeps = 100;

// Zero-temperature quench of (J, h): s_i = +1 for every i, the local fields
// of section 4 step 2, then sweeps i = 0..n-1 in order, flipping s_i iff
// dE = (2 s_i) phi_i < 0 (strictly: a zero-cost flip is not taken) and
// updating every phi_j as the anneal does. Stops after the first sweep that
// flips nothing or after kQuenchMaxSweeps sweeps. s and phi: n each (scratch
// owned by the caller). Returns the sweeps run.
ISN_HD inline int32_t quench(int32_t n, const double* J, const double* h, int8_t* s, double* phi) {
    for (int32_t i = 0; i < n; ++i) s[i] = 1;
    init_fields<double>(n, J, h, s, phi);
    for (int32_t sweep = 1; sweep <= kQuenchMaxSweeps; ++sweep) {
        bool flipped = false;
        for (int32_t i = 0; i < n; ++i) {
            const double dE = (2.0 * static_cast<double>(s[i])) * phi[i];
            if (dE < 0.0) {
                s[i] = static_cast<int8_t>(-s[i]);
                update_fields<double>(i, s[i], n, J, phi);
                flipped = true;
            }
        }
        if (!flipped) return sweep;
    }
    return kQuenchMaxSweeps;
}

// The part of the quench estimate that depends on the other alone: other's
// (Jo, ho) quenched into `pred`, compared with other's actual spins so by
// section 5 steps 2-5, given Ea = energy(n, Jo, ho, so). pred and phi: n each
// (scratch). A batch computes it once per distinct other.
ISN_HD inline EmpathyParts quench_parts(int32_t n, const double* Jo, const double* ho, const int8_t* so, double Ea,
                                        int8_t* pred, double* phi) {
    (void)quench(n, Jo, ho, pred, phi);
    return empathy_parts(n, Jo, ho, so, pred, Ea);
}

// The quench estimate of self towards other from the other's parts and
// c = coupling_similarity(n, Js, Jo): the empathy's score of the quenched
// state with weights w (section 5 step 7), c, and |E(pred) - Ea|.
ISN_HD inline isn_quick_estimate quench_estimate_of(const EmpathyParts& p, double c, const isn_weights& w) {
    isn_quick_estimate q;
    q.score = weigh_score(w, p.overlap, p.energy_error, c, p.magnetization_error);
    q.coupling_similarity = c;
    q.energy_difference = abs_d(p.predicted_energy - p.actual_energy);
    return q;
}

// Both in one (one pair).
ISN_HD inline isn_quick_estimate quench_estimate_from(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                                      double Ea, double c, const isn_weights& w, int8_t* pred,
                                                      double* phi) {
    return quench_estimate_of(quench_parts(n, Jo, ho, so, Ea, pred, phi), c, w);
}

}  // namespace isn::core
