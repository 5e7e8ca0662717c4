// One pass over a system that both runs the fast tier of argument validation
// (ALGORITHM section 12: J exactly symmetric, finite, zero diagonal; fields
// finite; spins +-1) and computes its observables (section 3), while each
// row of the lower triangle is in registers. A small batch (the emotion
// batch: 100 systems of n = 20) was otherwise three separate O(n^2) scans
// per system, the symmetry one with column-strided reads.
//
// The kernel walks the lower triangle in tiles of 8 columns i (lanes) and
// rows j: lane i of row j holds J_ji, and a masked gather brings its mirror
// J_ij (column j of the tile's rows) for the bitwise comparison. For the
// small matrices this is meant for (all in L1) one gather per 8 pairs is
// cheaper than an 8x8 in-register transpose; large matrices are validated
// by exactly_symmetric_avx512 (simd_checks.h) instead, where whole 64-byte
// lines matter.
//
// Why the results are bit-identical to core::observe: within a tile, rows j
// ascend, so lane i adds J_ji * s_j for j = i+1, i+2, ... in ascending
// order, starting from +0; a passing check means J_ji and J_ij have the same
// bits, so that is r_i = sum_{j>i} J_ij s_j with core::energy's operands and
// order (an inactive lane is left as it is, not added to). E then folds the
// terms in ascending i with core::energy's expression. The frustration counts
// are integers (order free) with core::frustration's comparisons on the same
// products. When the check fails, the outputs are meaningless and the caller
// takes the exact slow path instead.
#pragma once
#include <cstdint>

#include "../../include/isingnative.h"
#include "../core/observables.h"
#include "simd_tiles.h"

#ifdef ISN_HAVE_AVX512_TILES

// GCC 12 warns spuriously (-Wmaybe-uninitialized) inside AVX-512 intrinsics
// that start from _mm512_undefined_*; the values are fully defined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace isn::cpu {

