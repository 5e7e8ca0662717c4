// The CPU executor's anneal loop: docs/ALGORITHM.md section 4 exactly as
// core::anneal_system runs it (same draws, same decisions, same arithmetic on
// the same values), rearranged for a CPU core:
//   - the beta schedule is computed once per plan (core::beta_at, cached by the
//     caller), not once per step per anneal;
//   - the bracket bounds table[k+1](1 - 1e-9) and table[k](1 + 1e-9) of
//     core::below_exp_neg are precomputed side by side (one cache line);
//   - rule and early stop are template parameters, so the trial loop carries
//     neither test;
//   - the initial fields of eight rows are summed together, each row still in
//     ascending j, so eight independent chains hide the add latency.
// tests/test_api_cpu.cpp compares the backend with core::anneal_system, the
// golden vectors and the managed cross-backend tests compare it with managed.
#pragma once
#include "../core/anneal.h"

#if defined(__GNUC__)
#define ISN_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ISN_ALWAYS_INLINE inline
#endif

namespace isn::cpu {

// Per bracket k: accept when u < lo, reject when u >= hi (core::below_exp_neg).
struct Bracket {
    double lo, hi;
};

inline const Bracket* bracket_table() {
    static const struct Table {
        Bracket b[core::kExpTableSize - 1];
        Table() {
            const double* t = core::host_exp_table();
            for (int32_t k = 0; k + 1 < core::kExpTableSize; ++k) {
                b[k].lo = t[k + 1] * (1.0 - 1e-9);
                b[k].hi = t[k] * (1.0 + 1e-9);
            }
        }
    } table;
    return table.b;
}

// phi_i = sum_j J_ij s_j (j ascending) + h_i, eight rows at a time: the same
// operations as core::local_field on every row, in eight independent chains
// (an add waits ~4 cycles for the previous one of its row; eight rows keep
// both adders busy). Past the last group of eight: core::local_field.
template <class Real>
ISN_ALWAYS_INLINE void init_fields(int32_t n, const double* J, const double* h, const int8_t* s, Real* phi) {
    constexpr int32_t R = 8;
    int32_t i = 0;
    for (; i + R <= n; i += R) {
        const double* r0 = J + static_cast<int64_t>(i) * n;
        Real a[R];
        for (int32_t q = 0; q < R; ++q) a[q] = Real(0);
        for (int32_t j = 0; j < n; ++j) {
            const Real sj = static_cast<Real>(s[j]);
            for (int32_t q = 0; q < R; ++q) a[q] = a[q] + static_cast<Real>(r0[static_cast<int64_t>(q) * n + j]) * sj;
        }
        for (int32_t q = 0; q < R; ++q) phi[i + q] = a[q] + static_cast<Real>(h[i + q]);
    }
    for (; i < n; ++i) phi[i] = core::local_field<Real>(i, n, J, h, s);
}

// The whole anneal of one system. betas[t] = core::beta_at(p, t) for every step.
// Rule: the plan's acceptance rule as a constant; Stop: whether p.window > 0.
template <class Real, int32_t Rule, bool Stop, class Proposer>
ISN_ALWAYS_INLINE core::AnnealCounts anneal_host(int32_t n, const double* J, const double* h, uint64_t seed,
                                                 const core::AnnealPlan& p, const double* betas, int8_t* s,
                                                 Real* phi, const Proposer& proposer) {
    core::init_spins(n, seed, s);
    init_fields<Real>(n, J, h, s, phi);
    const Bracket* bracket = bracket_table();
    const int64_t total = static_cast<int64_t>(p.steps) * p.trials;
    int64_t accepted = 0, run = 0;
    int32_t t = 0, left = p.trials;
    double beta = betas[0];
    // core::accept computes the SeedCompatible floor per trial from the same beta.
    double floor_p = Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE ? 0.1 / (1.0 + beta) : 0.0;
    core::DrawBlock block;
    for (int64_t g0 = 0; g0 < total; g0 += core::kDrawBlock) {
        proposer(seed, static_cast<uint64_t>(g0), core::kDomainAnnealTrial, n, block);
        const int32_t count = total - g0 < core::kDrawBlock ? static_cast<int32_t>(total - g0) : core::kDrawBlock;
        for (int32_t l = 0; l < count; ++l) {
            const int32_t i = block.site[l];
            const double u = block.u[l];
            const int8_t si = s[i];
            const Real dE = (Real(2) * static_cast<Real>(si)) * phi[i];
            bool ok = true;
            if (!(dE <= Real(0)) && !(Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE && u < floor_p)) {
                const double x = beta * static_cast<double>(dE);
                if (x < core::kAcceptCut) {
                    const Bracket b = bracket[static_cast<int32_t>(x * 16.0)];  // floor: 0 < x < 37
                    ok = u < b.lo || (u < b.hi && u < core::det_exp(-x));
                } else {
                    ok = false;
                }
            }
            if (ok) {
                ++accepted;
                const int8_t ns = static_cast<int8_t>(-si);
                s[i] = ns;
                const double* row = J + static_cast<int64_t>(i) * n;
                const Real c = Real(2) * static_cast<Real>(ns);
                for (int32_t j = 0; j < n; ++j) phi[j] = phi[j] + c * static_cast<Real>(row[j]);
            }
            if (Stop) {
                run = (ok || beta < p.beta_stop) ? 0 : run + 1;
                if (run >= p.window) return core::AnnealCounts{g0 + l + 1, accepted};
            }
            if (--left == 0) {
                left = p.trials;
                if (++t < p.steps) {
                    beta = betas[t];
                    if (Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) floor_p = 0.1 / (1.0 + beta);
                }
            }
        }
    }
    return core::AnnealCounts{total, accepted};
}

}  // namespace isn::cpu
