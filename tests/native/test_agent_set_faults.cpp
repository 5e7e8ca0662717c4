// Agent sets on a faulting GPU (emulated flavour only: the hooks of
// src/gpu/emulated_hooks.h exist only there). A set that cannot be made
// resident is not created; an update whose re-upload fails leaves the set as
// it was; a run that faults reports ISN_STATUS_DEVICE_ERROR and the set's
// resident copy still gives the same bits afterwards; destroying a set gives
// its device memory back, exactly what isn_agent_set_get_info reported.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpu/emulated_hooks.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

struct GpuSetFaults : testing::Test {
    void SetUp() override {
        isn_emulated_gpu_reset();
        ASSERT_EQ(isn_context_create_gpu(0, &ctx), ISN_STATUS_OK) << isn_last_error_message();
        for (int32_t k = 0; k < 6; ++k) systems.push_back(k % 2 ? spin_glass(16, 50 + k) : seed_pattern(16, 50 + k));
        for (const auto& s : systems) views.push_back(s.view());
        eo = default_empathy();
        eo.anneal.steps = 5;
        eo.anneal.trials_per_step = 3;
    }
    void TearDown() override {
        isn_emulated_gpu_reset();
        if (ctx != nullptr) EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    }
    std::vector<double> matrix(isn_agent_set* set) {
        std::vector<double> scores(views.size() * views.size(), -1.0);
        EXPECT_EQ(isn_set_empathy_matrix(ctx, set, 5, &eo, scores.data(), nullptr, nullptr), ISN_STATUS_OK)
            << isn_last_error_message();
        return scores;
    }
    static void expect_same(const std::vector<double>& a, const std::vector<double>& b) {
        ASSERT_EQ(a.size(), b.size());
        for (size_t e = 0; e < a.size(); ++e) EXPECT_EQ(bits(a[e]), bits(b[e])) << e;
    }

    isn_context* ctx = nullptr;
    std::vector<HostSystem> systems;
    std::vector<isn_system_view> views;
    isn_empathy_options eo{};
};

TEST_F(GpuSetFaults, GpuCreateWithoutDeviceMemoryCreatesNothing) {
    const int64_t before = isn_emulated_gpu_allocated_bytes();
    isn_emulated_gpu_set_memory_limit(before + 1000);  // less than the set's ~12 KB
    isn_agent_set* set = reinterpret_cast<isn_agent_set*>(&eo);
    EXPECT_EQ(isn_agent_set_create(ctx, views.data(), 6, &set), ISN_STATUS_OUT_OF_MEMORY);
    EXPECT_NE(std::string(isn_last_error_message()).find("hipMalloc"), std::string::npos) << isn_last_error_message();
    EXPECT_EQ(set, reinterpret_cast<isn_agent_set*>(&eo));
    EXPECT_EQ(isn_emulated_gpu_allocated_bytes(), before) << "a half-made resident set leaked device memory";
    isn_emulated_gpu_set_memory_limit(-1);
    ASSERT_EQ(isn_agent_set_create(ctx, views.data(), 6, &set), ISN_STATUS_OK);
    isn_agent_set_info info;
    ASSERT_EQ(isn_agent_set_get_info(set, &info), ISN_STATUS_OK);
    EXPECT_EQ(isn_emulated_gpu_allocated_bytes() - before, info.device_bytes);
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(isn_emulated_gpu_allocated_bytes(), before) << "destroy kept device memory";
    EXPECT_EQ(isn_emulated_gpu_invalid_frees(), 0);
}

TEST_F(GpuSetFaults, GpuFailedRelayoutLeavesTheSetAsItWas) {
    isn_agent_set* set = nullptr;
    ASSERT_EQ(isn_agent_set_create(ctx, views.data(), 6, &set), ISN_STATUS_OK);
    const std::vector<double> before = matrix(set);
    // A new n needs a new layout: its first allocation fails.
    const HostSystem other_n = seed_pattern(9, 1);
    const isn_system_view v = other_n.view();
    ASSERT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_ALLOC, 0), 0);
    EXPECT_EQ(isn_agent_set_update(set, 2, &v), ISN_STATUS_OUT_OF_MEMORY);
    isn_agent_set_info info;
    ASSERT_EQ(isn_agent_set_get_info(set, &info), ISN_STATUS_OK);
    EXPECT_EQ(info.max_n, 16);
    expect_same(matrix(set), before);  // still every member of n = 16, the old member 2 included
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(isn_emulated_gpu_invalid_frees(), 0);
}

TEST_F(GpuSetFaults, GpuRunFaultsAreReportedAndTheResidentCopySurvives) {
    isn_agent_set* set = nullptr;
    ASSERT_EQ(isn_agent_set_create(ctx, views.data(), 6, &set), ISN_STATUS_OK);
    const std::vector<double> before = matrix(set);
    for (int32_t fault : {ISN_EMULATED_FAULT_LAUNCH, ISN_EMULATED_FAULT_KERNEL}) {
        SCOPED_TRACE(fault);
        ASSERT_EQ(isn_emulated_gpu_fail(fault, 0), 0);
        std::vector<double> scores(36, -1.0);
        EXPECT_EQ(isn_set_empathy_matrix(ctx, set, 5, &eo, scores.data(), nullptr, nullptr), ISN_STATUS_DEVICE_ERROR);
        EXPECT_EQ(isn_emulated_gpu_faults_fired(), 1);
        isn_emulated_gpu_reset();
        expect_same(matrix(set), before);
    }
    // A faulting tile of an edge batch, then the same edges again.
    const isn_edge edges[3] = {{0, 1}, {5, 5}, {3, 2}};
    std::vector<double> es(3, -1.0);
    ASSERT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_KERNEL, 0), 0);
    EXPECT_EQ(isn_set_empathy_edges(ctx, set, edges, 3, 5, &eo, es.data(), nullptr, nullptr), ISN_STATUS_DEVICE_ERROR);
    isn_emulated_gpu_reset();
    ASSERT_EQ(isn_set_empathy_edges(ctx, set, edges, 3, 5, &eo, es.data(), nullptr, nullptr), ISN_STATUS_OK);
    for (int32_t k = 0; k < 3; ++k)
        EXPECT_EQ(bits(es[static_cast<size_t>(k)]), bits(before[static_cast<size_t>(edges[k].self_index) * 6 + edges[k].other_index]));
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(isn_emulated_gpu_invalid_frees(), 0);
}

}  // namespace
