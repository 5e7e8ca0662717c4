// Philox4x32-10 known answers (MODEL.md section 3) and the stream conversions.
#include <gtest/gtest.h>

#include "core/philox.h"

using namespace isn::core;

namespace {

void expect_philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                   uint32_t e0, uint32_t e1, uint32_t e2, uint32_t e3) {
    const Philox4 r = philox4x32_10(c0, c1, c2, c3, k0, k1);
    EXPECT_EQ(r.w[0], e0);
    EXPECT_EQ(r.w[1], e1);
    EXPECT_EQ(r.w[2], e2);
    EXPECT_EQ(r.w[3], e3);
}

}  // namespace

TEST(Philox, KnownAnswerZero) {
    expect_philox(0, 0, 0, 0, 0, 0, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
}

TEST(Philox, KnownAnswerAllOnes) {
    expect_philox(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du,
                  0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu);
}

TEST(Philox, KnownAnswerPi) {
    expect_philox(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u,
                  0x94fdccebu, 0x5001e420u, 0x24126ea1u);
}

TEST(Philox, DrawMapsSeedIndexDomainOntoKeyAndCounter) {
    const uint64_t seed = 0x299f31d0a4093822ull, index = 0x85a308d3243f6a88ull;
    const Philox4 a = draw(seed, index, 0x13198a2eu, 0x03707344u);
    const Philox4 b = philox4x32_10(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(a.w[i], b.w[i]);
}

TEST(Philox, Conversions) {
    EXPECT_EQ(spin_from_word(0x80000000u), 1);
    EXPECT_EQ(spin_from_word(0x7fffffffu), -1);
    EXPECT_EQ(site_from_word(0u, 20), 0);
    EXPECT_EQ(site_from_word(0xffffffffu, 20), 19);
    EXPECT_EQ(site_from_word(0x80000000u, 20), 10);
    EXPECT_EQ(u53(0, 0), 0.0);
    EXPECT_LT(u53(0xffffffffu, 0xffffffffu), 1.0);
    EXPECT_EQ(u53(0xffffffffu, 0xffffffffu), 1.0 - 1.0 / 9007199254740992.0);
    EXPECT_EQ(u53(0x80000000u, 0), 0.5);
}
