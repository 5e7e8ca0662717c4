// The Metropolis anneal (docs/ALGORITHM.md section 4), as small pieces that
// both the sequential executor (anneal_system, used by the CPU backend and the
// GPU's one-system-per-thread kernel) and the GPU's one-system-per-block kernel
// compose. Every decision is computed by the same function in every executor,
// and each local field phi_j is updated independently, so splitting the phi
// update over threads cannot change a bit.
#pragma once
#include "det_math.h"
#include "philox.h"
#include "../../include/isingnative.h"

namespace isn::core {

// Exp(-37) < 2^-53: beyond the cut a proposal can only be accepted when u == 0.
constexpr double kAcceptCut = 37.0;

// The resolved schedule of one anneal (depends on n through adaptive steps).
struct AnnealPlan {
    int32_t steps;     // T
    int32_t trials;    // K
    double beta0;
    double log_ratio;  // L = det_log(beta1 / beta0)
    int32_t rule;      // isn_acceptance
    int32_t window;    // early-stop window W, 0 = off
    double beta_stop;
};

ISN_HD inline int32_t steps_for(const isn_anneal_options& o, int32_t n) {
    return o.adaptive_steps ? 50 + n / 10 : o.steps;
}

ISN_HD inline AnnealPlan make_plan(const isn_anneal_options& o, int32_t n) {
    AnnealPlan p;
    p.steps = steps_for(o, n);
    p.trials = o.trials_per_step;
    p.beta0 = o.beta_start;
    p.log_ratio = det_log(o.beta_end / o.beta_start);
    p.rule = o.acceptance;
    p.window = o.early_stop_window;
    p.beta_stop = o.early_stop_beta;
    return p;
}

ISN_HD inline double beta_at(const AnnealPlan& p, int32_t t) {
    return p.beta0 * det_exp((p.log_ratio * static_cast<double>(t)) / static_cast<double>(p.steps));
}

// INIT_SPINS for the draws q = first, first+stride, ... (four sites per draw);
// (0, 1) is the whole vector, a GPU block passes (threadIdx, blockDim).
ISN_HD inline void init_spins(int32_t n, uint64_t seed, int8_t* s, int32_t first = 0, int32_t stride = 1) {
    const int32_t draws = (n + 3) / 4;
    for (int32_t q = first; q < draws; q += stride) {
        const Philox4 w = draw(seed, static_cast<uint64_t>(q), kDomainInitSpins);
        for (int32_t r = 0; r < 4; ++r) {
            const int32_t i = 4 * q + r;
            if (i < n) s[i] = spin_from_word(w.w[r]);
        }
    }
}

// phi_i = sum_j J_ij s_j (j ascending) + h_i; in float for the single path,
// where J and h are rounded once from double.
template <class Real>
ISN_HD inline Real local_field(int32_t i, int32_t n, const double* J, const double* h, const int8_t* s) {
    const double* row = J + static_cast<int64_t>(i) * n;
    Real phi = Real(0);
    for (int32_t j = 0; j < n; ++j) phi = phi + static_cast<Real>(row[j]) * static_cast<Real>(s[j]);
    return phi + static_cast<Real>(h[i]);
}

// One proposal of the trial stream: the site and the uniform.
struct Proposal {
    int32_t site;
    double u;
};

ISN_HD inline Proposal propose(uint64_t seed, uint64_t g, uint32_t domain, int32_t n) {
    const Philox4 w = draw(seed, g, domain);
    Proposal p;
    p.site = site_from_word(w.w[0], n);
    p.u = u53(w.w[1], w.w[2]);
    return p;
}

// Proposals are drawn kDrawBlock at a time on the host: a draw does not
// depend on the chain's state, and computing a block in a branch-free loop
// lets the CPU overlap the Philox rounds that a mispredicted accept/reject
// branch would otherwise serialise (about 2x at small n). A GPU thread draws
// one at a time (registers are scarcer there). Same draws, same order.
#ifdef ISN_DEVICE_PASS
constexpr int32_t kDrawBlock = 1;
#else
constexpr int32_t kDrawBlock = 32;
#endif

struct DrawBlock {
    int32_t site[kDrawBlock];
    double u[kDrawBlock];
};

// Proposals g0 .. g0 + kDrawBlock - 1 (draws beyond a chain's end are unused).
ISN_HD inline void propose_block(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, DrawBlock& b) {
    for (int32_t l = 0; l < kDrawBlock; ++l) {
        const Proposal q = propose(seed, g0 + static_cast<uint64_t>(l), domain, n);
        b.site[l] = q.site;
        b.u[l] = q.u;
    }
}

// Bracketing table for the Metropolis test: t[k] = det_exp(-k/16), k = 0..592.
// For 0 <= x < 37 with k = floor(16 x): e^-x lies in (e^-(k+1)/16, e^-k/16],
// and det_exp is within 1e-12 (relative) of e^y on this range (about 2 ulp,
// tested), so
//   u <  t[k+1] (1 - 1e-9)  implies  u <  det_exp(-x)   (accept), and
//   u >= t[k]   (1 + 1e-9)  implies  u >= det_exp(-x)   (reject);
// only u inside that ~6 % wide bracket needs det_exp itself. The decision is
// exactly the contract's `u < det_exp(-x)`: the table only skips work, so an
// executor without it (the GPU kernels pass nullptr) decides identically.
constexpr int32_t kExpTableSize = 593;

struct ExpTable {
    double t[kExpTableSize];
};

ISN_HD inline void fill_exp_table(ExpTable& table) {
    for (int32_t k = 0; k < kExpTableSize; ++k) table.t[k] = det_exp(-static_cast<double>(k) / 16.0);
}

// The host executors' shared table (built once, thread-safe static init); a
// host-only function, so GPU passes parse it but never emit it.
inline const double* host_exp_table() {
    static const ExpTable table = [] {
        ExpTable t;
        fill_exp_table(t);
        return t;
    }();
    return table.t;
}

// u < det_exp(-x) for 0 <= x < kAcceptCut, using the table when given.
ISN_HD inline bool below_exp_neg(double u, double x, const double* table) {
    if (table != nullptr) {
        const int32_t k = static_cast<int32_t>(x * 16.0);  // floor: x >= 0, and x*16 is exact
        if (u < table[k + 1] * (1.0 - 1e-9)) return true;
        if (u >= table[k] * (1.0 + 1e-9)) return false;
    }
    return u < det_exp(-x);
}

// The acceptance rule; dE = (2 s_i) phi_i in Real, x = beta * dE in double.
// SeedCompatible: u < max(p, floor) is u < floor or u < p.
template <class Real>
ISN_HD inline bool accept(Real phi_i, int8_t s_i, double beta, double u, int32_t rule,
                          const double* exp_table = nullptr) {
    const Real dE = (Real(2) * static_cast<Real>(s_i)) * phi_i;
    if (dE <= Real(0)) return true;
    const double x = beta * static_cast<double>(dE);
    if (rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) {
        const double floor_p = 0.1 / (1.0 + beta);
        if (u < floor_p) return true;
        return x < kAcceptCut && below_exp_neg(u, x, exp_table);
    }
    return x < kAcceptCut && below_exp_neg(u, x, exp_table);
}

// After spin i flipped to new_si: phi_j += (2 new_si) J_ij for j = first, first+stride, ...
template <class Real>
ISN_HD inline void update_fields(int32_t i, int8_t new_si, int32_t n, const double* J, Real* phi,
                                 int32_t first = 0, int32_t stride = 1) {
    const double* row = J + static_cast<int64_t>(i) * n;
    const Real c = Real(2) * static_cast<Real>(new_si);
    for (int32_t j = first; j < n; j += stride) phi[j] = phi[j] + c * static_cast<Real>(row[j]);
}

// Early-stop bookkeeping; returns true when the anneal must stop after this trial.
ISN_HD inline bool early_stop(const AnnealPlan& p, bool accepted, double beta, int64_t& run) {
    if (p.window <= 0) return false;
    run = (accepted || beta < p.beta_stop) ? 0 : run + 1;
    return run >= p.window;
}

struct AnnealCounts {
    int64_t trials;
    int64_t accepted;
};

// The core's proposal producer (an executor may pass a faster one that
// yields the same blocks, e.g. the CPU's AVX2 Philox).
struct CoreProposer {
    ISN_HD void operator()(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, DrawBlock& b) const {
        propose_block(seed, g0, domain, n, b);
    }
};

// The whole anneal of one system by one thread: s (n spins out), phi (n
// scratch); exp_table (optional) only speeds up decisions (see ExpTable).
template <class Real, class Proposer = CoreProposer>
ISN_HD inline AnnealCounts anneal_system(int32_t n, const double* J, const double* h, uint64_t seed,
                                         const AnnealPlan& p, int8_t* s, Real* phi,
                                         const double* exp_table = nullptr, const Proposer& proposer = Proposer()) {
    init_spins(n, seed, s);
    for (int32_t i = 0; i < n; ++i) phi[i] = local_field<Real>(i, n, J, h, s);
    AnnealCounts c{0, 0};
    int64_t run = 0;
    DrawBlock block;
    int32_t used = kDrawBlock;
    uint64_t g = 0;  // global trial number t*K + k
    for (int32_t t = 0; t < p.steps; ++t) {
        const double beta = beta_at(p, t);
        for (int32_t k = 0; k < p.trials; ++k, ++g) {
            if (used == kDrawBlock) {
                proposer(seed, g, kDomainAnnealTrial, n, block);
                used = 0;
            }
            const int32_t i = block.site[used];
            const double u = block.u[used];
            ++used;
            const bool ok = accept<Real>(phi[i], s[i], beta, u, p.rule, exp_table);
            ++c.trials;
            if (ok) {
                ++c.accepted;
                s[i] = static_cast<int8_t>(-s[i]);
                update_fields<Real>(i, s[i], n, J, phi);
            }
            if (early_stop(p, ok, beta, run)) return c;
        }
    }
    return c;
}

}  // namespace isn::core
