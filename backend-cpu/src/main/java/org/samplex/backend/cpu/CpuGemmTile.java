package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuGemm.MR;
import static org.samplex.backend.cpu.CpuGemm.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of {@link CpuGemm}'s packed path and the write-back of their tiles into C: an
 * MR x NR tile (MR rows, two vectors wide) or, for a last sliver whose live columns fit one vector, MR x 1 vector;
 * A is read at unit k stride (a packed sliver, or a row-major A in place), B from a packed sliver NR wide.
 */
final class CpuGemmTile {
    private static final VectorSpecies<Float> SPECIES = CpuVec.SPECIES;
    private static final int LANES = CpuVec.LANES;

    private CpuGemmTile() {
    }

    /** The tile of a sliver with {@code cols} live columns: {@link #micro}, or {@link #microHalf} for one vector. */
    static void tile(int kc, float[] a, int ao, int rowStride, int rows, float[] pb, int bo,
                             int cols, float[] tile) {
        if (cols <= LANES) {
            microHalf(kc, a, ao, rowStride, rows, pb, bo, tile);
        } else {
            micro(kc, a, ao, rowStride, rows, pb, bo, tile);
        }
    }

    /**
     * {@link #micro} for a last sliver whose live columns fit one vector (n = 34 leaves 2): the first vector of
     * each tile row only, half the multiply-adds; the same ones in the same order for the live columns.
     */
    private static void microHalf(int kc, float[] a, int ao, int rowStride, int rows, float[] pb,
                                  int bo, float[] tile) {
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * rowStride;
        int a2 = ao + Math.min(2, rows - 1) * rowStride;
        int a3 = ao + Math.min(3, rows - 1) * rowStride;
        int a4 = ao + Math.min(4, rows - 1) * rowStride;
        int a5 = ao + Math.min(5, rows - 1) * rowStride;
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        for (int kk = 0; kk < kc; kk++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bo + kk * NR);
            c0 = FloatVector.broadcast(SPECIES, a[a0 + kk]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[a1 + kk]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[a2 + kk]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[a3 + kk]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[a4 + kk]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[a5 + kk]).fma(b0, c5);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
    }

    /**
     * The MR x NR tile acc = A sliver x B sliver over kc, written to {@code tile} (row-major, NR wide). Element
     * (r, kk) of the A sliver is {@code a[ao + r rowStride + kk]}: a packed sliver has row stride kc, a row-major A
     * read in place lda (k is contiguous in both, so each row is one sequential stream); rows at or past
     * {@code rows} repeat the last one, and the caller ignores their tile rows. The twelve accumulators never leave this method as objects: handing vectors to a call the
     * JIT does not inline boxes them (an allocation per call and a large slowdown).
     */
    private static void micro(int kc, float[] a, int ao, int rowStride, int rows, float[] pb, int bo,
                              float[] tile) {
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * rowStride;
        int a2 = ao + Math.min(2, rows - 1) * rowStride;
        int a3 = ao + Math.min(3, rows - 1) * rowStride;
        int a4 = ao + Math.min(4, rows - 1) * rowStride;
        int a5 = ao + Math.min(5, rows - 1) * rowStride;
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int kk = 0; kk < kc; kk++) {
            int b = bo + kk * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, b + LANES);
            FloatVector av = FloatVector.broadcast(SPECIES, a[a0 + kk]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(SPECIES, a[a1 + kk]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(SPECIES, a[a2 + kk]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(SPECIES, a[a3 + kk]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(SPECIES, a[a4 + kk]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(SPECIES, a[a5 + kk]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + LANES);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + LANES);
    }

    /**
     * The first rows x cols of a tile into C: C = alpha acc + beta C on the first panel (C not read when beta is
     * 0), C = C + alpha acc on later ones. Whole vectors of columns go by vector, the rest element by element with
     * the same IEEE operations, so an element's bits do not depend on where it falls.
     */
    static void applyTile(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha,
                                  float beta, boolean first) {
        int vectorCols = cols / LANES * LANES;
        for (int r = 0; r < rows; r++) {
            int t = r * NR;
            int o = co + r * ldc;
            for (int j = 0; j < vectorCols; j += LANES) {
                FloatVector acc = FloatVector.fromArray(SPECIES, tile, t + j);
                FloatVector scaled = alpha == 1f ? acc : acc.mul(alpha);
                if (!first) {
                    scaled = scaled.add(FloatVector.fromArray(SPECIES, c, o + j));
                } else if (beta != 0f) {
                    scaled = FloatVector.broadcast(SPECIES, beta).fma(FloatVector.fromArray(SPECIES, c, o + j),
                            scaled);
                }
                scaled.intoArray(c, o + j);
            }
            for (int j = vectorCols; j < cols; j++) {
                c[o + j] = combine(tile[t + j], c[o + j], alpha, beta, first);
            }
        }
    }

    /** One element of {@link #applyTile}: alpha acc (+ beta c on the first panel when beta != 0, + c later). */
    static float combine(float acc, float c, float alpha, float beta, boolean first) {
        float scaled = alpha == 1f ? acc : acc * alpha;
        if (!first) {
            return scaled + c;
        }
        return beta != 0f ? Math.fma(beta, c, scaled) : scaled;
    }
}
