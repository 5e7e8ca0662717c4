// isn_context_memory_stats: CPU contexts hold no device memory (0, 0); a GPU
// context's high-water mark covers at least the data a call had to upload,
// never drops, and is never below the current figure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

TEST(MemoryStats, CpuContextReportsZero) {
    Context cpu(1);
    int64_t current = -1, peak = -1;
    ASSERT_EQ(isn_context_memory_stats(cpu.get(), &current, &peak), ISN_STATUS_OK) << isn_last_error_message();
    EXPECT_EQ(current, 0);
    EXPECT_EQ(peak, 0);
    // Still zero after work, and either output may be omitted.
    const HostSystem sys = seed_pattern(20, 3);
    const isn_system_view v = sys.view();
    const uint64_t seed = 5;
    const isn_anneal_options o = default_anneal();
    std::vector<int8_t> spins(20);
    ASSERT_EQ(isn_anneal_batch(cpu.get(), &v, 1, &seed, &o, spins.data(), nullptr), ISN_STATUS_OK);
    peak = -1;
    ASSERT_EQ(isn_context_memory_stats(cpu.get(), nullptr, &peak), ISN_STATUS_OK);
    EXPECT_EQ(peak, 0);
    current = -1;
    ASSERT_EQ(isn_context_memory_stats(cpu.get(), &current, nullptr), ISN_STATUS_OK);
    EXPECT_EQ(current, 0);
}

TEST(MemoryStats, RejectsDeadHandlesWithoutWriting) {
    isn_context* ctx = nullptr;
    ASSERT_EQ(isn_context_create_cpu(1, &ctx), ISN_STATUS_OK);
    ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    int64_t current = 123, peak = 456;
    EXPECT_EQ(isn_context_memory_stats(ctx, &current, &peak), ISN_STATUS_INVALID_HANDLE);
    EXPECT_EQ(current, 123);
    EXPECT_EQ(peak, 456);
    EXPECT_EQ(isn_context_memory_stats(nullptr, &current, &peak), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(std::string(isn_last_error_message()).find("isn_context_memory_stats"), std::string::npos);
}

TEST(MemoryStats, GpuPeakCoversUploadsAndNeverDrops) {
    int32_t count = 0;
    ASSERT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    if (count == 0) GTEST_SKIP() << "no GPU device";
    isn_context* gpu = nullptr;
    ASSERT_EQ(isn_context_create_gpu(0, &gpu), ISN_STATUS_OK) << isn_last_error_message();
    int64_t current = -1, peak = -1;
    ASSERT_EQ(isn_context_memory_stats(gpu, &current, &peak), ISN_STATUS_OK);
    EXPECT_EQ(current, 0);  // buffers are allocated on first use
    EXPECT_EQ(peak, 0);

    const HostSystem big = seed_pattern(300, 11);
    const isn_system_view v = big.view();
    const uint64_t seed = 9;
    const isn_anneal_options o = default_anneal();
    std::vector<int8_t> spins(300);
    ASSERT_EQ(isn_anneal_batch(gpu, &v, 1, &seed, &o, spins.data(), nullptr), ISN_STATUS_OK) << isn_last_error_message();
    ASSERT_EQ(isn_context_memory_stats(gpu, &current, &peak), ISN_STATUS_OK);
    const int64_t couplings = 300LL * 300 * static_cast<int64_t>(sizeof(double));
    EXPECT_GE(current, couplings);  // J at least, plus fields, spins, phi, ...
    EXPECT_GE(peak, current);

    // A smaller call reuses the buffers: nothing new, the mark stays.
    const HostSystem small = seed_pattern(20, 12);
    const isn_system_view w = small.view();
    ASSERT_EQ(isn_anneal_batch(gpu, &w, 1, &seed, &o, spins.data(), nullptr), ISN_STATUS_OK);
    int64_t current2 = -1, peak2 = -1;
    ASSERT_EQ(isn_context_memory_stats(gpu, &current2, &peak2), ISN_STATUS_OK);
    EXPECT_EQ(current2, current);
    EXPECT_EQ(peak2, peak);
    EXPECT_EQ(isn_context_destroy(gpu), ISN_STATUS_OK);
}
