// Social attention's aggregation (docs/ALGORITHM.md section 7), written once:
// isn_social_attention (borrowed views) and isn_set_social_attention (agent
// set members) both finish through here.
#pragma once
#include "../../include/isingnative.h"

namespace isn::core {

// From the empathy results towards others[0..count) and their emotions:
// weights (sum in order k; uniform when the sum <= 1e-8), the weighted
// collective emotion (component-wise, in order k) and the first argmax of
// the scores. emotion_of(k) returns others[k]'s emotion.
template <class EmotionOf>
inline void social_attention(int32_t count, const isn_empathy_result* results, EmotionOf&& emotion_of,
                             double* weights_out, isn_emotion& collective, int32_t& most_empathic) {
    double total = 0.0;
    for (int32_t k = 0; k < count; ++k) total = total + results[k].score;
    isn_emotion acc{0.0, 0.0, 0.0, 0.0};
    int32_t best = 0;
    for (int32_t k = 0; k < count; ++k) {
        const double wk = total <= 1e-8 ? 1.0 / static_cast<double>(count) : results[k].score / total;
        weights_out[k] = wk;
        const isn_emotion e = emotion_of(k);
        acc.valence = acc.valence + wk * e.valence;
        acc.arousal = acc.arousal + wk * e.arousal;
        acc.tension = acc.tension + wk * e.tension;
        acc.coherence = acc.coherence + wk * e.coherence;
        if (results[k].score > results[best].score) best = k;
    }
    collective = acc;
    most_empathic = best;
}

}  // namespace isn::core
