// A vectorised producer of the core's proposal blocks for x86-64 CPUs with
// AVX-512 (eight counters per instruction) or AVX2 (four): the same
// Philox4x32-10 rounds, the same Lemire site and the same exact u53
// conversion, so every proposal is bit-identical to core::propose (checked
// against it by the BlockProposer tests, which run whichever path the CPU
// picks; under valgrind, which has no AVX-512, that is the AVX2 one).
// Only the CPU executor uses it; GPU kernels and other CPUs use the core.
#pragma once
#include <cstdint>

#include "../core/anneal.h"

namespace isn::cpu {

// The CPU anneal loop's form of the same draws (cpu_anneal.h): per trial the
// 64-bit product w0 * n, whose high word is the site (read straight from
// memory: no shift, no pack), and U = u53(w1, w2) * 2^53 as an integer
// (every step of u53 is exact, so u = U * 2^-53 exactly and `u < v` is
// `U < v * 2^53`: the decision compares integers and converts nothing).
constexpr int32_t kRawBlock = 32;

struct RawDraws {
    uint32_t site_words[2 * kRawBlock];  // lane l: low word, then the site (high word)
    uint64_t u53[kRawBlock];             // u * 2^53, below 2^53
    int32_t site(int32_t l) const { return static_cast<int32_t>(site_words[2 * l + 1]); }
};

// U = u53(a, b) * 2^53 = (a >> 5) * 2^26 + (b >> 6).
inline uint64_t u53_bits(uint32_t a, uint32_t b) {
    return (static_cast<uint64_t>(a >> 5) << 26) | static_cast<uint64_t>(b >> 6);
}

// u53(a, b) from U (exact: U < 2^53).
inline double u53_from_bits(uint64_t U) { return static_cast<double>(U) * (1.0 / 9007199254740992.0); }

// Draws g0 .. g0 + kRawBlock - 1 of `domain` by the core's Philox, one at a time.
void fill_raw_scalar(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, RawDraws& block);

// Fills `block` like core::propose_block, through AVX-512 or AVX2 when the CPU has it.
class BlockProposer {
public:
    BlockProposer();
    void operator()(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, core::DrawBlock& block) const {
        fill_(seed, g0, domain, n, block);
    }
    // The same draws as RawDraws (identical bits; fill_raw_scalar is the reference).
    void raw(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, RawDraws& block) const {
        raw_(seed, g0, domain, n, block);
    }
    bool vectorised() const { return fill_ != &core::propose_block; }

private:
    void (*fill_)(uint64_t, uint64_t, uint32_t, int32_t, core::DrawBlock&);
    void (*raw_)(uint64_t, uint64_t, uint32_t, int32_t, RawDraws&);
};

}  // namespace isn::cpu
