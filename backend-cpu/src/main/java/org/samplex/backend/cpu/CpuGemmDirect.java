package org.samplex.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuGemm}'s direct path: products too small to pay for packing, and those narrower than one vector (a
 * linear layer's readout x W^T with n = 1 or 8), computed straight from the operands. Allocation-free: the one
 * scratch array (a vector's lanes) is the caller's.
 */
final class CpuGemmDirect {
    private static final VectorSpecies<Float> SPECIES = CpuVec.SPECIES;
    private static final int LANES = CpuVec.LANES;

    private CpuGemmDirect() {
    }

    /**
     * Rows [i0, i1) of a small or narrow product, then {@link CpuGemmTile#combine} as a single first panel. When op(A)'s
     * rows and op(B)'s columns both run along k in memory (A not transposed, B transposed: a linear layer's
     * x W^T) and k spans a vector, each element is a dot product: lane-wise fused multiply-adds over whole
     * vectors, the lanes summed in lane order, then the k tail by scalar fused multiply-adds; otherwise one
     * fused multiply-add chain in k order per element, a vector of columns at a time where op(B)'s rows are
     * contiguous ({@link #columns}, the same bits), scalar for the rest. (The dot product's bits depend on the vector
     * width, so on the machine, not on the thread count.)
     */
    static void rows(CpuGemm.Call s, int aBase, int bBase, int cBase, int i0, int i1, float[] lanes) {
        if (!s.transA && s.transB && s.k >= LANES) {
            dots(s, aBase, bBase, cBase, i0, i1, lanes);
            return;
        }
        int aRow = s.transA ? 1 : s.lda;
        int aCol = s.transA ? s.lda : 1;
        int j0 = 0;
        if (!s.transB && s.n >= LANES) {
            j0 = columns(s, aBase, bBase, cBase, i0, i1, aRow, aCol);
        }
        scalar(s, aBase, bBase, cBase, i0, i1, aRow, aCol, j0);
    }

    /**
     * Columns [0, loopBound(n)) of rows [i0, i1) when op(B)'s rows are contiguous (B not transposed), a vector of
     * columns at a time: each lane is the scalar path's chain (one fused multiply-add per kk in k order from 0, then
     * the combine with alpha and beta, lane-wise), so every element has the bits the scalar path gives it. This is
     * the shape of small batched outer products and of products with k below a vector (Mamba's state expansion:
     * (e, 1) (1, S) per position). Returns the first column left to the scalar path.
     */
    private static int columns(CpuGemm.Call s, int aBase, int bBase, int cBase, int i0, int i1, int aRow, int aCol) {
        float[] a = s.a;
        float[] b = s.b;
        float[] c = s.c;
        int bound = SPECIES.loopBound(s.n);
        FloatVector alpha = FloatVector.broadcast(SPECIES, s.alpha);
        FloatVector beta = FloatVector.broadcast(SPECIES, s.beta);
        for (int i = i0; i < i1; i++) {
            int ai = aBase + i * aRow;
            int ci = cBase + i * s.ldc;
            for (int j = 0; j < bound; j += LANES) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int kk = 0; kk < s.k; kk++) {
                    acc = FloatVector.broadcast(SPECIES, a[ai + kk * aCol])
                            .fma(FloatVector.fromArray(SPECIES, b, bBase + kk * s.ldb + j), acc);
                }
                // CpuGemmTile.combine(acc, c, alpha, beta, true), lane-wise
                FloatVector scaled = s.alpha == 1f ? acc : acc.mul(alpha);
                if (s.beta != 0f) {
                    scaled = beta.fma(FloatVector.fromArray(SPECIES, c, ci + j), scaled);
                }
                scaled.intoArray(c, ci + j);
            }
        }
        return bound;
    }

    /** Columns [j0, n) of rows [i0, i1): one scalar fused multiply-add chain per element, in k order. */
    private static void scalar(CpuGemm.Call s, int aBase, int bBase, int cBase, int i0, int i1, int aRow, int aCol,
                               int j0) {
        float[] a = s.a;
        float[] b = s.b;
        float[] c = s.c;
        int bRow = s.transB ? 1 : s.ldb;
        int bCol = s.transB ? s.ldb : 1;
        for (int i = i0; i < i1; i++) {
            int ai = aBase + i * aRow;
            int ci = cBase + i * s.ldc;
            for (int j = j0; j < s.n; j++) {
                int bj = bBase + j * bCol;
                float acc = 0f;
                for (int kk = 0; kk < s.k; kk++) {
                    acc = Math.fma(a[ai + kk * aCol], b[bj + kk * bRow], acc);
                }
                c[ci + j] = CpuGemmTile.combine(acc, c[ci + j], s.alpha, s.beta, true);
            }
        }
    }

    /** C[i, j] = dot(A row i, B row j) for rows [i0, i1), four columns at a time. */
    private static void dots(CpuGemm.Call s, int aBase, int bBase, int cBase, int i0, int i1, float[] lanes) {
        float[] a = s.a;
        float[] b = s.b;
        float[] c = s.c;
        int k = s.k;
        int bound = SPECIES.loopBound(k);
        for (int i = i0; i < i1; i++) {
            int ai = aBase + i * s.lda;
            int ci = cBase + i * s.ldc;
            int j = 0;
            for (; j + 4 <= s.n; j += 4) {
                int b0 = bBase + j * s.ldb;
                int b1 = b0 + s.ldb;
                int b2 = b1 + s.ldb;
                int b3 = b2 + s.ldb;
                FloatVector d0 = FloatVector.zero(SPECIES);
                FloatVector d1 = d0;
                FloatVector d2 = d0;
                FloatVector d3 = d0;
                for (int kk = 0; kk < bound; kk += LANES) {
                    FloatVector av = FloatVector.fromArray(SPECIES, a, ai + kk);
                    d0 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + kk), d0);
                    d1 = av.fma(FloatVector.fromArray(SPECIES, b, b1 + kk), d1);
                    d2 = av.fma(FloatVector.fromArray(SPECIES, b, b2 + kk), d2);
                    d3 = av.fma(FloatVector.fromArray(SPECIES, b, b3 + kk), d3);
                }
                d0.intoArray(lanes, 0);
                c[ci + j] = CpuGemmTile.combine(finish(lanes, a, ai, b, b0, bound, k), c[ci + j], s.alpha, s.beta, true);
                d1.intoArray(lanes, 0);
                c[ci + j + 1] = CpuGemmTile.combine(finish(lanes, a, ai, b, b1, bound, k), c[ci + j + 1], s.alpha, s.beta,
                        true);
                d2.intoArray(lanes, 0);
                c[ci + j + 2] = CpuGemmTile.combine(finish(lanes, a, ai, b, b2, bound, k), c[ci + j + 2], s.alpha, s.beta,
                        true);
                d3.intoArray(lanes, 0);
                c[ci + j + 3] = CpuGemmTile.combine(finish(lanes, a, ai, b, b3, bound, k), c[ci + j + 3], s.alpha, s.beta,
                        true);
            }
        }
        // the last n mod 4 columns, four rows at a time
        for (int j = s.n / 4 * 4; j < s.n; j++) {
            int bj = bBase + j * s.ldb;
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                int a0 = aBase + i * s.lda;
                int a1 = a0 + s.lda;
                int a2 = a1 + s.lda;
                int a3 = a2 + s.lda;
                FloatVector d0 = FloatVector.zero(SPECIES);
                FloatVector d1 = d0;
                FloatVector d2 = d0;
                FloatVector d3 = d0;
                for (int kk = 0; kk < bound; kk += LANES) {
                    FloatVector bv = FloatVector.fromArray(SPECIES, b, bj + kk);
                    d0 = FloatVector.fromArray(SPECIES, a, a0 + kk).fma(bv, d0);
                    d1 = FloatVector.fromArray(SPECIES, a, a1 + kk).fma(bv, d1);
                    d2 = FloatVector.fromArray(SPECIES, a, a2 + kk).fma(bv, d2);
                    d3 = FloatVector.fromArray(SPECIES, a, a3 + kk).fma(bv, d3);
                }
                int ci = cBase + i * s.ldc + j;
                d0.intoArray(lanes, 0);
                c[ci] = CpuGemmTile.combine(finish(lanes, a, a0, b, bj, bound, k), c[ci], s.alpha, s.beta, true);
                ci += s.ldc;
                d1.intoArray(lanes, 0);
                c[ci] = CpuGemmTile.combine(finish(lanes, a, a1, b, bj, bound, k), c[ci], s.alpha, s.beta, true);
                ci += s.ldc;
                d2.intoArray(lanes, 0);
                c[ci] = CpuGemmTile.combine(finish(lanes, a, a2, b, bj, bound, k), c[ci], s.alpha, s.beta, true);
                ci += s.ldc;
                d3.intoArray(lanes, 0);
                c[ci] = CpuGemmTile.combine(finish(lanes, a, a3, b, bj, bound, k), c[ci], s.alpha, s.beta, true);
            }
            for (; i < i1; i++) {
                int ai = aBase + i * s.lda;
                FloatVector d = FloatVector.zero(SPECIES);
                for (int kk = 0; kk < bound; kk += LANES) {
                    d = FloatVector.fromArray(SPECIES, a, ai + kk).fma(FloatVector.fromArray(SPECIES, b, bj + kk), d);
                }
                int ci = cBase + i * s.ldc + j;
                d.intoArray(lanes, 0);
                c[ci] = CpuGemmTile.combine(finish(lanes, a, ai, b, bj, bound, k), c[ci], s.alpha, s.beta, true);
            }
        }
    }

    /**
     * The lanes of a dot product's accumulator (already stored in {@code lanes}: vectors are not passed to calls,
     * which could box them) summed in lane order, then a[ao + kk] b[bo + kk] for kk in [bound, k) by fused
     * multiply-adds.
     */
    private static float finish(float[] lanes, float[] a, int ao, float[] b, int bo, int bound, int k) {
        float sum = lanes[0];
        for (int l = 1; l < LANES; l++) {
            sum += lanes[l];
        }
        for (int kk = bound; kk < k; kk++) {
            sum = Math.fma(a[ao + kk], b[bo + kk], sum);
        }
        return sum;
    }
}
