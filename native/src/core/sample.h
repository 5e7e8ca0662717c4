// Fixed-beta Metropolis sampling (docs/ALGORITHM.md section 10): constant beta,
// trial domain SAMPLE_TRIAL, a sweep is n trials; after burn_in sweeps,
// `samples` times: run `thin` sweeps, then record the state and its energy.
#pragma once
#include "anneal.h"
#include "observables.h"

namespace isn::core {

// s: n spins in (the start state; ignored when random_start) and out;
// phi: n scratch; states: samples*n; energies: samples.
ISN_HD inline AnnealCounts sample_chain(int32_t n, const double* J, const double* h, double beta,
                                        int32_t samples, int32_t thin, int32_t burn_in, uint64_t seed,
                                        int32_t rule, bool random_start, int8_t* s, double* phi,
                                        int8_t* states, double* energies, const Bracket* brackets = nullptr) {
    if (random_start) init_spins(n, seed, s);
    for (int32_t i = 0; i < n; ++i) phi[i] = local_field<double>(i, n, J, h, s);
    AnnealCounts c{0, 0};
    uint64_t g = 0;
    auto sweeps = [&](int64_t count) {
        const int64_t total = count * n;
        for (int64_t t = 0; t < total; ++t, ++g) {
            const Proposal q = propose(seed, g, kDomainSampleTrial, n);
            ++c.trials;
            if (accept<double>(phi[q.site], s[q.site], beta, q.u, rule, brackets)) {
                ++c.accepted;
                s[q.site] = static_cast<int8_t>(-s[q.site]);
                update_fields<double>(q.site, s[q.site], n, J, phi);
            }
        }
    };
    sweeps(burn_in);
    for (int32_t k = 0; k < samples; ++k) {
        sweeps(thin);
        int8_t* out = states + static_cast<int64_t>(k) * n;
        for (int32_t i = 0; i < n; ++i) out[i] = s[i];
        energies[k] = energy(n, J, h, s);
    }
    return c;
}

}  // namespace isn::core
