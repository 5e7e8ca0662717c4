// The magnitude bound of couplings and fields (ISN_MAX_MAGNITUDE, derived in
// docs/ALGORITHM.md section 12) as a bit pattern, for the integer checks.
#pragma once
#include <cstdint>

#include "../../include/isingnative.h"

namespace isn {

// Non-negative doubles order like their bit patterns and every NaN pattern is
// above +infinity's, so for any double x: (bits(x) & 0x7FF..F) <= this
// <=> |x| <= ISN_MAX_MAGNITUDE (finite, not NaN). One unsigned compare checks
// finiteness and the bound together.
inline constexpr uint64_t kMaxMagnitudeBits = __builtin_bit_cast(uint64_t, static_cast<double>(ISN_MAX_MAGNITUDE));

}  // namespace isn
