// Energy, magnetization, frustration and emotion (docs/ALGORITHM.md section 3),
// with the summation order fixed.
#pragma once
#include "det_math.h"
#include "../../include/isingnative.h"

namespace isn::core {

// Row sum r_i = sum_{j>i} J_ij s_j in ascending j, for four consecutive rows
// at once: the same additions in the same order per row, but four
// independent chains, so the adds overlap instead of waiting on each other.
ISN_HD inline void upper_row_sums4(int32_t i, int32_t n, const double* J, const int8_t* s, double r[4]) {
    const double* a = J + static_cast<int64_t>(i) * n;
    const double *b = a + n, *c = b + n, *d = c + n;
    double r0 = 0.0, r1 = 0.0, r2 = 0.0, r3 = 0.0;
    // The leading elements that only the earlier rows have (j = i+1 .. i+3).
    const double s1 = static_cast<double>(s[i + 1]), s2 = static_cast<double>(s[i + 2]),
                 s3 = static_cast<double>(s[i + 3]);
    r0 = r0 + a[i + 1] * s1;
    r0 = r0 + a[i + 2] * s2;
    r1 = r1 + b[i + 2] * s2;
    r0 = r0 + a[i + 3] * s3;
    r1 = r1 + b[i + 3] * s3;
    r2 = r2 + c[i + 3] * s3;
    for (int32_t j = i + 4; j < n; ++j) {
        const double sj = static_cast<double>(s[j]);
        r0 = r0 + a[j] * sj;
        r1 = r1 + b[j] * sj;
        r2 = r2 + c[j] * sj;
        r3 = r3 + d[j] * sj;
    }
    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
}

ISN_HD inline double energy(int32_t n, const double* J, const double* h, const int8_t* s) {
    double E = 0.0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        double r[4];
        upper_row_sums4(i, n, J, s, r);
        for (int32_t q = 0; q < 4; ++q) {
            const double si = static_cast<double>(s[i + q]);
            E = E + ((si * r[q]) + (h[i + q] * si));
        }
    }
    for (; i < n; ++i) {
        const double* row = J + static_cast<int64_t>(i) * n;
        double r = 0.0;
        for (int32_t j = i + 1; j < n; ++j) r = r + row[j] * static_cast<double>(s[j]);
        const double si = static_cast<double>(s[i]);
        E = E + ((si * r) + (h[i] * si));
    }
    return -E;
}

ISN_HD inline double magnetization(int32_t n, const int8_t* s) {
    int64_t M = 0;
    for (int32_t i = 0; i < n; ++i) M += s[i];
    return static_cast<double>(M) / static_cast<double>(n);
}

// f = fr / max(1, nz) from the two integer counts (an executor may count them its own way).
ISN_HD inline double frustration_ratio(int64_t nz, int64_t fr) {
    return static_cast<double>(fr) / static_cast<double>(nz > 1 ? nz : 1);
}

ISN_HD inline double frustration(int32_t n, const double* J, const int8_t* s) {
    int64_t nz = 0, fr = 0;
    for (int32_t i = 0; i < n; ++i) {
        const double* row = J + static_cast<int64_t>(i) * n;
        const double si = static_cast<double>(s[i]);
        for (int32_t j = i + 1; j < n; ++j) {
            // Counting without branches: a zero coupling is never frustrated.
            nz += row[j] != 0.0 ? 1 : 0;
            fr += (row[j] * si) * static_cast<double>(s[j]) < 0.0 ? 1 : 0;
        }
    }
    return frustration_ratio(nz, fr);
}

ISN_HD inline isn_emotion emotion_of(int32_t n, double E, double m, double f) {
    isn_emotion e;
    e.valence = det_tanh((-E) / static_cast<double>(n));
    e.arousal = 1.0 - abs_d(m);
    e.tension = f;
    e.coherence = abs_d(m);
    return e;
}

ISN_HD inline isn_observables observe(int32_t n, const double* J, const double* h, const int8_t* s) {
    isn_observables o;
    o.energy = energy(n, J, h, s);
    o.magnetization = magnetization(n, s);
    o.frustration = frustration(n, J, s);
    o.emotion = emotion_of(n, o.energy, o.magnetization, o.frustration);
    return o;
}

}  // namespace isn::core
