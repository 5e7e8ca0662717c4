// The GPU backend. Without a device (or without GPU support compiled in):
// a clear DEVICE_UNAVAILABLE status. With one: bit-identical to the CPU
// backend in both anneal regimes, both precisions and sweep orders, empathy
// and observables.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

// Without a device, device 0 is missing; with devices (a real GPU, or the
// emulated one), the first index past them is.
TEST(Gpu, MissingDeviceIsReportedClearly) {
    int32_t count = -1;
    ASSERT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    ASSERT_GE(count, 0);
    isn_context* ctx = nullptr;
    EXPECT_EQ(isn_context_create_gpu(count, &ctx), ISN_STATUS_DEVICE_UNAVAILABLE);
    EXPECT_EQ(ctx, nullptr);
    const std::string msg = isn_last_error_message();
    EXPECT_NE(msg.find("isn_context_create_gpu"), std::string::npos) << msg;
    if (count == 0)
        EXPECT_TRUE(msg.find("no GPU device") != std::string::npos || msg.find("no GPU support") != std::string::npos) << msg;
    else
        EXPECT_NE(msg.find("'device' = " + std::to_string(count)), std::string::npos) << msg;
    EXPECT_EQ(isn_context_create_gpu(-1, &ctx), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("'device' = -1"), std::string::npos);
}

TEST(Gpu, MatchesCpuBitForBit) {
    int32_t count = 0;
    ASSERT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    if (count == 0) GTEST_SKIP() << "no GPU device";
    isn_context* gpu = nullptr;
    ASSERT_EQ(isn_context_create_gpu(0, &gpu), ISN_STATUS_OK) << isn_last_error_message();
    char desc[ISN_MESSAGE_CAPACITY];
    ASSERT_EQ(isn_context_describe(gpu, desc, sizeof desc), ISN_STATUS_OK);
    std::printf("GPU context: %s\n", desc);
    Context cpu(2);

    // Small systems (thread regime) and large ones (block regime) in one batch.
    std::vector<HostSystem> systems;
    for (int k = 0; k < 40; ++k) systems.push_back(k % 2 ? spin_glass(20 + k, 7 + k) : seed_pattern(20, 7 + k));
    systems.push_back(spin_glass(300, 1));
    systems.push_back(seed_pattern(1000, 2));
    std::vector<isn_system_view> views;
    std::vector<uint64_t> seeds;
    int64_t total = 0;
    for (size_t k = 0; k < systems.size(); ++k) {
        views.push_back(systems[k].view());
        seeds.push_back(31 * k + 5);
        total += systems[k].n;
    }
    for (int32_t precision : {ISN_PRECISION_DOUBLE, ISN_PRECISION_SINGLE})
        for (int32_t rule : {ISN_ACCEPTANCE_METROPOLIS, ISN_ACCEPTANCE_SEED_COMPATIBLE})
            for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL}) {
                isn_anneal_options o = default_anneal();
                o.precision = precision;
                o.acceptance = rule;
                o.sweep_order = order;
                o.early_stop_window = rule == ISN_ACCEPTANCE_METROPOLIS ? 200 : 0;
                o.early_stop_beta = 10.0;
                std::vector<int8_t> sg(static_cast<size_t>(total)), sc(static_cast<size_t>(total));
                std::vector<isn_anneal_stats> tg(views.size()), tc(views.size());
                const int32_t n = static_cast<int32_t>(views.size());
                ASSERT_EQ(isn_anneal_batch(gpu, views.data(), n, seeds.data(), &o, sg.data(), tg.data()), ISN_STATUS_OK)
                    << isn_last_error_message();
                ASSERT_EQ(isn_anneal_batch(cpu.get(), views.data(), n, seeds.data(), &o, sc.data(), tc.data()), ISN_STATUS_OK);
                EXPECT_EQ(sg, sc) << "precision " << precision << " rule " << rule << " order " << order;
                for (size_t k = 0; k < views.size(); ++k) {
                    EXPECT_EQ(tg[k].trials, tc[k].trials);
                    EXPECT_EQ(tg[k].accepted, tc[k].accepted);
                    EXPECT_EQ(bits(tg[k].energy), bits(tc[k].energy));
                }
            }
    std::vector<isn_pair> pairs;
    for (int k = 0; k < 39; ++k) pairs.push_back(isn_pair{k, k + 1, 1000u + k});
    pairs.push_back(isn_pair{40, 40, 9});
    const isn_empathy_options eo = default_empathy();
    std::vector<isn_empathy_result> rg(pairs.size()), rc(pairs.size());
    // Only equal-n pairs: even indices are n = 20, so pair 2k with 2k+2.
    for (auto& p : pairs)
        if (p.self_index < 40 && views[static_cast<size_t>(p.self_index)].n != views[static_cast<size_t>(p.other_index)].n)
            p.other_index = p.self_index;
    ASSERT_EQ(isn_empathy_batch(gpu, views.data(), static_cast<int32_t>(views.size()), pairs.data(),
                                static_cast<int32_t>(pairs.size()), &eo, rg.data()),
              ISN_STATUS_OK)
        << isn_last_error_message();
    ASSERT_EQ(isn_empathy_batch(cpu.get(), views.data(), static_cast<int32_t>(views.size()), pairs.data(),
                                static_cast<int32_t>(pairs.size()), &eo, rc.data()),
              ISN_STATUS_OK);
    for (size_t k = 0; k < pairs.size(); ++k) expect_same_result(rg[k], rc[k]);
    std::vector<isn_observables> og(views.size()), oc(views.size());
    ASSERT_EQ(isn_observe_batch(gpu, views.data(), static_cast<int32_t>(views.size()), og.data()), ISN_STATUS_OK);
    ASSERT_EQ(isn_observe_batch(cpu.get(), views.data(), static_cast<int32_t>(views.size()), oc.data()), ISN_STATUS_OK);
    for (size_t k = 0; k < views.size(); ++k) {
        EXPECT_EQ(bits(og[k].energy), bits(oc[k].energy));
        EXPECT_EQ(bits(og[k].frustration), bits(oc[k].frustration));
        EXPECT_EQ(bits(og[k].emotion.valence), bits(oc[k].emotion.valence));
    }
    EXPECT_EQ(isn_context_destroy(gpu), ISN_STATUS_OK);
}
