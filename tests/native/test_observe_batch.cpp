// isn_observe_batch on the CPU, where validation and observables share one
// pass per system (host/simd_observe.h on AVX-512 hosts, the plain route
// elsewhere): results equal core::observe bit for bit, and every defect, in
// any position (inside whole 8x8 tiles and in the partial tiles of an n that
// is no multiple of 8), is still rejected with the plain route's message,
// naming the first bad system, with the results left untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/observables.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void expect_same_observables(const isn_observables& got, const isn_observables& want, const std::string& where) {
    EXPECT_EQ(bits(got.energy), bits(want.energy)) << where;
    EXPECT_EQ(bits(got.magnetization), bits(want.magnetization)) << where;
    EXPECT_EQ(bits(got.frustration), bits(want.frustration)) << where;
    EXPECT_EQ(bits(got.emotion.valence), bits(want.emotion.valence)) << where;
    EXPECT_EQ(bits(got.emotion.arousal), bits(want.emotion.arousal)) << where;
    EXPECT_EQ(bits(got.emotion.tension), bits(want.emotion.tension)) << where;
    EXPECT_EQ(bits(got.emotion.coherence), bits(want.emotion.coherence)) << where;
}

// A symmetric system with mixed signs, exact zeros of both signs and
// subnormals among the couplings, so the fast path sees what the core does.
HostSystem awkward_system(std::mt19937_64& rng, int32_t n) {
    HostSystem sys = seed_pattern(n, rng());
    const double specials[] = {0.0, -0.0, 4.9e-324, -4.9e-324, 1.0, -1.0, ISN_MAX_MAGNITUDE, -1e-300};
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j < n; ++j) {
            double v = std::uniform_real_distribution<double>(-2.0, 2.0)(rng);
            if (rng() % 5 == 0) v = specials[rng() % 8];
            sys.J[static_cast<size_t>(i) * n + j] = sys.J[static_cast<size_t>(j) * n + i] = v;
        }
    for (int32_t i = 0; i < n; ++i) sys.J[static_cast<size_t>(i) * n + i] = rng() % 2 ? 0.0 : -0.0;
    return sys;
}

std::vector<isn_system_view> views_of(const std::vector<HostSystem>& systems) {
    std::vector<isn_system_view> v;
    for (const auto& s : systems) v.push_back(s.view());
    return v;
}

const int32_t kSizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 20, 23, 24, 25, 31, 33, 40, 64, 65};

}  // namespace

TEST(ObserveBatch, EqualsCoreObserveBitForBit) {
    std::mt19937_64 rng(5150);
    Context ctx;
    for (int32_t n : kSizes) {
        std::vector<HostSystem> systems;
        for (int k = 0; k < 12; ++k) {
            if (k % 3 == 0) systems.push_back(seed_pattern(n, 300 + static_cast<uint64_t>(k)));
            else if (k % 3 == 1) systems.push_back(spin_glass(n, 400 + static_cast<uint64_t>(k)));
            else systems.push_back(awkward_system(rng, n));
        }
        // Valid but not bitwise symmetric (within the 1e-12 tolerance), and a
        // diagonal of 1e-13: the exact slow path for these, in the same batch.
        if (n >= 2) {
            double& a = systems[4].J[static_cast<size_t>(n - 1)];
            a = std::nextafter(a, kInf);
            systems[7].J[static_cast<size_t>(n) * n - 1] = 1e-13;
        }
        const std::vector<isn_system_view> views = views_of(systems);
        std::vector<isn_observables> out(views.size());
        ASSERT_EQ(isn_observe_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), out.data()),
                  ISN_STATUS_OK)
            << isn_last_error_message();
        for (size_t k = 0; k < views.size(); ++k) {
            const HostSystem& s = systems[k];
            expect_same_observables(out[k], isn::core::observe(n, s.J.data(), s.h.data(), s.s.data()),
                                    "n=" + std::to_string(n) + " k=" + std::to_string(k));
        }
    }
}

TEST(ObserveBatch, LargeBatchOnTwoThreadsEqualsCoreObserve) {
    // Enough work to go through the thread pool rather than the calling thread.
    Context ctx(2);
    std::vector<HostSystem> systems;
    for (int k = 0; k < 40; ++k) systems.push_back(spin_glass(70 + k % 9, 900 + static_cast<uint64_t>(k)));
    const std::vector<isn_system_view> views = views_of(systems);
    std::vector<isn_observables> out(views.size());
    ASSERT_EQ(isn_observe_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), out.data()), ISN_STATUS_OK);
    for (size_t k = 0; k < views.size(); ++k) {
        const HostSystem& s = systems[k];
        expect_same_observables(out[k], isn::core::observe(s.n, s.J.data(), s.h.data(), s.s.data()),
                                "k=" + std::to_string(k));
    }
}

