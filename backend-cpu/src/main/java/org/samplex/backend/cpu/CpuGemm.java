package org.samplex.backend.cpu;

import java.util.function.IntConsumer;

/**
 * Float32 strided batched gemm, {@code C_p = alpha op(A_p) op(B_p) + beta C_p}, in the GotoBLAS / BLIS layout: the
 * k dimension is cut into panels of {@link #KC}; for each panel op(B) is packed into slivers {@link #NR} columns
 * wide (zero-padded) and op(A) into slivers {@link #MR} rows tall, each row's panel contiguous (for every
 * transpose variant; a row-major A used by at most {@link #UNPACKED_A_SLIVERS} column slivers is read in place),
 * and a register-blocked micro-kernel ({@link CpuGemmTile}) multiplies one A sliver by one B sliver into MR x NR
 * accumulators (MR x 2 vectors of the preferred species) that stay in registers for the whole panel.
 *
 * <p>Parallelism: a single product (batch 1) packs B once per panel, shared, and splits the rows of C into blocks,
 * one task per block, each packing its own A block into its thread's workspace; a batch of products runs one task
 * per batch entry. Small products, and those with n below one vector, take a direct path without packing (see
 * {@link CpuGemmDirect}), also split by rows.
 *
 * <p>Determinism: on the packed path each C element is accumulated by fused multiply-adds in k order within a
 * panel, one lane of one accumulator, and the panel sums are added to C in panel order; the panel size is a
 * constant. Which path a product takes depends on its shape alone, and no path's arithmetic depends on the thread
 * count or the row blocking, so the bits are the same for every thread count (the direct path's dot products
 * also depend on the vector width, i.e. on the machine).
 *
 * <p>Allocation: none in the steady state. Packing buffers live in per-thread workspaces that grow to the largest
 * product seen and are kept; the parallel task is one reusable object per backend (calls on a backend are serial).
 */
final class CpuGemm {
    private static final int LANES = CpuVec.LANES;
    /** Rows of the micro-tile. */
    static final int MR = 6;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Depth of a k panel: an A sliver (MR x KC) and a B sliver (KC x NR) stay in L1 together. */
    static final int KC = 256;
    /** Largest row block per task: an A block (MC x KC floats) stays in L2. */
    private static final int MC = 120;
    /** Below this many multiply-adds (or with n below one vector) the direct path wins. */
    private static final long DIRECT_WORK = 1L << 13;
    /** A row-major op(A) is read in place, not packed, when C has at most this many column slivers. */
    private static final int UNPACKED_A_SLIVERS = 4;
    /** Rows of C per task on the direct path. */
    private static final int DIRECT_ROWS = 64;

    /** Per-thread packing space, grown on demand and kept. */
    private static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        /** One vector's lanes, for the direct path's dot products. */
        final float[] spill = new float[LANES];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private final CpuParallel par;
    /** The arguments of the call in progress, read by the tasks. */
    private final Call call = new Call();
    private final IntConsumer rowBlockTask = this::rowBlock;
    private final IntConsumer batchTask = this::batchEntry;
    private final IntConsumer packTask = this::packSliver;
    private final IntConsumer directTask = this::directRows;

    CpuGemm(CpuParallel par) {
        this.par = par;
    }

    /** The current call's arguments; fields rather than captured locals so that no task object is allocated. */
    static final class Call {
        boolean transA;
        boolean transB;
        int m;
        int n;
        int k;
        float alpha;
        float beta;
        float[] a;
        int aOff;
        int lda;
        long strideA;
        float[] b;
        int bOff;
        int ldb;
        long strideB;
        float[] c;
        int cOff;
        int ldc;
        long strideC;
        // the panel in progress (batch 1, parallel rows)
        int pc;
        int kc;
        int rowsPerBlock;
        float[] packedB;

        void clear() {
            a = null;
            b = null;
            c = null;
            packedB = null;
        }
    }

