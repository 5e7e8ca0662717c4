// The vectorised fast paths of src/host/simd_checks.h against their scalar
// definitions: the exact-symmetry tier of validation (ALGORITHM section 12:
// every J_ij bitwise equal to J_ji and within ISN_MAX_MAGNITUDE, diagonal +0/-0) and the
// frustration counts of section 3 (nz, fr over i < j with core::frustration's
// comparisons). Random matrices seeded with +-0, NaN, +-inf and subnormals,
// at sizes that are no multiple of the 4- or 8-lane vectors (the scalar tails
// and the masked last vectors), and single defects placed inside whole tiles
// and in the tails. Skipped where the CPU lacks the instructions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/observables.h"
#include "host/simd_checks.h"
#include "host/simd_observe.h"

#ifdef ISN_HAVE_AVX2_CHECKS

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t bits_of(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

// The definition, element by element.
bool symmetric_by_definition(const std::vector<double>& J, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        if ((bits_of(J[static_cast<size_t>(i * n + i)]) & 0x7FFFFFFFFFFFFFFFull) != 0) return false;
        for (int64_t j = i + 1; j < n; ++j) {
            const double a = J[static_cast<size_t>(i * n + j)], b = J[static_cast<size_t>(j * n + i)];
            if (bits_of(a) != bits_of(b) || !(std::fabs(a) <= ISN_MAX_MAGNITUDE)) return false;
        }
    }
    return true;
}

void counts_by_definition(int32_t n, const std::vector<double>& J, const std::vector<int8_t>& s, int64_t& nz,
                          int64_t& fr) {
    nz = fr = 0;
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j < n; ++j) {
            const double a = J[static_cast<size_t>(i) * n + j];
            if (a != 0.0) ++nz;  // NaN != 0 is true
            if ((a * static_cast<double>(s[static_cast<size_t>(i)])) * static_cast<double>(s[static_cast<size_t>(j)]) < 0.0)
                ++fr;  // NaN < 0 is false
        }
}

// A value drawn mostly from ordinary numbers, often from the special ones:
// the magnitude bound itself (valid) and one ulp above it (invalid, like
// the non-finite ones).
const double kAbove = std::nextafter(ISN_MAX_MAGNITUDE, kInf);
double random_value(std::mt19937_64& rng, bool allow_nonfinite) {
    const double specials[] = {0.0,  -0.0,  4.9e-324, -4.9e-324, 1.0,    -1.0,  ISN_MAX_MAGNITUDE, -ISN_MAX_MAGNITUDE,
                               kInf, -kInf, kNaN,     -kNaN,     kAbove, -kAbove};
    const int count = allow_nonfinite ? 14 : 8;
    if (rng() % 4 == 0) return specials[rng() % static_cast<uint64_t>(count)];
    return std::uniform_real_distribution<double>(-2.0, 2.0)(rng);
}

std::vector<double> random_symmetric(std::mt19937_64& rng, int32_t n) {
    std::vector<double> J(static_cast<size_t>(n) * n);
    for (int32_t i = 0; i < n; ++i) {
        J[static_cast<size_t>(i) * n + i] = rng() % 2 ? 0.0 : -0.0;
        for (int32_t j = i + 1; j < n; ++j)
            J[static_cast<size_t>(i) * n + j] = J[static_cast<size_t>(j) * n + i] = random_value(rng, false);
    }
    return J;
}

const int32_t kSizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 31, 32, 33, 63, 65};

}  // namespace

