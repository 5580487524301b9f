package org.samplex.backend.cpu;

import java.util.Arrays;

/**
 * Float32 strided batched gemm, {@code C_p = alpha op(A_p) op(B_p) + beta C_p}, in "axpy" form: row i of C is
 * accumulated as {@code sum_k op(A)[i,k] * op(B)[k,:]}, so the inner loop streams a contiguous row of op(B) into a
 * contiguous accumulator. A transposed B is first packed into row-major op(B) (a copy the size of B); a transposed A
 * needs no packing, since only its scalars are read.
 *
 * <p>Each element C[i,j] is one float accumulator updated by fused multiply-adds in k order, by exactly one task, so
 * the result is the same for every thread count and vector width. Tasks are (batch entry, block of rows).
 */
final class CpuGemm {
    private static final int ROWS_PER_TASK = 8;

    private CpuGemm() {
    }

    /** A float matrix operand: {@code x[off + p * stride + row * ld + col]}. */
    record Operand(float[] x, int off, int ld, long stride) {
    }

    /** Sizes are positive and the operands long enough (checked by the caller). */
    static void gemm(CpuParallel par, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Operand a, Operand b, float beta, Operand c, int batch) {
        Operand rowB = transB ? packTransposed(par, b, k, n, batch) : b;
        int rowBlocks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        long work = (long) batch * m * n * k;
        par.forEach(batch * rowBlocks, work, t -> {
            int p = t / rowBlocks;
            int i0 = (t % rowBlocks) * ROWS_PER_TASK;
            int i1 = Math.min(m, i0 + ROWS_PER_TASK);
            rows(transA, n, k, alpha, a, rowB, beta, c, p, i0, i1);
        });
    }

    /** Rows [i0, i1) of C_p. */
    private static void rows(boolean transA, int n, int k, float alpha, Operand a, Operand b, float beta,
                             Operand c, int p, int i0, int i1) {
        float[] acc = new float[n]; // (Nc) one row of op(A) op(B)
        int aBase = (int) (a.off + p * a.stride);
        int bBase = (int) (b.off + p * b.stride);
        int cBase = (int) (c.off + p * c.stride);
        for (int i = i0; i < i1; i++) {
            Arrays.fill(acc, 0f);
            for (int kk = 0; kk < k; kk++) {
                float aik = transA ? a.x[aBase + kk * a.ld + i] : a.x[aBase + i * a.ld + kk];
                CpuVec.axpy(aik, b.x, bBase + kk * b.ld, acc, 0, n);
            }
            CpuVec.scaleStore(c.x, cBase + i * c.ld, alpha, acc, beta, n);
        }
    }

    /**
     * B_p stored as (n, k) with its ld, packed into a new row-major (k, n) per batch entry; a batch-shared B
     * (stride 0) is packed once.
     */
    private static Operand packTransposed(CpuParallel par, Operand b, int k, int n, int batch) {
        int size = k * n;
        int copies = b.stride == 0 ? 1 : batch;
        if ((long) copies * size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("gemm: transposed b of " + copies + " x " + size
                    + " elements is too large to pack");
        }
        float[] packed = new float[Math.max(1, copies * size)]; // (batch, K, Nc)
        par.forEach(copies, (long) copies * size, p -> {
            int src = (int) (b.off + p * b.stride);
            int dst = p * size;
            for (int j = 0; j < n; j++) {
                int row = src + j * b.ld;
                for (int kk = 0; kk < k; kk++) {
                    packed[dst + kk * n + j] = b.x[row + kk];
                }
            }
        });
        return new Operand(packed, 0, n, copies == 1 ? 0 : size);
    }
}
