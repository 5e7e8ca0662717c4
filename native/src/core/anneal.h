// The Metropolis anneal (docs/ALGORITHM.md section 4), written once: the
// sequential loop anneal_system (through anneal_system_dispatch: the CPU
// backend, with its cached beta table, bracket table and vectorised Philox,
// and the GPU's one-system-per-thread kernel, with computed betas, no table
// and the core Philox) and the pieces the GPU's one-system-per-block kernel
// composes (propose, accept, update_fields, early_stop). Every decision is
// the same function, decide(), in every executor, and each local field phi_j
// is updated independently, so splitting the phi update over threads cannot
// change a bit.
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
    int32_t order;     // isn_sweep_order
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
    p.order = o.sweep_order;
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

// The proposal of trial g in either sweep order (section 4.1): sequential
// visits site g mod n and takes u from the same draw as the random order.
ISN_HD inline Proposal propose_in_order(int32_t order, uint64_t seed, uint64_t g, uint32_t domain, int32_t n) {
    Proposal p = propose(seed, g, domain, n);
    if (order == ISN_SWEEP_SEQUENTIAL) p.site = static_cast<int32_t>(g % static_cast<uint64_t>(n));
    return p;
}

// Where decide() gets the trial's uniform u: already drawn (random order: the
// draw also gave the site).
struct GivenUniform {
    double u;
    ISN_HD ISN_ALWAYS_INLINE double operator()() const { return u; }
};

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

// The sequential order's uniforms, drawn only when a decision reads one (a
// downhill flip, or Metropolis with x >= cut, needs none; Philox is
// counter-based, so skipping draws changes nothing): the aligned block of
// kDrawBlock trials holding g is drawn on first use, by the executor's
// proposer (vectorised on the CPU, so the draws of a busy stretch overlap as
// in the random order, while a frozen stretch draws nothing).
template <class Proposer>
struct LazyUniforms {
    const Proposer& proposer;
    uint64_t seed;
    int32_t n;
#ifdef ISN_DEVICE_PASS
    // A GPU thread draws the one uniform it needs: with one draw per block
    // there is nothing to cache, and a dynamically indexed local array would
    // live in scratch memory.
    ISN_HD ISN_ALWAYS_INLINE double at(int64_t g) {
        const Philox4 w = draw(seed, static_cast<uint64_t>(g), kDomainAnnealTrial);
        return u53(w.w[1], w.w[2]);
    }
#else
    int64_t base = -1;  // first trial of the drawn block, -1 = none yet
    DrawBlock block{};

    ISN_HD ISN_ALWAYS_INLINE double at(int64_t g) {
        if (g - base >= kDrawBlock || base < 0) {
            base = g - g % kDrawBlock;
            proposer(seed, static_cast<uint64_t>(base), kDomainAnnealTrial, n, block);
        }
        return block.u[g - base];
    }
#endif
};

template <class Proposer>
struct LazyUniform {
    LazyUniforms<Proposer>& draws;
    int64_t g;
    ISN_HD ISN_ALWAYS_INLINE double operator()() const { return draws.at(g); }
};

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

// The bracket of k = floor(16 x), both bounds side by side (one load, one
// cache line): accept when u < lo = t[k+1](1 - 1e-9), reject when
// u >= hi = t[k](1 + 1e-9), otherwise ask det_exp.
struct Bracket {
    double lo, hi;
};

constexpr int32_t kBracketCount = kExpTableSize - 1;

struct BracketTable {
    Bracket b[kBracketCount];
};

ISN_HD inline void fill_brackets(const ExpTable& table, BracketTable& out) {
    for (int32_t k = 0; k < kBracketCount; ++k) {
        out.b[k].lo = table.t[k + 1] * (1.0 - 1e-9);
        out.b[k].hi = table.t[k] * (1.0 + 1e-9);
    }
}

// The host executors' shared tables (built once, thread-safe static init);
// host-only functions, so GPU passes parse them but never emit them.
inline const double* host_exp_table() {
    static const ExpTable table = [] {
        ExpTable t;
        fill_exp_table(t);
        return t;
    }();
    return table.t;
}

inline const Bracket* host_bracket_table() {
    static const BracketTable table = [] {
        ExpTable t;
        fill_exp_table(t);
        BracketTable b;
        fill_brackets(t, b);
        return b;
    }();
    return table.b;
}

