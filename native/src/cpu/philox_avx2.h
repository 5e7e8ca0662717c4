// A vectorised producer of the core's proposal blocks for x86-64 CPUs with
// AVX2: the same Philox4x32-10 rounds on four counters per instruction, the
// same Lemire site and the same exact u53 conversion, so every proposal is
// bit-identical to core::propose (checked against it by the core tests).
// Only the CPU executor uses it; GPU kernels and non-AVX2 CPUs use the core.
#pragma once
#include <cstdint>

#include "../core/anneal.h"

namespace isn::cpu {

// Fills `block` like core::propose_block, through AVX2 when the CPU has it.
class BlockProposer {
public:
    BlockProposer();
    void operator()(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, core::DrawBlock& block) const {
        fill_(seed, g0, domain, n, block);
    }
    bool vectorised() const { return fill_ != &core::propose_block; }

private:
    void (*fill_)(uint64_t, uint64_t, uint32_t, int32_t, core::DrawBlock&);
};

}  // namespace isn::cpu
