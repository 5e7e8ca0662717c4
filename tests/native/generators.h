// Systems for tests and benchmarks: the generators of ALGORITHM section 8,
// built on the same core Philox as the managed generators.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/det_math.h"
#include "core/philox.h"
#include "isingnative.h"

namespace isn_test {

struct HostSystem {
    int32_t n = 0;
    std::vector<double> J, h;
    std::vector<int8_t> s;
    isn_system_view view() const { return isn_system_view{n, 0, J.data(), h.data(), s.data()}; }
};

// The seed-pattern generator of ALGORITHM section 8.
inline HostSystem seed_pattern(int32_t n, uint64_t seed) {
    using namespace isn::core;
    HostSystem sys;
    sys.n = n;
    sys.J.assign(static_cast<size_t>(n) * n, 0.0);
    sys.h.resize(static_cast<size_t>(n));
    sys.s.resize(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j < n; ++j) {
            const Philox4 w = draw(seed, static_cast<uint64_t>(i) * n + j, kDomainGenerate, 0);
            const double v = 0.7 + 0.6 * u53(w.w[0], w.w[1]);
            const double base = ((i + j) % 3 == 0) ? 1.0 : 0.5;
            sys.J[static_cast<size_t>(i) * n + j] = sys.J[static_cast<size_t>(j) * n + i] = base * v;
        }
    for (int32_t i = 0; i < n; ++i) {
        const Philox4 f = draw(seed, static_cast<uint64_t>(i), kDomainGenerate, 1);
        sys.h[static_cast<size_t>(i)] = 0.1 * (u53(f.w[0], f.w[1]) - 0.5);
        sys.s[static_cast<size_t>(i)] = spin_from_word(draw(seed, static_cast<uint64_t>(i), kDomainGenerate, 2).w[0]);
    }
    return sys;
}

// The spin-glass generator of ALGORITHM section 8 (mixed-sign couplings).
inline HostSystem spin_glass(int32_t n, uint64_t seed) {
    using namespace isn::core;
    HostSystem sys = seed_pattern(n, seed);  // for the spins
    std::fill(sys.J.begin(), sys.J.end(), 0.0);
    std::fill(sys.h.begin(), sys.h.end(), 0.0);
    const uint64_t nn = static_cast<uint64_t>(n) * n;
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j < n; ++j) {
            const uint64_t p = static_cast<uint64_t>(i) * n + j;
            for (uint64_t a = 0;; ++a) {
                const Philox4 w = draw(seed, p + a * nn, kDomainGenerate, 3);
                const double x = 2.0 * u53(w.w[0], w.w[1]) - 1.0, y = 2.0 * u53(w.w[2], w.w[3]) - 1.0;
                const double q = x * x + y * y;
                if (q > 0.0 && q < 1.0) {
                    const double z = x * std::sqrt(-2.0 * det_log(q) / q);
                    sys.J[p] = sys.J[static_cast<size_t>(j) * n + i] = z / std::sqrt(static_cast<double>(n));
                    break;
                }
            }
        }
    return sys;
}

inline uint64_t bits(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

}  // namespace isn_test
