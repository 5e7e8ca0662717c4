// Scoring (docs/ALGORITHM.md sections 5-7): coupling similarity, the empathy
// score from predicted spins, and the quick estimate.
#pragma once
#include "observables.h"

namespace isn::core {

// The tail of section 6 from the three sums: 0.5 if a norm is 0, else the
// clamped cosine mapped to [0,1]. When na * nb falls below the smallest
// normal double (both norms tiny: couplings around 1e-77 or less) the
// product would lose its digits or become 0 (0/0 = NaN for orthogonal
// matrices), so the two square roots divide one after the other instead;
// every other input keeps the one-root form and its bits.
ISN_HD inline double similarity_from_sums(double dot, double na, double nb) {
    if (na == 0.0 || nb == 0.0) return 0.5;
    const double p = na * nb;
    double c = p >= 2.2250738585072014e-308 ? dot / det_sqrt(p) : (dot / det_sqrt(na)) / det_sqrt(nb);
    c = c < -1.0 ? -1.0 : (c > 1.0 ? 1.0 : c);
    return (c + 1.0) / 2.0;
}

// Cosine of the strict upper triangles mapped to [0,1]; 0.5 if a norm is 0.
ISN_HD inline double coupling_similarity(int32_t n, const double* A, const double* B) {
    double dot = 0.0, na = 0.0, nb = 0.0;
    for (int32_t i = 0; i < n; ++i) {
        const double* a = A + static_cast<int64_t>(i) * n;
        const double* b = B + static_cast<int64_t>(i) * n;
        for (int32_t j = i + 1; j < n; ++j) {
            dot = dot + a[j] * b[j];
            na = na + a[j] * a[j];
            nb = nb + b[j] * b[j];
        }
    }
    return similarity_from_sums(dot, na, nb);
}

// The section 6 norm sum_{i<j} A_ij^2 alone, in coupling_similarity's order:
// its na/nb accumulators are independent chains, so a cached norm is the
// same double (agent sets compute it once per member).
ISN_HD inline double coupling_norm(int32_t n, const double* A) {
    double na = 0.0;
    for (int32_t i = 0; i < n; ++i) {
        const double* a = A + static_cast<int64_t>(i) * n;
        for (int32_t j = i + 1; j < n; ++j) na = na + a[j] * a[j];
    }
    return na;
}

// coupling_similarity(n, A, B) from the cached norms of A and B: only the dot remains.
ISN_HD inline double coupling_similarity_normed(int32_t n, const double* A, const double* B, double na, double nb) {
    if (na == 0.0 || nb == 0.0) return 0.5;
    double dot = 0.0;
    for (int32_t i = 0; i < n; ++i) {
        const double* a = A + static_cast<int64_t>(i) * n;
        const double* b = B + static_cast<int64_t>(i) * n;
        for (int32_t j = i + 1; j < n; ++j) dot = dot + a[j] * b[j];
    }
    return similarity_from_sums(dot, na, nb);
}

// Section 5 steps 2-5: the parts of the score that depend on the other alone
// (its J, h and actual spins so) and the predicted spins, given
// Ea = energy(n, Jo, ho, so). Only the coupling similarity depends on self,
// so a quick estimate computes these once per other (core/quench.h).
struct EmpathyParts {
    double overlap;
    double energy_error;
    double magnetization_error;
    double predicted_energy;
    double actual_energy;
};

ISN_HD inline EmpathyParts empathy_parts(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                        const int8_t* pred, double Ea) {
    const double Ep = energy(n, Jo, ho, pred);
    const double mp = magnetization(n, pred);
    const double ma = magnetization(n, so);
    int32_t agree = 0;
    for (int32_t i = 0; i < n; ++i) agree += (pred[i] == so[i]) ? 1 : 0;
    const double d = static_cast<double>(agree) / static_cast<double>(n);
    // Z2: the flipped state's agreements are n - agree; dividing the larger count keeps the
    // two orientations exactly equal (1 - agree/n can differ from (n-agree)/n by an ulp).
    const int32_t best = agree > n - agree ? agree : n - agree;
    EmpathyParts p;
    p.overlap = d > 0.95 ? d : static_cast<double>(best) / static_cast<double>(n);
    p.energy_error = abs_d(Ep - Ea) / max_d(max_d(abs_d(Ep), abs_d(Ea)), 1.0);
    p.magnetization_error = abs_d(abs_d(mp) - abs_d(ma));
    p.predicted_energy = Ep;
    p.actual_energy = Ea;
    return p;
}

// Section 5 step 7: a = wO*ov; a = a + wE*max(0, 1-eErr); a = a + wC*c;
// a = a + wM*(1 - min(1, mErr)); clamped to [0,1].
ISN_HD inline double weigh_score(const isn_weights& w, double overlap, double energy_error, double c,
                                 double magnetization_error) {
    double a = w.overlap * overlap;
    a = a + w.energy * max_d(0.0, 1.0 - energy_error);
    a = a + w.coupling * c;
    a = a + w.magnetization * (1.0 - min_d(1.0, magnetization_error));
    return a < 0.0 ? 0.0 : (a > 1.0 ? 1.0 : a);
}

// Fills every field of r except steps/trials/accepted, from predicted spins
// `pred` of other (Jo, ho, so), given Ea = energy(n, Jo, ho, so) and
// c = coupling_similarity(n, Js, Jo) (computed by the caller or cached).
ISN_HD inline void score_empathy_from(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                      const int8_t* pred, const isn_weights& w, double Ea, double c,
                                      isn_empathy_result& r) {
    const EmpathyParts p = empathy_parts(n, Jo, ho, so, pred, Ea);
    r.score = weigh_score(w, p.overlap, p.energy_error, c, p.magnetization_error);
    r.state_overlap = p.overlap;
    r.energy_error = p.energy_error;
    r.magnetization_error = p.magnetization_error;
    r.coupling_similarity = c;
    r.predicted_energy = p.predicted_energy;
    r.actual_energy = p.actual_energy;
}

// score_empathy_from with Ea and c computed here, from self's couplings Js.
ISN_HD inline void score_empathy(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                 const double* Js, const int8_t* pred, const isn_weights& w,
                                 isn_empathy_result& r) {
    score_empathy_from(n, Jo, ho, so, pred, w, energy(n, Jo, ho, so), coupling_similarity(n, Js, Jo), r);
}

// The scoring of job (self, other) with whichever constants are cached: the
// one scoring path of every executor. norms/energies may each be null.
ISN_HD inline void score_job(int32_t n, const double* Jo, const double* ho, const int8_t* so, const double* Js,
                             const int8_t* pred, const isn_weights& w, const double* norms, const double* energies,
                             int32_t self, int32_t other, isn_empathy_result& r) {
    const double Ea = energies != nullptr ? energies[other] : energy(n, Jo, ho, so);
    const double c = norms != nullptr ? coupling_similarity_normed(n, Js, Jo, norms[self], norms[other])
                                      : coupling_similarity(n, Js, Jo);
    score_empathy_from(n, Jo, ho, so, pred, w, Ea, c, r);
}

// q = 0.7 (1 - min(|Es - Eo| / scale, 1)) + 0.3 c, from the energies of the
// actual states and the coupling similarity c.
ISN_HD inline isn_quick_estimate quick_estimate_from(double Es, double Eo, double c, double scale) {
    isn_quick_estimate q;
    q.energy_difference = abs_d(Es - Eo);
    q.coupling_similarity = c;
    q.score = 0.7 * (1.0 - min_d(q.energy_difference / scale, 1.0)) + 0.3 * q.coupling_similarity;
    return q;
}

ISN_HD inline isn_quick_estimate quick_estimate(int32_t n, const double* Js, const double* hs, const int8_t* ss,
                                                const double* Jo, const double* ho, const int8_t* so, double scale) {
    return quick_estimate_from(energy(n, Js, hs, ss), energy(n, Jo, ho, so), coupling_similarity(n, Js, Jo), scale);
}

}  // namespace isn::core