// u < det_exp(-x) for 0 <= x < kAcceptCut, using the brackets when given.
ISN_HD ISN_ALWAYS_INLINE bool below_exp_neg(double u, double x, const Bracket* brackets) {
    if (brackets != nullptr) {
        const Bracket b = brackets[static_cast<int32_t>(x * 16.0)];  // floor: x >= 0, and x*16 is exact
        if (u < b.lo) return true;
        if (u >= b.hi) return false;
    }
    return u < det_exp(-x);
}

// SeedCompatible's acceptance floor 0.1 / (1 + beta_t).
ISN_HD ISN_ALWAYS_INLINE double seed_floor(double beta) { return 0.1 / (1.0 + beta); }

// THE acceptance decision (section 4), for the rule as a constant; every
// executor's trial loop calls it. dE = (2 s_i) phi_i in Real, x = beta * dE in
// double. floor_p = seed_floor(beta) (read only by SeedCompatible, whose
// u < max(p, floor) is u < floor or u < p). uniform() yields the trial's u
// (GivenUniform or LazyUniform); it is called at most once, and only when
// the outcome depends on u.
template <class Real, int32_t Rule, class Uniform>
ISN_HD ISN_ALWAYS_INLINE bool decide(Real phi_i, int8_t s_i, double beta, double floor_p, const Uniform& uniform,
                                     const Bracket* brackets) {
    const Real dE = (Real(2) * static_cast<Real>(s_i)) * phi_i;
    if (dE <= Real(0)) return true;
    const double x = beta * static_cast<double>(dE);
    if (Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) {
        const double u = uniform();
        if (u < floor_p) return true;
        return x < kAcceptCut && below_exp_neg(u, x, brackets);
    }
    return x < kAcceptCut && below_exp_neg(uniform(), x, brackets);
}

// decide() for a rule known only at run time (the block kernel, sampling).
template <class Real>
ISN_HD ISN_ALWAYS_INLINE bool accept(Real phi_i, int8_t s_i, double beta, double u, int32_t rule,
                                     const Bracket* brackets = nullptr) {
    if (rule == ISN_ACCEPTANCE_SEED_COMPATIBLE)
        return decide<Real, ISN_ACCEPTANCE_SEED_COMPATIBLE>(phi_i, s_i, beta, seed_floor(beta), GivenUniform{u},
                                                            brackets);
    return decide<Real, ISN_ACCEPTANCE_METROPOLIS>(phi_i, s_i, beta, 0.0, GivenUniform{u}, brackets);
}

// After spin i flipped to new_si: phi_j += (2 new_si) J_ij for j = first, first+stride, ...
// (each phi_j is independent: the element-wise loop vectorises on the CPU and
// is split over a block on the GPU without changing a bit).
template <class Real>
ISN_HD ISN_ALWAYS_INLINE void update_fields(int32_t i, int8_t new_si, int32_t n, const double* J, Real* phi,
                                            int32_t first = 0, int32_t stride = 1) {
    const double* row = J + static_cast<int64_t>(i) * n;
    const Real c = Real(2) * static_cast<Real>(new_si);
    for (int32_t j = first; j < n; j += stride) phi[j] = phi[j] + c * static_cast<Real>(row[j]);
}

// phi_i = sum_j J_ij s_j (j ascending) + h_i for every i, kInitRows rows at
// a time: the same operations as local_field on every row, in independent
// chains (on a CPU an add waits ~4 cycles for the previous one of its row;
// eight rows keep both adders busy). Past the last group: local_field. Any
// group size gives the same bits. A GPU thread uses four: eight double
// accumulators take anneal_threads<double> on gfx1030 from 63 to 65 VGPRs
// and its occupancy from 16 to 12 waves (tools/gpu/kernel-resources.sh).
#ifdef ISN_DEVICE_PASS
constexpr int32_t kInitRows = 4;
#else
constexpr int32_t kInitRows = 8;
#endif

template <class Real>
ISN_HD ISN_ALWAYS_INLINE void init_fields(int32_t n, const double* J, const double* h, const int8_t* s, Real* phi) {
    constexpr int32_t R = kInitRows;
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
    for (; i < n; ++i) phi[i] = local_field<Real>(i, n, J, h, s);
}

