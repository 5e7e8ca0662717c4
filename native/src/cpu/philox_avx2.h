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

// Fills `block` like core::propose_block, through AVX-512 or AVX2 when the CPU has it.
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