TEST(SimdChecks, ExactSymmetryEqualsTheDefinition) {
    if (!isn::cpu::cpu_has_avx2()) GTEST_SKIP() << "no AVX2";
    std::mt19937_64 rng(20241127);
    int64_t accepted = 0, rejected = 0;
    for (int32_t n : kSizes)
        for (int rep = 0; rep < 40; ++rep) {
            std::vector<double> J = random_symmetric(rng, n);
            // One defect (or none) at a random element: inside a whole 4x4 tile or in the tail.
            const int32_t i = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            const int32_t j = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            double& a = J[static_cast<size_t>(i) * n + j];
            double& b = J[static_cast<size_t>(j) * n + i];
            switch (rep % 8) {
                case 0: break;                                    // exactly symmetric
                case 1: a = -a; break;                            // sign flip (+0 vs -0 too); diagonal +-0 stays ok
                case 2: a = b = kNaN; break;                      // mirrored NaN: not finite
                case 3: a = b = (rng() % 2 ? kInf : -kInf); break;  // mirrored infinity
                case 4: a = std::nextafter(a, kInf); break;       // one ulp apart
                case 5: a = b = random_value(rng, true); break;   // anything, mirrored
                case 6: J[static_cast<size_t>(i) * n + i] = random_value(rng, true); break;  // the diagonal
                default: a = 0.0; b = -0.0; break;                 // +0 against -0 (i == j: diagonal -0, fine)
            }
            const bool expected = symmetric_by_definition(J, n);
            EXPECT_EQ(isn::cpu::exactly_symmetric_avx2(J.data(), n), expected)
                << "n=" << n << " rep=" << rep << " at (" << i << "," << j << ")";
            (expected ? accepted : rejected) += 1;
        }
    // Both answers occur often, so neither can be hard-wired.
    EXPECT_GT(accepted, 150);
    EXPECT_GT(rejected, 300);
}

TEST(SimdChecks, FrustrationCountsEqualTheDefinition) {
    if (!isn::cpu::cpu_has_avx2()) GTEST_SKIP() << "no AVX2";
    const bool avx512 = isn::cpu::cpu_has_avx512();
    std::printf("AVX-512 frustration counts tested: %s\n", avx512 ? "yes" : "no (CPU lacks it)");
    std::mt19937_64 rng(77);
    for (int32_t n : kSizes)
        for (int rep = 0; rep < 20; ++rep) {
            // Not symmetric: the counts read the upper triangle only, so garbage
            // below the diagonal must not leak in.
            std::vector<double> J(static_cast<size_t>(n) * n);
            for (double& x : J) x = random_value(rng, rep % 2 == 1);
            std::vector<int8_t> s(static_cast<size_t>(n));
            for (int8_t& x : s) x = rng() % 2 ? 1 : -1;
            int64_t nz_ref, fr_ref;
            counts_by_definition(n, J, s, nz_ref, fr_ref);

            std::vector<double> sd2(static_cast<size_t>(n) + 3);  // the documented minimum scratch
            int64_t nz = -1, fr = -1;
            isn::cpu::frustration_counts_avx2(n, J.data(), s.data(), sd2.data(), nz, fr);
            EXPECT_EQ(nz, nz_ref) << "avx2 n=" << n << " rep=" << rep;
            EXPECT_EQ(fr, fr_ref) << "avx2 n=" << n << " rep=" << rep;
            EXPECT_EQ(bits_of(isn::core::frustration_ratio(nz, fr)), bits_of(isn::core::frustration(n, J.data(), s.data())));
            if (avx512) {
                std::vector<double> sd8(static_cast<size_t>(n) + 7);
                nz = fr = -1;
                isn::cpu::frustration_counts_avx512(n, J.data(), s.data(), sd8.data(), nz, fr);
                EXPECT_EQ(nz, nz_ref) << "avx512 n=" << n << " rep=" << rep;
                EXPECT_EQ(fr, fr_ref) << "avx512 n=" << n << " rep=" << rep;
            }
        }
}


#ifdef ISN_HAVE_AVX512_TILES

namespace {

const int32_t kTileSizes[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 20, 23, 24, 25, 31, 32, 33, 40, 63, 64, 65, 100};

// One defect (or none) at (i, j) of a random symmetric J, as in the AVX2 test.
void put_defect(std::mt19937_64& rng, std::vector<double>& J, int32_t n, int kind, int32_t i, int32_t j) {
    double& a = J[static_cast<size_t>(i) * n + j];
    double& b = J[static_cast<size_t>(j) * n + i];
    switch (kind % 8) {
        case 0: break;
        case 1: a = -a; break;
        case 2: a = b = kNaN; break;
        case 3: a = b = (rng() % 2 ? kInf : -kInf); break;
        case 4: a = std::nextafter(a, kInf); break;
        case 5: a = b = random_value(rng, true); break;
        case 6: J[static_cast<size_t>(i) * n + i] = random_value(rng, true); break;
        default: a = 0.0; b = -0.0; break;
    }
}

}  // namespace