namespace {

struct Defect {
    const char* what;
    std::string needle;  // part of the plain route's message
};

// Puts defect `kind` at (i, j) of `s` and says what the message must contain.
Defect apply_defect(HostSystem& s, int kind, int32_t i, int32_t j) {
    const int32_t n = s.n;
    double& a = s.J[static_cast<size_t>(i) * n + j];
    const std::string at = "[" + std::to_string(i) + "," + std::to_string(j) + "]";
    switch (kind) {
        case 0:  // asymmetric beyond the tolerance (off the diagonal; on it, a non-zero diagonal)
            a += 1e-6;
            return i == j ? Defect{"diagonal", "diagonal " + at} : Defect{"asymmetric", "not symmetric"};
        case 1:
            a = std::nan("");
            return {"NaN", "is not finite"};
        case 2:
            a = s.J[static_cast<size_t>(j) * n + i] = (i + j) % 2 ? kInf : -kInf;  // mirrored: symmetric, not finite
            return {"mirrored infinity", "inf is not finite"};
        case 3:
            s.h[static_cast<size_t>(i)] = j % 2 ? std::nan("") : -kInf;
            return {"field", "fields' element [" + std::to_string(i) + "]"};
        default:
            s.s[static_cast<size_t>(i)] = static_cast<int8_t>(j % 2 ? 0 : 3);
            return {"spin", "spins' element [" + std::to_string(i) + "]"};
    }
}

}  // namespace

TEST(ObserveBatch, RejectsEveryDefectAnywhere) {
    std::mt19937_64 rng(777);
    Context ctx;
    int64_t checked = 0;
    for (int32_t n : kSizes) {
        // Every position for small n; elsewhere a sample that always includes the last row and column
        // (the partial tiles) and a whole-tile interior position.
        std::vector<std::pair<int32_t, int32_t>> positions;
        if (n <= 9) {
            for (int32_t i = 0; i < n; ++i)
                for (int32_t j = 0; j < n; ++j) positions.emplace_back(i, j);
        } else {
            positions = {{n - 1, 0}, {0, n - 1}, {n - 1, n - 1}, {n - 2, n - 1}, {3, 5}, {5, 3}, {n / 2, n / 2}};
            for (int r = 0; r < 12; ++r)
                positions.emplace_back(static_cast<int32_t>(rng() % static_cast<uint64_t>(n)),
                                       static_cast<int32_t>(rng() % static_cast<uint64_t>(n)));
        }
        std::vector<HostSystem> clean;
        for (int k = 0; k < 5; ++k) clean.push_back(seed_pattern(n, 50 + static_cast<uint64_t>(k)));
        for (const auto& [i, j] : positions)
            for (int kind = 0; kind < 5; ++kind) {
                if (kind >= 3 && j > 1) continue;  // fields and spins have one index
                std::vector<HostSystem> systems = clean;
                const Defect d = apply_defect(systems[3], kind, i, j);
                const std::vector<isn_system_view> views = views_of(systems);
                std::vector<isn_observables> out(views.size());
                std::memset(out.data(), 0x5A, out.size() * sizeof(isn_observables));
                const std::vector<isn_observables> before = out;
                const std::string where = "n=" + std::to_string(n) + " " + d.what + " at (" + std::to_string(i) +
                                          "," + std::to_string(j) + ")";
                ASSERT_EQ(isn_observe_batch(ctx.get(), views.data(), 5, out.data()), ISN_STATUS_INVALID_ARGUMENT)
                    << where;
                const std::string msg = isn_last_error_message();
                EXPECT_NE(msg.find("systems[3]"), std::string::npos) << where << ": " << msg;
                EXPECT_NE(msg.find(d.needle), std::string::npos) << where << ": " << msg << " lacks " << d.needle;
                EXPECT_EQ(std::memcmp(out.data(), before.data(), out.size() * sizeof(isn_observables)), 0) << where;
                ++checked;
            }
    }
    std::printf("observe-batch defects checked: %lld\n", static_cast<long long>(checked));
    EXPECT_GT(checked, 1000);
}

TEST(ObserveBatch, NamesTheFirstBadSystemAndShapeErrors) {
    Context ctx;
    std::vector<HostSystem> systems;
    for (int k = 0; k < 6; ++k) systems.push_back(seed_pattern(20, 10 + static_cast<uint64_t>(k)));
    systems[4].J[17 * 20 + 19] = std::nan("");
    systems[2].s[19] = 0;
    std::vector<isn_system_view> views = views_of(systems);
    isn_observables out[6];
    EXPECT_EQ(isn_observe_batch(ctx.get(), views.data(), 6, out), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("systems[2].spins' element [19] = 0"), std::string::npos)
        << isn_last_error_message();

    views = views_of(systems);
    views[1].spins = nullptr;
    EXPECT_EQ(isn_observe_batch(ctx.get(), views.data(), 6, out), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("systems[1].spins' is null"), std::string::npos);
    views = views_of(systems);
    views[0].n = 0;
    EXPECT_EQ(isn_observe_batch(ctx.get(), views.data(), 6, out), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("systems[0].n' = 0"), std::string::npos);
    views = views_of(systems);
    views[5].couplings = nullptr;
    systems[2].s[19] = 1;
    systems[4].J[17 * 20 + 19] = systems[4].J[19 * 20 + 17];
    EXPECT_EQ(isn_observe_batch(ctx.get(), views.data(), 6, out), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("systems[5].couplings' is null"), std::string::npos);
    views = views_of(systems);
    EXPECT_EQ(isn_observe_batch(ctx.get(), views.data(), 6, out), ISN_STATUS_OK) << isn_last_error_message();
}