    /**
     * Operand X is {@code x[xOff + p * strideX + row * ldx + col]}. Sizes are positive and the operands long
     * enough (checked by the caller).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB, float beta,
              float[] c, int cOff, int ldc, long strideC, int batch) {
        Call s = call;
        s.transA = transA;
        s.transB = transB;
        s.m = m;
        s.n = n;
        s.k = k;
        s.alpha = alpha;
        s.beta = beta;
        s.a = a;
        s.aOff = aOff;
        s.lda = lda;
        s.strideA = strideA;
        s.b = b;
        s.bOff = bOff;
        s.ldb = ldb;
        s.strideB = strideB;
        s.c = c;
        s.cOff = cOff;
        s.ldc = ldc;
        s.strideC = strideC;
        try {
            long work = (long) m * n * k;
            boolean parallel = batch == 1 && par.threads() > 1 && work >= CpuParallel.INLINE_WORK;
            if (!parallel) {
                par.forEach(batch, work * batch, batchTask);
            } else if (direct(m, n, k)) {
                s.rowsPerBlock = DIRECT_ROWS;
                par.forEach((m + DIRECT_ROWS - 1) / DIRECT_ROWS, work, directTask);
            } else {
                parallelRows();
            }
        } finally {
            s.clear();
        }
    }

    private static boolean direct(int m, int n, int k) {
        return n < LANES || (long) m * n * k < DIRECT_WORK;
    }

    // ---- one product per task ----------------------------------------------------------------------------------

    /** Batch entry p, start to end on this thread. */
    private void batchEntry(int p) {
        Call s = call;
        int aBase = (int) (s.aOff + p * s.strideA);
        int bBase = (int) (s.bOff + p * s.strideB);
        int cBase = (int) (s.cOff + p * s.strideC);
        if (direct(s.m, s.n, s.k)) {
            CpuGemmDirect.rows(s, aBase, bBase, cBase, 0, s.m, WORKSPACE.get().spill);
            return;
        }
        Workspace ws = WORKSPACE.get();
        int slivers = (s.n + NR - 1) / NR;
        for (int pc = 0; pc < s.k; pc += KC) {
            int kc = Math.min(KC, s.k - pc);
            float[] pb = ws.b(slivers * kc * NR);
            for (int j = 0; j < slivers; j++) {
                packB(s, bBase, pc, kc, j, pb);
            }
            for (int i0 = 0; i0 < s.m; i0 += MC) {
                block(s, ws, aBase, cBase, pc, kc, pb, i0, Math.min(s.m, i0 + MC));
            }
        }
    }

    // ---- one product, rows split across threads ----------------------------------------------------------------

    private void parallelRows() {
        Call s = call;
        int threads = par.threads();
        // enough blocks to balance the threads, none taller than MC, each a whole number of slivers
        int blocks = Math.max(threads, (s.m + MC - 1) / MC);
        blocks = (blocks + threads - 1) / threads * threads;
        int rows = (s.m + blocks - 1) / blocks;
        s.rowsPerBlock = Math.max(MR, (rows + MR - 1) / MR * MR);
        int rowBlocks = (s.m + s.rowsPerBlock - 1) / s.rowsPerBlock;
        int slivers = (s.n + NR - 1) / NR;
        Workspace ws = WORKSPACE.get();
        for (int pc = 0; pc < s.k; pc += KC) {
            int kc = Math.min(KC, s.k - pc);
            s.pc = pc;
            s.kc = kc;
            s.packedB = ws.b(slivers * kc * NR);
            par.forEach(slivers, (long) slivers * kc * NR, packTask);
            par.forEach(rowBlocks, (long) s.m * s.n * kc, rowBlockTask);
        }
    }

    private void packSliver(int j) {
        Call s = call;
        packB(s, s.bOff, s.pc, s.kc, j, s.packedB);
    }

    private void rowBlock(int t) {
        Call s = call;
        int i0 = t * s.rowsPerBlock;
        block(s, WORKSPACE.get(), s.aOff, s.cOff, s.pc, s.kc, s.packedB, i0, Math.min(s.m, i0 + s.rowsPerBlock));
    }

    // ---- packing -----------------------------------------------------------------------------------------------

    /** Sliver j of op(B) rows [pc, pc + kc): pb[j kc NR + kk NR + jj] = op(B)[pc + kk, j NR + jj], zero past n. */
    private static void packB(Call s, int bBase, int pc, int kc, int j, float[] pb) {
        int j0 = j * NR;
        int cols = Math.min(NR, s.n - j0);
        int dst = j * kc * NR;
        float[] b = s.b;
        if (!s.transB) {
            for (int kk = 0; kk < kc; kk++) {
                int src = bBase + (pc + kk) * s.ldb + j0;
                int d = dst + kk * NR;
                System.arraycopy(b, src, pb, d, cols);
                for (int jj = cols; jj < NR; jj++) {
                    pb[d + jj] = 0f;
                }
            }
        } else {
            for (int jj = 0; jj < cols; jj++) {
                int src = bBase + (j0 + jj) * s.ldb + pc;
                for (int kk = 0; kk < kc; kk++) {
                    pb[dst + kk * NR + jj] = b[src + kk];
                }
            }
            for (int jj = cols; jj < NR; jj++) {
                for (int kk = 0; kk < kc; kk++) {
                    pb[dst + kk * NR + jj] = 0f;
                }
            }
        }
    }

