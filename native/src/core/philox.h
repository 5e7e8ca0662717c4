// Philox4x32-10 and the project's stream layout (docs/ALGORITHM.md section 1).
#pragma once
#include "platform.h"

namespace isn::core {

struct Philox4 {
    uint32_t w[4];
};

// Random-number domains (counter word c2).
enum : uint32_t {
    kDomainInitSpins = 1,
    kDomainAnnealTrial = 2,
    kDomainSampleTrial = 3,
    kDomainCompassion = 4,
    kDomainGenerate = 5,
};

ISN_HD inline Philox4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                    uint32_t k0, uint32_t k1) {
    const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        const uint64_t p0 = static_cast<uint64_t>(M0) * c0;
        const uint64_t p1 = static_cast<uint64_t>(M1) * c2;
        const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
        const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        if (round < 9) {
            k0 += W0;
            k1 += W1;
        }
    }
    return Philox4{{c0, c1, c2, c3}};
}

// One draw of the stream layout: key = seed, (c0,c1) = 64-bit index, c2 = domain.
ISN_HD inline Philox4 draw(uint64_t seed, uint64_t index, uint32_t domain, uint32_t sub = 0) {
    return philox4x32_10(static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), domain, sub,
                         static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// +1 if bit 31 is set, else -1.
ISN_HD inline int8_t spin_from_word(uint32_t w) { return (w >> 31) ? int8_t(1) : int8_t(-1); }

// Lemire's multiply-shift: a site in [0, n).
ISN_HD inline int32_t site_from_word(uint32_t w, int32_t n) {
    return static_cast<int32_t>((static_cast<uint64_t>(w) * static_cast<uint64_t>(n)) >> 32);
}

// Uniform double in [0,1) from two words; every operation is exact.
ISN_HD inline double u53(uint32_t a, uint32_t b) {
    return (static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) *
           (1.0 / 9007199254740992.0);
}

}  // namespace isn::core
