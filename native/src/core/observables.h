// Energy, magnetization, frustration and emotion (docs/ALGORITHM.md section 3),
// with the summation order fixed.
#pragma once
#include "det_math.h"
#include "../../include/isingnative.h"

namespace isn::core {

ISN_HD inline double energy(int32_t n, const double* J, const double* h, const int8_t* s) {
    double E = 0.0;
    for (int32_t i = 0; i < n; ++i) {
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
    return static_cast<double>(fr) / static_cast<double>(nz > 1 ? nz : 1);
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
