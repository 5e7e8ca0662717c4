// Deterministic exp/log/tanh (docs/ALGORITHM.md section 2): only + - * /,
// floor and exponent-bit manipulation, so every backend rounds identically.
// Identity across backends is the goal; accuracy is about 1 ulp.
#pragma once
#include "platform.h"

namespace isn::core {

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm's split of ln 2
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// 2^k as a double for -1022 <= k <= 1023 (a normal number: exponent bits only).
ISN_HD inline double pow2_normal(int k) {
    return bits_to_double(static_cast<uint64_t>(k + 1023) << 52);
}

ISN_HD inline double det_exp(double x) {
    if (x != x) return x;
    if (x > 709.782712893384) return bits_to_double(0x7FF0000000000000ull);  // +inf
    if (x < -745.1332191019412) return 0.0;
    const double k = det_floor(x * 1.4426950408889634 + 0.5);
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;
    // Horner over 1/m!, m = 13 down to 1; the literals are the nearest doubles.
    double a = 1.6059043836821613e-10;   // 1/13!
    a = 2.08767569878681e-09 + r * a;    // 1/12!
    a = 2.505210838544172e-08 + r * a;   // 1/11!
    a = 2.7557319223985888e-07 + r * a;  // 1/10!
    a = 2.7557319223985893e-06 + r * a;  // 1/9!
    a = 2.4801587301587302e-05 + r * a;  // 1/8!
    a = 0.00019841269841269841 + r * a;  // 1/7!
    a = 0.0013888888888888889 + r * a;   // 1/6!
    a = 0.0083333333333333332 + r * a;   // 1/5!
    a = 0.041666666666666664 + r * a;    // 1/4!
    a = 0.16666666666666666 + r * a;     // 1/3!
    a = 0.5 + r * a;                     // 1/2!
    a = 1.0 + r * a;                     // 1/1!
    const double p = 1.0 + r * a;
    const int ki = static_cast<int>(k);
    if (ki > 1023) return (p * pow2_normal(ki - 1)) * 2.0;
    if (ki >= -1021) return p * pow2_normal(ki);
    return (p * pow2_normal(ki + 54)) * pow2_normal(-54);
}

ISN_HD inline double det_log(double x) {
    if (x != x || x < 0.0) return bits_to_double(0x7FF8000000000000ull);  // NaN
    if (x == 0.0) return -bits_to_double(0x7FF0000000000000ull);           // -inf
    if (x == bits_to_double(0x7FF0000000000000ull)) return x;              // +inf
    int e_adj = 0;
    if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range
        x = x * pow2_normal(54);
        e_adj = -54;
    }
    const uint64_t bits = double_to_bits(x);
    int e = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
    double m = bits_to_double((bits & 0x000FFFFFFFFFFFFFull) | (1023ull << 52));
    if (m > 1.4142135623730951) {
        m = m * 0.5;
        e = e + 1;
    }
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    double R = 0.047619047619047616;     // 1/21
    R = 0.052631578947368418 + z * R;    // 1/19
    R = 0.058823529411764705 + z * R;    // 1/17
    R = 0.066666666666666666 + z * R;    // 1/15
    R = 0.076923076923076927 + z * R;    // 1/13
    R = 0.090909090909090912 + z * R;    // 1/11
    R = 0.1111111111111111 + z * R;      // 1/9
    R = 0.14285714285714285 + z * R;     // 1/7
    R = 0.20000000000000001 + z * R;     // 1/5
    R = 0.33333333333333331 + z * R;     // 1/3
    R = z * R;
    const double two_s = 2.0 * s;
    const double logm = two_s + two_s * R;
    const double E = static_cast<double>(e + e_adj);
    return E * kLn2Hi + (E * kLn2Lo + logm);
}

ISN_HD inline double det_tanh(double x) {
    if (x != x) return x;
    const double a = abs_d(x);
    if (a > 22.0) return x > 0.0 ? 1.0 : -1.0;
    if (a < 1e-4) return x - ((x * x) * x) / 3.0;
    const double e = det_exp(-2.0 * a);
    const double t = (1.0 - e) / (1.0 + e);
    return x < 0.0 ? -t : t;
}

}  // namespace isn::core
