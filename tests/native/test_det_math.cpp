// det_exp/det_log/det_tanh: exact special values and a few ulp from libm.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <limits>

#include "core/det_math.h"

using namespace isn::core;

namespace {

int64_t ordered(double d) {
    int64_t i;
    std::memcpy(&i, &d, sizeof i);
    return i < 0 ? std::numeric_limits<int64_t>::min() - i : i;
}

int64_t ulp_distance(double a, double b) {
    const int64_t d = ordered(a) - ordered(b);
    return d < 0 ? -d : d;
}

}  // namespace

TEST(DetExp, SpecialValues) {
    EXPECT_EQ(det_exp(0.0), 1.0);
    EXPECT_TRUE(std::isnan(det_exp(std::nan(""))));
    EXPECT_EQ(det_exp(710.0), std::numeric_limits<double>::infinity());
    EXPECT_EQ(det_exp(-746.0), 0.0);
    EXPECT_EQ(det_exp(-std::numeric_limits<double>::infinity()), 0.0);
}

TEST(DetExp, WithinTwoUlpOfLibm) {
    int64_t worst = 0;
    for (int k = 0; k <= 200000; ++k) {
        const double x = -745.0 + 1454.7 * k / 200000.0;
        const double ref = std::exp(x);
        if (ref < 2.2250738585072014e-308) continue;  // subnormal results: see next test
        const int64_t d = ulp_distance(det_exp(x), ref);
        if (d > worst) worst = d;
    }
    EXPECT_LE(worst, 2);
}

TEST(DetExp, SubnormalAndOverflowEdgesAreClose) {
    for (double x : {-708.5, -720.0, -740.0, -745.0, 709.0, 709.78}) {
        const double ref = std::exp(x);
        EXPECT_NEAR(det_exp(x) / ref, 1.0, ref < 1e-307 ? 1e-3 : 1e-15) << x;  // subnormals carry fewer bits
    }
}

TEST(DetLog, SpecialValues) {
    EXPECT_EQ(det_log(1.0), 0.0);
    EXPECT_EQ(det_log(0.0), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(det_log(std::numeric_limits<double>::infinity()), std::numeric_limits<double>::infinity());
    EXPECT_TRUE(std::isnan(det_log(-1.0)));
    EXPECT_TRUE(std::isnan(det_log(std::nan(""))));
}

TEST(DetLog, WithinTwoUlpOfLibm) {
    int64_t worst = 0;
    for (int k = 1; k <= 200000; ++k) {
        const double x = std::ldexp(1.0 + (k % 1000) / 1000.0, (k % 2000) - 1000);
        const int64_t d = ulp_distance(det_log(x), std::log(x));
        if (d > worst) worst = d;
    }
    EXPECT_LE(worst, 2);
    EXPECT_NEAR(det_log(4.9406564584124654e-324), std::log(4.9406564584124654e-324), 1e-12);  // subnormal
    EXPECT_NEAR(det_log(1e10), std::log(1e10), 1e-14 * std::log(1e10));
}

// ALGORITHM's (1 - e) / (1 + e) cancels for small |x|: the error is a few
// 1e-16 absolute (up to ~100 ulp relative near 1e-4), a few ulp once |x| > 0.55.
TEST(DetTanh, CloseToLibmAndOdd) {
    int64_t worst = 0;
    double worst_abs = 0.0;
    for (int k = -20000; k <= 20000; ++k) {
        const double x = k / 800.0 + 1e-4;
        const double d = det_tanh(x), ref = std::tanh(x);
        if (std::fabs(x) > 0.55) worst = std::max(worst, ulp_distance(d, ref));
        worst_abs = std::max(worst_abs, std::fabs(d - ref));
        EXPECT_EQ(det_tanh(-x), -d);
    }
    EXPECT_LE(worst, 4);
    EXPECT_LE(worst_abs, 4.5e-16);
    EXPECT_EQ(det_tanh(0.0), 0.0);
    EXPECT_EQ(det_tanh(30.0), 1.0);
    EXPECT_EQ(det_tanh(-30.0), -1.0);
    EXPECT_NEAR(det_tanh(5e-5), std::tanh(5e-5), 1e-20);
}