// Early-stop bookkeeping; returns true when the anneal must stop after this trial.
ISN_HD ISN_ALWAYS_INLINE bool early_stop(const AnnealPlan& p, bool accepted, double beta, int64_t& run) {
    if (p.window <= 0) return false;
    run = (accepted || beta < p.beta_stop) ? 0 : run + 1;
    return run >= p.window;
}

struct AnnealCounts {
    int64_t trials;
    int64_t accepted;
};

// The core's proposal producer (an executor may pass a faster one that
// yields the same blocks, e.g. the CPU's AVX2/AVX-512 Philox).
struct CoreProposer {
    ISN_HD void operator()(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, DrawBlock& b) const {
        propose_block(seed, g0, domain, n, b);
    }
};

// beta_t computed when asked (a GPU thread: no table to keep); the CPU passes
// its cached table of the same values (const double*, betas[t] = beta_at(p, t)).
struct ComputedBetas {
    AnnealPlan plan;
    ISN_HD double operator[](int32_t t) const { return beta_at(plan, t); }
};

// The schedule's position during a trial loop: step t, the trials left in
// it, beta_t and SeedCompatible's floor, which change exactly at g = t*K.
// betas[t] = beta_at(p, t), read once per step.
template <int32_t Rule, class Betas>
struct StepCursor {
    const AnnealPlan& p;
    const Betas& betas;
    int32_t t = 0, left;
    double beta, floor_p;

    ISN_HD ISN_ALWAYS_INLINE StepCursor(const AnnealPlan& plan, const Betas& b)
        : p(plan), betas(b), left(plan.trials), beta(b[0]),
          floor_p(Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE ? seed_floor(beta) : 0.0) {}

    // After a trial: false when it was the schedule's last.
    ISN_HD ISN_ALWAYS_INLINE bool next() {
        if (--left != 0) return true;
        if (++t == p.steps) return false;
        left = p.trials;
        beta = betas[t];
        if (Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) floor_p = seed_floor(beta);
        return true;
    }
};

// One decided trial's effect: the flip and its O(n) field update, the
// acceptance count and the early-stop run; true when early stop fires.
template <class Real, bool Stop>
ISN_HD ISN_ALWAYS_INLINE bool apply_trial(bool ok, int32_t i, int32_t n, const double* J, int8_t* s, Real* phi,
                                          const AnnealPlan& p, double beta, int64_t& accepted, int64_t& run) {
    if (ok) {
        ++accepted;
        const int8_t ns = static_cast<int8_t>(-s[i]);
        s[i] = ns;
        update_fields<Real>(i, ns, n, J, phi);
    }
    return Stop && early_stop(p, ok, beta, run);
}

// The whole anneal of one system by one thread, random sweep order: s (n
// spins out), phi (n scratch). Rule: the plan's acceptance rule as a
// constant; Stop: whether p.window > 0 (so the trial loop tests neither).
// brackets (optional, nullptr = det_exp only) and the proposer (same blocks
// as CoreProposer) only change the speed.
// Trial g = g0 + l is lane l of the block drawn at g0 (the draws do not
// depend on the chain, so a block may straddle steps); the StepCursor ends
// the anneal after trial T*K - 1 (the draws past it are unused) unless early
// stop fires first. The contract's literal loop is tests/reference_anneal.h;
// tests compare every instantiation with it.
template <class Real, int32_t Rule, bool Stop, class Betas, class Proposer>
ISN_HD ISN_ALWAYS_INLINE AnnealCounts anneal_system(int32_t n, const double* J, const double* h, uint64_t seed,
                                                    const AnnealPlan& p, const Betas& betas, const Bracket* brackets,
                                                    int8_t* s, Real* phi, const Proposer& proposer) {
    init_spins(n, seed, s);
    init_fields<Real>(n, J, h, s, phi);
    if (p.steps <= 0 || p.trials <= 0) return AnnealCounts{0, 0};
    int64_t accepted = 0, run = 0;
    StepCursor<Rule, Betas> step(p, betas);
    DrawBlock block;
    for (int64_t g0 = 0;; g0 += kDrawBlock) {
        proposer(seed, static_cast<uint64_t>(g0), kDomainAnnealTrial, n, block);
        for (int32_t l = 0; l < kDrawBlock; ++l) {
            const int32_t i = block.site[l];
            const bool ok = decide<Real, Rule>(phi[i], s[i], step.beta, step.floor_p, GivenUniform{block.u[l]}, brackets);
            if (apply_trial<Real, Stop>(ok, i, n, J, s, phi, p, step.beta, accepted, run) || !step.next())
                return AnnealCounts{g0 + l + 1, accepted};
        }
    }
}