// Returns false unless the system passes the fast tier; then out.energy,
// out.magnetization and out.frustration equal core::observe(n, J, h, s)'s
// bit for bit. out.emotion is left to the caller (core::emotion_of): its
// divisions and det_tanh are a long dependency chain, which overlaps across
// systems when a batch computes them in a loop of its own, and stalls when
// it ends every kernel call. Requires 1 <= n and valid pointers.
//
// Per lower-triangle row j and lanes i (8 vector operations per 8 elements):
//  - r_i += J_ji * s_j as one masked FMA: the product with +-1 is exact, so
//    rounding the fused sum once is the same as rounding the plain sum;
//  - the frustration product (J_ij s_i) s_j: multiplying a finite double by
//    +-1 only flips its sign bit, so its bits are J_ji XOR sign(s_i) XOR
//    sign(s_j) (one three-way XOR), compared < 0 like core::frustration;
//  - J_ji != 0 for nz;
//  - the mirror J_ij gathered and XORed into the symmetry state.
// The magnitude bound (ISN_MAX_MAGNITUDE, which implies finiteness): the
// largest strict-lower |J_ji| and |h_i| bits are kept and compared once at the
// end (mirror equality covers the upper triangle, the diagonal must be +-0).
// E is then finite by the bound's derivation; the E - E test stays as a guard.
ISN_AVX512_TARGET inline bool observables_if_exact_avx512(int32_t n, const double* J, const double* h, const int8_t* s,
                                                      isn_observables& out) {
    using namespace tiles;
    const __m512d zero = _mm512_setzero_pd();
    const __m512i one = _mm512_set1_epi64(1), sign_bit = _mm512_set1_epi64(static_cast<long long>(0x8000000000000000ull));
    const __m512i abs_mask = _mm512_set1_epi64(0x7FFFFFFFFFFFFFFFll);
    const __m512i lane_rows = _mm512_mullo_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), _mm512_set1_epi64(n));
    SymmetryState st = symmetry_start();
    __m512i nonzero = _mm512_setzero_si512(), frustrated = _mm512_setzero_si512(), spin_sum = _mm512_setzero_si512();
    __mmask8 bad = 0;  // spins not +-1
    __m512i field_biggest = _mm512_setzero_si512();
    double E = 0.0;
    __m512d b[8];
    for (int64_t I = 0; I < n; I += 8) {
        const __mmask8 live = lanes_below(n - I);
        // Spins of rows I..I+7: checked, summed, their sign bits for the XOR.
        const __m512i si = _mm512_cvtepi8_epi64(_mm_maskz_loadu_epi8(live, s + I));
        bad |= _mm512_mask_cmpneq_epi64_mask(live, _mm512_abs_epi64(si), one);
        spin_sum = _mm512_add_epi64(spin_sum, si);
        const __m512i sign_i = _mm512_and_si512(si, sign_bit);

        __m512d r = zero;
        const __m512i row_offsets = _mm512_add_epi64(lane_rows, _mm512_set1_epi64(I * n));  // where rows I..I+7 start
        for (int64_t K = I; K < n; K += 8) {
            load_tile(J, n, K, I, b);  // rows j = K.., columns i = I..: J_ji
            const int64_t rows = n - K < 8 ? n - K : 8;
            // s_j of rows K..K+7 as doubles and as sign bits, broadcast from memory below.
            alignas(64) double sj_value[8];
            alignas(64) int64_t sj_sign[8];
            const __m512i sj = _mm512_cvtepi8_epi64(_mm_maskz_loadu_epi8(lanes_below(rows), s + K));
            _mm512_store_pd(sj_value, _mm512_cvtepi64_pd(sj));
            _mm512_store_si512(sj_sign, _mm512_and_si512(sj, sign_bit));
#pragma GCC unroll 8
            for (int q = 0; q < 8; ++q) {
                if (q >= rows) break;
                if (K == I && q == 0) {  // row I on its own tile: no lane i < I, only its diagonal element
                    st.diagonal = _mm512_mask_or_epi64(st.diagonal, static_cast<__mmask8>(1u), st.diagonal,
                                                       _mm512_and_si512(_mm512_castpd_si512(b[0]), abs_mask));
                    continue;
                }
                // Lanes i < j = K + q: below q on the diagonal tile, every live lane elsewhere.
                const __mmask8 lower = K == I ? static_cast<__mmask8>(live & ((1u << q) - 1u)) : live;
                // A fused multiply-add, yet the bits of core::energy's separate multiply and
                // add: s_j is +-1 here (checked: any other spin sends the system to the plain
                // path), so J_ji * s_j is exact and only the addition rounds, in both.
                r = _mm512_mask3_fmadd_pd(b[q], _mm512_set1_pd(sj_value[q]), r, lower);
                const __m512d product = _mm512_castsi512_pd(
                    _mm512_ternarylogic_epi64(_mm512_castpd_si512(b[q]), sign_i, _mm512_set1_epi64(sj_sign[q]), 0x96));
                frustrated = _mm512_mask_add_epi64(
                    frustrated, _mm512_mask_cmp_pd_mask(lower, product, zero, _CMP_LT_OQ), frustrated, one);
                nonzero = _mm512_mask_add_epi64(nonzero, _mm512_mask_cmp_pd_mask(lower, b[q], zero, _CMP_NEQ_UQ),
                                                nonzero, one);
                // The mirror J_ij of every live lane (column j of rows I..I+7), bitwise against J_ji.
                const __m512i mirror = _mm512_castpd_si512(_mm512_mask_i64gather_pd(zero, lower, row_offsets, J + K + q, 8));
                st.differ = _mm512_mask_ternarylogic_epi64(st.differ, lower, _mm512_castpd_si512(b[q]), mirror, 0xF6);
                st.biggest = _mm512_mask_max_epu64(st.biggest, lower, st.biggest,
                                                   _mm512_and_si512(_mm512_castpd_si512(b[q]), abs_mask));
                if (K == I)  // lane q of row I+q is the diagonal element J_jj
                    st.diagonal = _mm512_mask_or_epi64(st.diagonal, static_cast<__mmask8>(1u << q), st.diagonal,
                                                       _mm512_and_si512(_mm512_castpd_si512(b[q]), abs_mask));
            }
        }
        // r_i of rows I..I+7 are complete: core::energy's terms (s_i r_i) + (h_i s_i)
        // lane by lane (two products, one sum, each rounded as there), then
        // added to E one by one in ascending i.
        const __m512d s_rows = _mm512_cvtepi64_pd(si);
        const __m512d h_rows = _mm512_maskz_loadu_pd(live, h + I);
        field_biggest = _mm512_max_epu64(field_biggest, _mm512_and_si512(_mm512_castpd_si512(h_rows), abs_mask));
        alignas(64) double terms[8];
        _mm512_store_pd(terms, _mm512_add_pd(_mm512_mul_pd(s_rows, r), _mm512_mul_pd(h_rows, s_rows)));
        const int64_t rows = n - I < 8 ? n - I : 8;
        for (int64_t q = 0; q < rows; ++q) E = E + terms[q];
    }
    // E - E is 0 exactly when E is finite (NaN or infinity give NaN).
    const __m512i bound = _mm512_set1_epi64(static_cast<long long>(kMaxMagnitudeBits));
    if (!symmetry_passed(st) || bad != 0 || _mm512_cmpgt_epu64_mask(field_biggest, bound) != 0 || !(E - E == 0.0))
        return false;
    alignas(64) int64_t z[8], f[8], m[8];
    _mm512_store_si512(z, nonzero);
    _mm512_store_si512(f, frustrated);
    _mm512_store_si512(m, spin_sum);
    int64_t nz = 0, fr = 0, M = 0;
    for (int q = 0; q < 8; ++q) {
        nz += z[q];
        fr += f[q];
        M += m[q];
    }
    out.energy = -E;
    out.magnetization = static_cast<double>(M) / static_cast<double>(n);  // core::magnetization
    out.frustration = core::frustration_ratio(nz, fr);
    return true;
}

}  // namespace isn::cpu

#pragma GCC diagnostic pop

#endif