    /**
     * Rows [i0, i1) of op(A), columns [pc, pc + kc), as slivers of MR rows, each row's kc elements contiguous:
     * pa[t kc MR + r kc + kk]. A last sliver with fewer rows is not padded (the micro-kernel repeats its last row).
     */
    private static void packA(Call s, int aBase, int pc, int kc, int i0, int i1, float[] pa) {
        float[] a = s.a;
        int lda = s.lda;
        for (int t = 0, i = i0; i < i1; t++, i += MR) {
            int rows = Math.min(MR, i1 - i);
            int dst = t * kc * MR;
            if (!s.transA) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(a, aBase + (i + r) * lda + pc, pa, dst + r * kc, kc);
                }
            } else {
                for (int kk = 0; kk < kc; kk++) {
                    int src = aBase + (pc + kk) * lda + i;
                    for (int r = 0; r < rows; r++) {
                        pa[dst + r * kc + kk] = a[src + r];
                    }
                }
            }
        }
    }

    // ---- the macro- and micro-kernel ---------------------------------------------------------------------------

    /** C rows [i0, i1), all columns, panel [pc, pc + kc) with B packed in pb. */
    private static void block(Call s, Workspace ws, int aBase, int cBase, int pc, int kc, float[] pb, int i0,
                              int i1) {
        int rows = i1 - i0;
        int rowSlivers = (rows + MR - 1) / MR;
        boolean first = pc == 0;
        int colSlivers = (s.n + NR - 1) / NR;
        if (!s.transA && colSlivers <= UNPACKED_A_SLIVERS) {
            unpackedBlock(s, ws, aBase, cBase, pc, kc, pb, i0, i1, first, colSlivers);
            return;
        }
        float[] pa = ws.a(rowSlivers * kc * MR);
        packA(s, aBase, pc, kc, i0, i1, pa);
        for (int j = 0; j < colSlivers; j++) {
            int j0 = j * NR;
            int cols = Math.min(NR, s.n - j0);
            for (int t = 0; t < rowSlivers; t++) {
                int i = i0 + t * MR;
                int tileRows = Math.min(MR, i1 - i);
                int cOff = cBase + i * s.ldc + j0;
                float[] tile = ws.tile;
                CpuGemmTile.tile(kc, pa, t * kc * MR, kc, tileRows, pb, j * kc * NR, cols, tile);
                CpuGemmTile.applyTile(tile, s.c, cOff, s.ldc, tileRows, cols, s.alpha, s.beta, first);
            }
        }
    }

    /**
     * {@link #block} for a row-major op(A) used by few column slivers: A is read in place (each element is used
     * by at most {@link #UNPACKED_A_SLIVERS} tiles, so packing it would cost as much as the products); the same
     * multiply-adds in the same order as the packed micro-kernel, hence the same bits.
     */
    private static void unpackedBlock(Call s, Workspace ws, int aBase, int cBase, int pc, int kc, float[] pb,
                                      int i0, int i1, boolean first, int colSlivers) {
        float[] tile = ws.tile;
        for (int j = 0; j < colSlivers; j++) {
            int j0 = j * NR;
            int cols = Math.min(NR, s.n - j0);
            for (int i = i0; i < i1; i += MR) {
                int tileRows = Math.min(MR, i1 - i);
                CpuGemmTile.tile(kc, s.a, aBase + i * s.lda + pc, s.lda, tileRows, pb, j * kc * NR, cols, tile);
                CpuGemmTile.applyTile(tile, s.c, cBase + i * s.ldc + j0, s.ldc, tileRows, cols, s.alpha, s.beta,
                        first);
            }
        }
    }

    /** Rows block t of a single product on the direct path. */
    private void directRows(int t) {
        Call s = call;
        int i0 = t * s.rowsPerBlock;
        CpuGemmDirect.rows(s, s.aOff, s.bOff, s.cOff, i0, Math.min(s.m, i0 + s.rowsPerBlock),
                WORKSPACE.get().spill);
    }
}
