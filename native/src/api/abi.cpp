// Version, defaults and ABI introspection: managed bindings compare these
// sizes and offsets with their own struct layouts at load time.
#include <cstddef>

#include "../common/errors.h"
#include "isn_build_info.h"
#include "validate.h"

namespace {

struct Layout {
    int32_t size;
    int32_t count;
    int32_t offsets[12];
};

#define ISN_OFF(T, f) static_cast<int32_t>(offsetof(T, f))

Layout layout_of(int32_t id) {
    switch (id) {
        case ISN_STRUCT_SYSTEM_VIEW:
            return {sizeof(isn_system_view), 5,
                    {ISN_OFF(isn_system_view, n), ISN_OFF(isn_system_view, reserved0), ISN_OFF(isn_system_view, couplings),
                     ISN_OFF(isn_system_view, fields), ISN_OFF(isn_system_view, spins)}};
        case ISN_STRUCT_ANNEAL_OPTIONS:
            return {sizeof(isn_anneal_options), 11,
                    {ISN_OFF(isn_anneal_options, steps), ISN_OFF(isn_anneal_options, trials_per_step),
                     ISN_OFF(isn_anneal_options, beta_start), ISN_OFF(isn_anneal_options, beta_end),
                     ISN_OFF(isn_anneal_options, adaptive_steps), ISN_OFF(isn_anneal_options, acceptance),
                     ISN_OFF(isn_anneal_options, precision), ISN_OFF(isn_anneal_options, early_stop_window),
                     ISN_OFF(isn_anneal_options, early_stop_beta), ISN_OFF(isn_anneal_options, sweep_order),
                     ISN_OFF(isn_anneal_options, reserved0)}};
        case ISN_STRUCT_WEIGHTS:
            return {sizeof(isn_weights), 4,
                    {ISN_OFF(isn_weights, overlap), ISN_OFF(isn_weights, energy), ISN_OFF(isn_weights, coupling),
                     ISN_OFF(isn_weights, magnetization)}};
        case ISN_STRUCT_EMPATHY_OPTIONS:
            return {sizeof(isn_empathy_options), 2,
                    {ISN_OFF(isn_empathy_options, anneal), ISN_OFF(isn_empathy_options, weights)}};
        case ISN_STRUCT_PAIR:
            return {sizeof(isn_pair), 3,
                    {ISN_OFF(isn_pair, self_index), ISN_OFF(isn_pair, other_index), ISN_OFF(isn_pair, seed)}};
        case ISN_STRUCT_ANNEAL_STATS:
            return {sizeof(isn_anneal_stats), 5,
                    {ISN_OFF(isn_anneal_stats, steps), ISN_OFF(isn_anneal_stats, reserved0),
                     ISN_OFF(isn_anneal_stats, trials), ISN_OFF(isn_anneal_stats, accepted),
                     ISN_OFF(isn_anneal_stats, energy)}};
        case ISN_STRUCT_EMPATHY_RESULT:
            return {sizeof(isn_empathy_result), 11,
                    {ISN_OFF(isn_empathy_result, score), ISN_OFF(isn_empathy_result, state_overlap),
                     ISN_OFF(isn_empathy_result, energy_error), ISN_OFF(isn_empathy_result, magnetization_error),
                     ISN_OFF(isn_empathy_result, coupling_similarity), ISN_OFF(isn_empathy_result, predicted_energy),
                     ISN_OFF(isn_empathy_result, actual_energy), ISN_OFF(isn_empathy_result, steps),
                     ISN_OFF(isn_empathy_result, reserved0), ISN_OFF(isn_empathy_result, trials),
                     ISN_OFF(isn_empathy_result, accepted)}};
        case ISN_STRUCT_EMOTION:
            return {sizeof(isn_emotion), 4,
                    {ISN_OFF(isn_emotion, valence), ISN_OFF(isn_emotion, arousal), ISN_OFF(isn_emotion, tension),
                     ISN_OFF(isn_emotion, coherence)}};
        case ISN_STRUCT_OBSERVABLES:
            return {sizeof(isn_observables), 4,
                    {ISN_OFF(isn_observables, energy), ISN_OFF(isn_observables, magnetization),
                     ISN_OFF(isn_observables, frustration), ISN_OFF(isn_observables, emotion)}};
        case ISN_STRUCT_QUICK_ESTIMATE:
            return {sizeof(isn_quick_estimate), 3,
                    {ISN_OFF(isn_quick_estimate, score), ISN_OFF(isn_quick_estimate, coupling_similarity),
                     ISN_OFF(isn_quick_estimate, energy_difference)}};
        case ISN_STRUCT_SAMPLE_STATS:
            return {sizeof(isn_sample_stats), 3,
                    {ISN_OFF(isn_sample_stats, trials), ISN_OFF(isn_sample_stats, accepted),
                     ISN_OFF(isn_sample_stats, acceptance)}};
        case ISN_STRUCT_EDGE:
            return {sizeof(isn_edge), 2, {ISN_OFF(isn_edge, self_index), ISN_OFF(isn_edge, other_index)}};
        case ISN_STRUCT_RUN_CONTROL:
            return {sizeof(isn_run_control), 3,
                    {ISN_OFF(isn_run_control, progress), ISN_OFF(isn_run_control, user_data),
                     ISN_OFF(isn_run_control, cancel)}};
        case ISN_STRUCT_AGENT_SET_INFO:
            return {sizeof(isn_agent_set_info), 4,
                    {ISN_OFF(isn_agent_set_info, count), ISN_OFF(isn_agent_set_info, max_n),
                     ISN_OFF(isn_agent_set_info, host_bytes), ISN_OFF(isn_agent_set_info, device_bytes)}};
        case ISN_STRUCT_ESTIMATE_OPTIONS:
            return {sizeof(isn_estimate_options), 4,
                    {ISN_OFF(isn_estimate_options, method), ISN_OFF(isn_estimate_options, reserved0),
                     ISN_OFF(isn_estimate_options, scale), ISN_OFF(isn_estimate_options, weights)}};
        default:
            return {-1, -1, {}};
    }
}

#undef ISN_OFF

// "+hip"/"+cuda" name the GPU plug-in built with this library (whether it
// loads here is isn_context_create_gpu's to say); the number comes from the
// header's ISN_VERSION_* (one source).
#define ISN_STR2(x) #x
#define ISN_STR(x) ISN_STR2(x)
#define ISN_VERSION_TEXT ISN_STR(ISN_VERSION_MAJOR) "." ISN_STR(ISN_VERSION_MINOR) "." ISN_STR(ISN_VERSION_PATCH)
constexpr const char* kVersionString = ISN_VERSION_TEXT "+cpu" ISN_GPU_VERSION_SUFFIX;

}  // namespace

