// A literal transcription of docs/ALGORITHM.md section 4 for the tests: one
// trial at a time, beta_t recomputed every step, the acceptance rules written
// out as the contract states them (no bracket table, no decide()), plain
// per-row local fields. The optimised core::anneal_system (draw blocks, step
// counter, eight-row initial fields, rule/stop as template parameters) must
// agree with it bit for bit, whatever betas, table and proposer it is given.
#pragma once
#include "core/anneal.h"

namespace isn_test {

template <class Real>
isn::core::AnnealCounts reference_anneal(int32_t n, const double* J, const double* h, uint64_t seed,
                                         const isn::core::AnnealPlan& p, int8_t* s, Real* phi) {
    using namespace isn::core;
    init_spins(n, seed, s);
    for (int32_t i = 0; i < n; ++i) phi[i] = local_field<Real>(i, n, J, h, s);
    AnnealCounts c{0, 0};
    int64_t run = 0;
    for (int32_t t = 0; t < p.steps; ++t) {
        const double beta = beta_at(p, t);
        for (int32_t k = 0; k < p.trials; ++k) {
            const uint64_t g = static_cast<uint64_t>(t) * static_cast<uint64_t>(p.trials) + static_cast<uint64_t>(k);
            const Proposal q = propose(seed, g, kDomainAnnealTrial, n);
            // Section 4.1: the sequential order visits g mod n, u from the same draw.
            const int32_t i = p.order == ISN_SWEEP_SEQUENTIAL ? static_cast<int32_t>(g % static_cast<uint64_t>(n)) : q.site;
            const Real dE = (Real(2) * static_cast<Real>(s[i])) * phi[i];
            const double x = beta * static_cast<double>(dE);
            bool ok;
            if (p.rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) {
                const double floor_p = 0.1 / (1.0 + beta);
                double prob = x < kAcceptCut ? det_exp(-x) : 0.0;
                prob = prob > floor_p ? prob : floor_p;
                ok = dE <= Real(0) || q.u < prob;
            } else {
                ok = dE <= Real(0) || (x < kAcceptCut && q.u < det_exp(-x));
            }
            ++c.trials;
            if (ok) {
                ++c.accepted;
                s[i] = static_cast<int8_t>(-s[i]);
                const Real two_s = Real(2) * static_cast<Real>(s[i]);
                for (int32_t j = 0; j < n; ++j) phi[j] = phi[j] + two_s * static_cast<Real>(J[static_cast<int64_t>(i) * n + j]);
            }
            if (p.window > 0) {
                run = (ok || beta < p.beta_stop) ? 0 : run + 1;
                if (run >= p.window) return c;
            }
        }
    }
    return c;
}

// core::anneal_system as the GPU's anneal_threads kernel configures it:
// betas computed per step, no bracket table, the core's Philox.
template <class Real>
isn::core::AnnealCounts device_config_anneal(int32_t n, const double* J, const double* h, uint64_t seed,
                                             const isn::core::AnnealPlan& p, int8_t* s, Real* phi) {
    using namespace isn::core;
    return anneal_system_dispatch<Real>(n, J, h, seed, p, ComputedBetas{p}, nullptr, s, phi, CoreProposer{});
}

}  // namespace isn_test