// The same anneal in sequential sweep order (section 4.1): trial g visits
// site g mod n, and its Philox draw is made only when the decision reads u.
// Late in a schedule nearly every proposal is rejected by the cut alone, so
// most trials are a load, two multiplies and two predictable compares. The
// loop visits one site at a time rather than scanning runs of such rejections
// in bulk: the scan's state does not fit in registers, which costs more than
// it saves (docs/PERFORMANCE.md, "Decisions behind the native code").
template <class Real, int32_t Rule, bool Stop, class Betas, class Proposer>
ISN_HD ISN_ALWAYS_INLINE AnnealCounts anneal_system_sequential(int32_t n, const double* J, const double* h,
                                                               uint64_t seed, const AnnealPlan& p, const Betas& betas,
                                                               const Bracket* brackets, int8_t* s, Real* phi,
                                                               const Proposer& proposer) {
    init_spins(n, seed, s);
    init_fields<Real>(n, J, h, s, phi);
    if (p.steps <= 0 || p.trials <= 0) return AnnealCounts{0, 0};
    int64_t accepted = 0, run = 0;
    StepCursor<Rule, Betas> step(p, betas);
    LazyUniforms<Proposer> draws{proposer, seed, n};
    int32_t i = 0;  // g mod n
    for (int64_t g = 0;; ++g) {
        const bool ok = decide<Real, Rule>(phi[i], s[i], step.beta, step.floor_p, LazyUniform<Proposer>{draws, g}, brackets);
        if (apply_trial<Real, Stop>(ok, i, n, J, s, phi, p, step.beta, accepted, run) || !step.next())
            return AnnealCounts{g + 1, accepted};
        if (++i == n) i = 0;
    }
}

// anneal_system for the plan's order, rule and early stop, chosen at run
// time: the entry point of every sequential executor (CPU backend,
// anneal_threads).
template <class Real, int32_t Rule, bool Stop, class Betas, class Proposer>
ISN_HD ISN_ALWAYS_INLINE AnnealCounts anneal_in_order(int32_t n, const double* J, const double* h, uint64_t seed,
                                                      const AnnealPlan& p, const Betas& betas, const Bracket* brackets,
                                                      int8_t* s, Real* phi, const Proposer& proposer) {
    if (p.order == ISN_SWEEP_SEQUENTIAL)
        return anneal_system_sequential<Real, Rule, Stop>(n, J, h, seed, p, betas, brackets, s, phi, proposer);
    return anneal_system<Real, Rule, Stop>(n, J, h, seed, p, betas, brackets, s, phi, proposer);
}

template <class Real, class Betas, class Proposer>
ISN_HD ISN_ALWAYS_INLINE AnnealCounts anneal_system_dispatch(int32_t n, const double* J, const double* h,
                                                             uint64_t seed, const AnnealPlan& p, const Betas& betas,
                                                             const Bracket* brackets, int8_t* s, Real* phi,
                                                             const Proposer& proposer) {
    constexpr int32_t kSeed = ISN_ACCEPTANCE_SEED_COMPATIBLE, kMetro = ISN_ACCEPTANCE_METROPOLIS;
    if (p.rule == kSeed)
        return p.window > 0 ? anneal_in_order<Real, kSeed, true>(n, J, h, seed, p, betas, brackets, s, phi, proposer)
                            : anneal_in_order<Real, kSeed, false>(n, J, h, seed, p, betas, brackets, s, phi, proposer);
    return p.window > 0 ? anneal_in_order<Real, kMetro, true>(n, J, h, seed, p, betas, brackets, s, phi, proposer)
                        : anneal_in_order<Real, kMetro, false>(n, J, h, seed, p, betas, brackets, s, phi, proposer);
}

}  // namespace isn::core
