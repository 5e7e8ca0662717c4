/* The public header compiled as strict C11 (no C++ anywhere): a consumer
 * program that checks the ABI introspection against its own sizeof/offsetof
 * and runs one tiny anneal. Exit code 0 = pass. */
#include <stddef.h>
#include <stdio.h>

#include "isingnative.h"

#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond)) {                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                \
        }                                                            \
    } while (0)

int main(void) {
    CHECK(isn_version() == ISN_VERSION);
    CHECK(isn_struct_size(ISN_STRUCT_SYSTEM_VIEW) == (int32_t)sizeof(isn_system_view));
    CHECK(isn_struct_offset(ISN_STRUCT_SYSTEM_VIEW, 4) == (int32_t)offsetof(isn_system_view, spins));
    CHECK(isn_struct_size(ISN_STRUCT_ANNEAL_OPTIONS) == (int32_t)sizeof(isn_anneal_options));
    CHECK(isn_struct_offset(ISN_STRUCT_ANNEAL_OPTIONS, 8) == (int32_t)offsetof(isn_anneal_options, early_stop_beta));
    CHECK(isn_struct_offset(ISN_STRUCT_ANNEAL_OPTIONS, 9) == (int32_t)offsetof(isn_anneal_options, sweep_order));
    CHECK(isn_struct_size(ISN_STRUCT_EMPATHY_OPTIONS) == (int32_t)sizeof(isn_empathy_options));
    CHECK(isn_struct_size(ISN_STRUCT_PAIR) == (int32_t)sizeof(isn_pair));
    CHECK(isn_struct_size(ISN_STRUCT_ANNEAL_STATS) == (int32_t)sizeof(isn_anneal_stats));
    CHECK(isn_struct_size(ISN_STRUCT_EMPATHY_RESULT) == (int32_t)sizeof(isn_empathy_result));
    CHECK(isn_struct_offset(ISN_STRUCT_EMPATHY_RESULT, 10) == (int32_t)offsetof(isn_empathy_result, accepted));
    CHECK(isn_struct_size(ISN_STRUCT_EMOTION) == (int32_t)sizeof(isn_emotion));
    CHECK(isn_struct_size(ISN_STRUCT_OBSERVABLES) == (int32_t)sizeof(isn_observables));
    CHECK(isn_struct_size(ISN_STRUCT_QUICK_ESTIMATE) == (int32_t)sizeof(isn_quick_estimate));
    CHECK(isn_struct_size(ISN_STRUCT_SAMPLE_STATS) == (int32_t)sizeof(isn_sample_stats));
    CHECK(isn_struct_size(ISN_STRUCT_EDGE) == (int32_t)sizeof(isn_edge));
    CHECK(isn_struct_offset(ISN_STRUCT_EDGE, 1) == (int32_t)offsetof(isn_edge, other_index));
    CHECK(isn_struct_size(ISN_STRUCT_RUN_CONTROL) == (int32_t)sizeof(isn_run_control));
    CHECK(isn_struct_offset(ISN_STRUCT_RUN_CONTROL, 2) == (int32_t)offsetof(isn_run_control, cancel));
    CHECK(isn_struct_size(ISN_STRUCT_AGENT_SET_INFO) == (int32_t)sizeof(isn_agent_set_info));
    CHECK(isn_struct_offset(ISN_STRUCT_AGENT_SET_INFO, 3) == (int32_t)offsetof(isn_agent_set_info, device_bytes));

    /* A 3-spin ferromagnet annealed to its ground state (all aligned). */
    const double J[9] = {0, 1, 1, 1, 0, 1, 1, 1, 0};
    const double h[3] = {0, 0, 0};
    isn_system_view view = {3, 0, J, h, NULL};
    isn_anneal_options options;
    CHECK(isn_anneal_options_default(&options) == ISN_STATUS_OK);
    isn_context* ctx = NULL;
    CHECK(isn_context_create_cpu(1, &ctx) == ISN_STATUS_OK);
    const uint64_t seed = 5;
    int8_t spins[3];
    isn_anneal_stats stats;
    CHECK(isn_anneal_batch(ctx, &view, 1, &seed, &options, spins, &stats) == ISN_STATUS_OK);
    CHECK(spins[0] == spins[1] && spins[1] == spins[2]);
    CHECK(stats.energy == -3.0);

    /* The same system as a one-member agent set: its 1 x 1 matrix is the
     * empathy of the member towards itself (coupling similarity exactly 1). */
    const int8_t s3[3] = {1, 1, 1};
    isn_system_view member = {3, 0, J, h, s3};
    isn_agent_set* set = NULL;
    CHECK(isn_agent_set_create(ctx, &member, 1, &set) == ISN_STATUS_OK);
    isn_agent_set_info info;
    CHECK(isn_agent_set_get_info(set, &info) == ISN_STATUS_OK);
    CHECK(info.count == 1 && info.max_n == 3 && info.device_bytes == 0);
    isn_empathy_options eo;
    eo.anneal = options;
    CHECK(isn_weights_default(&eo.weights) == ISN_STATUS_OK);
    double score = -1.0;
    isn_empathy_result result;
    CHECK(isn_set_empathy_matrix(ctx, set, 9, &eo, &score, &result, NULL) == ISN_STATUS_OK);
    CHECK(result.coupling_similarity == 1.0 && score == result.score);
    CHECK(isn_agent_set_destroy(set) == ISN_STATUS_OK);
    CHECK(isn_context_destroy(ctx) == ISN_STATUS_OK);
    puts("C consumer OK");
    return 0;
}