extern "C" {

ISN_API int32_t isn_version(void) { return ISN_VERSION; }

ISN_API const char* isn_version_string(void) {
    return kVersionString;
}

ISN_API int32_t isn_struct_size(int32_t struct_id) { return layout_of(struct_id).size; }

ISN_API int32_t isn_struct_field_count(int32_t struct_id) { return layout_of(struct_id).count; }

ISN_API int32_t isn_struct_offset(int32_t struct_id, int32_t field_index) {
    const Layout l = layout_of(struct_id);
    if (l.size < 0 || field_index < 0 || field_index >= l.count) return -1;
    return l.offsets[field_index];
}

ISN_API isn_status isn_anneal_options_default(isn_anneal_options* options) {
    return isn::guard("isn_anneal_options_default", [&] {
        isn::require_not_null(options, "options");
        *options = isn_anneal_options{};
        options->steps = 100;
        options->trials_per_step = 10;
        options->beta_start = 0.1;
        options->beta_end = 2202.646579480672;  // 0.1 * e^10 as the managed engine computes it
        options->acceptance = ISN_ACCEPTANCE_METROPOLIS;
        options->precision = ISN_PRECISION_DOUBLE;
    });
}

ISN_API isn_status isn_weights_default(isn_weights* weights) {
    return isn::guard("isn_weights_default", [&] {
        isn::require_not_null(weights, "weights");
        *weights = isn_weights{0.4, 0.3, 0.3, 0.0};
    });
}

ISN_API isn_status isn_estimate_options_default(isn_estimate_options* options) {
    return isn::guard("isn_estimate_options_default", [&] {
        isn::require_not_null(options, "options");
        *options = isn_estimate_options{};
        options->method = ISN_QUICK_QUENCH;
        options->scale = 100.0;
        options->weights = isn_weights{0.4, 0.3, 0.3, 0.0};
    });
}

}  // extern "C"