TEST(SimdChecks, ExactSymmetryAvx512EqualsTheDefinition) {
    if (!isn::cpu::cpu_has_avx512()) GTEST_SKIP() << "no AVX-512";
    std::mt19937_64 rng(8128);
    int64_t accepted = 0, rejected = 0;
    for (int32_t n : kTileSizes)
        for (int rep = 0; rep < 40; ++rep) {
            std::vector<double> J = random_symmetric(rng, n);
            // Alternately anywhere and in the last (partial) row or column of tiles.
            int32_t i = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            const int32_t j = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            if (rep % 2 == 1) i = n - 1 - static_cast<int32_t>(rng() % static_cast<uint64_t>(n % 8 + 1 < n ? n % 8 + 1 : n));
            put_defect(rng, J, n, rep, i, j);
            const bool expected = symmetric_by_definition(J, n);
            EXPECT_EQ(isn::cpu::exactly_symmetric_avx512(J.data(), n), expected)
                << "n=" << n << " rep=" << rep << " at (" << i << "," << j << ")";
            (expected ? accepted : rejected) += 1;
        }
    EXPECT_GT(accepted, 150);
    EXPECT_GT(rejected, 300);
}

TEST(SimdChecks, OnePassObservablesEqualCoreObserve) {
    if (!isn::cpu::cpu_has_avx512()) GTEST_SKIP() << "no AVX-512";
    std::mt19937_64 rng(31337);
    int64_t fast = 0, refused = 0;
    for (int32_t n : kTileSizes)
        for (int rep = 0; rep < 48; ++rep) {
            std::vector<double> J = random_symmetric(rng, n);
            std::vector<double> h(static_cast<size_t>(n));
            for (double& x : h) x = random_value(rng, false);
            std::vector<int8_t> s(static_cast<size_t>(n));
            for (int8_t& x : s) x = rng() % 2 ? 1 : -1;
            const int32_t i = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            const int32_t j = static_cast<int32_t>(rng() % static_cast<uint64_t>(n));
            bool valid = true;
            if (rep % 3 == 1) {  // a coupling defect (or none)
                put_defect(rng, J, n, rep / 3, i, j);
                valid = symmetric_by_definition(J, n);
            } else if (rep % 3 == 2) {  // a bad field or spin
                if (rep % 2 == 0) h[static_cast<size_t>(i)] = rng() % 3 == 0 ? -kAbove : rng() % 2 ? kNaN : -kInf;
                else s[static_cast<size_t>(i)] = static_cast<int8_t>(rng() % 2 ? 0 : 2);
                valid = false;
            }
            isn_observables got;
            std::memset(&got, 0, sizeof got);
            const bool passed = isn::cpu::observables_if_exact_avx512(n, J.data(), h.data(), s.data(), got);
            EXPECT_EQ(passed, valid) << "n=" << n << " rep=" << rep << " at (" << i << "," << j << ")";
            if (passed && valid) {
                const isn_observables want = isn::core::observe(n, J.data(), h.data(), s.data());
                EXPECT_EQ(bits_of(got.energy), bits_of(want.energy)) << "n=" << n << " rep=" << rep;
                EXPECT_EQ(bits_of(got.magnetization), bits_of(want.magnetization)) << "n=" << n << " rep=" << rep;
                EXPECT_EQ(bits_of(got.frustration), bits_of(want.frustration)) << "n=" << n << " rep=" << rep;
            }
            (passed ? fast : refused) += 1;
        }
    EXPECT_GT(fast, 400);
    EXPECT_GT(refused, 300);
}

#endif  // ISN_HAVE_AVX512_TILES

#endif  // ISN_HAVE_AVX2_CHECKS
