package org.samplex.backend.cuda;

import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.samplex.api.Activation;
import org.samplex.api.QstrPrompts;
import org.samplex.api.rng.RngStream;

/**
 * The cuda backend: float32 on one NVIDIA GPU. GEMMs go to cuBLAS (TF32 only when the option "tf32" asks for it);
 * every other kernel is ours, CUDA C compiled by NVRTC for the device (resources {@code *.cu} beside this class).
 * Api's {@link org.samplex.api.CheckedBackend} checks each call's arguments with the host backends' messages before
 * anything is queued; the hooks here launch on the default stream, and copies to the host wait for the queued work.
 * Reductions run in a fixed order and no kernel uses atomics, so the same inputs give the same bits.
 */
public final class CudaBackend extends CudaMemory {
    /** Queries per attention block (warps of 32 threads); must match WARPS in attention.cu. */
    private static final int ATTENTION_WARPS = 8;
    /** Shared-memory floats of the two attention tiles together (32 KiB). */
    private static final int ATTENTION_TILE_FLOATS = 8192;
    /** Head widths the attention kernels hold in registers: 8 chunks of a warp's 32 lanes. */
    static final int MAX_HEAD_WIDTH = 256;

    CudaBackend(CudaDevice device) {
        super(device);
    }

    /** The device in words ("NVIDIA H200, compute capability 9.0"). */
    public String deviceName() {
        return device.describe();
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              double alpha, CudaBuffer a, int lda, long strideA,
                              CudaBuffer b, int ldb, long strideB,
                              double beta, CudaBuffer c, int ldc, long strideC, int batch) {
        device.sgemm(transA, transB, m, n, k, (float) alpha, a.address(), lda, strideA, b.address(), ldb, strideB,
                (float) beta, c.address(), ldc, strideC, batch);
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    protected void biasAddForwardKernel(CudaBuffer out, CudaBuffer in, CudaBuffer bias, int rows, int cols) {
        run("pointwise", "bias_add_forward", (long) rows * cols, out.address(), in.address(), bias.address(), rows,
                cols);
    }

    @Override
    protected void biasAddBackwardKernel(CudaBuffer dIn, CudaBuffer dBias, CudaBuffer dOut, int rows, int cols) {
        long size = (long) rows * cols;
        if (dIn != null) {
            run("pointwise", "add_backward", size, dIn.address(), 0L, dOut.address(), size);
        }
        if (dBias != null) {
            device.launch("pointwise", "bias_add_backward_bias", (cols + 31) / 32, 1, 1, THREADS, 0,
                    dBias.address(), dOut.address(), rows, cols);
        }
    }

    @Override
    protected void activationForwardKernel(Activation f, CudaBuffer out, CudaBuffer in, int n) {
        run("pointwise", "activation_forward", n, f.ordinal(), out.address(), in.address(), (long) n);
    }

    @Override
    protected void activationBackwardKernel(Activation f, CudaBuffer dIn, CudaBuffer dOut, CudaBuffer in,
                                            CudaBuffer out, int n) {
        if (dIn != null) {
            run("pointwise", "activation_backward", n, f.ordinal(), dIn.address(), dOut.address(), in.address(),
                    out.address(), (long) n);
        }
    }

    @Override
    protected void addForwardKernel(CudaBuffer out, CudaBuffer a, CudaBuffer b, int n) {
        run("pointwise", "add_forward", n, out.address(), a.address(), b.address(), (long) n);
    }

    @Override
    protected void addBackwardKernel(CudaBuffer dA, CudaBuffer dB, CudaBuffer dOut, int n) {
        if (dA != null || dB != null) {
            run("pointwise", "add_backward", n, ptr(dA), ptr(dB), dOut.address(), (long) n);
        }
    }

    @Override
    protected void mulForwardKernel(CudaBuffer out, CudaBuffer a, CudaBuffer b, int n) {
        run("pointwise", "mul_forward", n, out.address(), a.address(), b.address(), (long) n);
    }

    @Override
    protected void mulBackwardKernel(CudaBuffer dA, CudaBuffer dB, CudaBuffer dOut, CudaBuffer a, CudaBuffer b,
                                     int n) {
        if (dA != null || dB != null) {
            run("pointwise", "mul_backward", n, ptr(dA), ptr(dB), dOut.address(), a.address(), b.address(),
                    (long) n);
        }
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /** The shared checks, and a head width the kernels hold. */
    @Override
    protected void checkAttentionShape(String kernel, int batch, int positions, int heads, int headWidth) {
        super.checkAttentionShape(kernel, batch, positions, heads, headWidth);
        if (headWidth > MAX_HEAD_WIDTH) {
            throw new IllegalArgumentException(kernel + " headWidth must be at most " + MAX_HEAD_WIDTH
                    + " on the cuda backend, got " + headWidth);
        }
    }

    /** Rows of keys (or queries) per shared-memory tile: two tiles of (tile, hd) floats fit 32 KiB. */
    private static int attentionTile(int headWidth, int positions) {
        return Math.max(1, Math.min(Math.min(64, positions), ATTENTION_TILE_FLOATS / 2 / headWidth));
    }

    @Override
    protected void attentionForwardKernel(CudaBuffer out, CudaBuffer lse, CudaBuffer q, CudaBuffer k, CudaBuffer v,
                                          int batch, int positions, int heads, int headWidth, double scale,
                                          boolean causal) {
        int tile = attentionTile(headWidth, positions);
        device.launch("attention", "attention_forward", (positions + ATTENTION_WARPS - 1) / ATTENTION_WARPS, heads,
                batch, 32 * ATTENTION_WARPS, 2 * tile * headWidth * 4, out.address(), lse.address(), q.address(),
                k.address(), v.address(), positions, heads, headWidth, (float) scale, causal ? 1 : 0, tile);
    }

    @Override
    protected void attentionBackwardKernel(CudaBuffer dQ, CudaBuffer dK, CudaBuffer dV, CudaBuffer dOut,
                                           CudaBuffer q, CudaBuffer k, CudaBuffer v, CudaBuffer out, CudaBuffer lse,
                                           int batch, int positions, int heads, int headWidth, double scale,
                                           boolean causal) {
        int gridX = (positions + ATTENTION_WARPS - 1) / ATTENTION_WARPS;
        int threads = 32 * ATTENTION_WARPS;
        int tile = attentionTile(headWidth, positions);
        int shared = 2 * tile * headWidth * 4;
        // D (B, H, N) = rowsum(dOut * out), in the scratch block
        long delta = device.scratch(4L * batch * heads * positions);
        device.launch("attention", "attention_backward_delta", gridX, heads, batch, threads, 0, delta,
                dOut.address(), out.address(), positions, heads, headWidth);
        if (dQ != null) {
            device.launch("attention", "attention_backward_dq", gridX, heads, batch, threads, shared, dQ.address(),
                    dOut.address(), q.address(), k.address(), v.address(), lse.address(), delta, positions, heads,
                    headWidth, (float) scale, causal ? 1 : 0, tile);
        }
        if (dK != null || dV != null) {
            device.launch("attention", "attention_backward_dkdv", gridX, heads, batch, threads, shared, ptr(dK),
                    ptr(dV), dOut.address(), q.address(), k.address(), v.address(), lse.address(), delta, positions,
                    heads, headWidth, (float) scale, causal ? 1 : 0, tile);
        }
    }

    // ---- recurrent cells --------------------------------------------------------------------------------------

    @Override
    protected void gruCellForwardKernel(CudaBuffer hNew, CudaBuffer gates, CudaBuffer gi, CudaBuffer gh,
                                        CudaBuffer hPrev, int batch, int hidden) {
        run("recurrent", "gru_cell_forward", (long) batch * hidden, hNew.address(), gates.address(), gi.address(),
                gh.address(), hPrev.address(), batch, hidden);
    }

    @Override
    protected void gruCellBackwardKernel(CudaBuffer dGi, CudaBuffer dGh, CudaBuffer dHPrev, CudaBuffer dHNew,
                                         CudaBuffer gates, CudaBuffer gh, CudaBuffer hPrev, int batch, int hidden) {
        run("recurrent", "gru_cell_backward", (long) batch * hidden, ptr(dGi), ptr(dGh), ptr(dHPrev),
                dHNew.address(), gates.address(), gh.address(), hPrev.address(), batch, hidden);
    }

    /** One launch (recurrent.cu's gru_step_forward). */
    @Override
    protected void gruStepForwardKernel(CudaBuffer hNew, CudaBuffer gates, CudaBuffer giT, CudaBuffer ghb,
                                        CudaBuffer gi, int giWidth, int giOffset, CudaBuffer gh, CudaBuffer biasHh,
                                        CudaBuffer hPrev, int batch, int hidden) {
        run("recurrent", "gru_step_forward", (long) batch * hidden, hNew.address(), gates.address(), giT.address(),
                ghb.address(), gi.address(), giWidth, giOffset, gh.address(), ptr(biasHh), hPrev.address(), batch, hidden);
    }

    /** One launch (gru_step_backward); dGiT is not needed. */
    @Override
    protected void gruStepBackwardKernel(CudaBuffer dGi, CudaBuffer dGiT, int giWidth, int giOffset, CudaBuffer dGhb,
                                         CudaBuffer dHPrev, CudaBuffer dHNew, CudaBuffer gates, CudaBuffer ghb,
                                         CudaBuffer hPrev, int batch, int hidden) {
        run("recurrent", "gru_step_backward", (long) batch * hidden, ptr(dGi), giWidth, giOffset, ptr(dGhb),
                ptr(dHPrev), dHNew.address(), gates.address(), ghb.address(), hPrev.address(), batch, hidden);
    }

    @Override
    protected void lstmCellForwardKernel(CudaBuffer hNew, CudaBuffer cNew, CudaBuffer gates, CudaBuffer gi,
                                         CudaBuffer gh, CudaBuffer cPrev, int batch, int hidden) {
        run("recurrent", "lstm_cell_forward", (long) batch * hidden, hNew.address(), cNew.address(),
                gates.address(), gi.address(), gh.address(), cPrev.address(), batch, hidden);
    }

    @Override
    protected void lstmCellBackwardKernel(CudaBuffer dPre, CudaBuffer dCPrev, CudaBuffer dHNew, CudaBuffer dCNew,
                                          CudaBuffer gates, CudaBuffer cPrev, CudaBuffer cNew, int batch,
                                          int hidden) {
        run("recurrent", "lstm_cell_backward", (long) batch * hidden, ptr(dPre), ptr(dCPrev), dHNew.address(),
                ptr(dCNew), gates.address(), cPrev.address(), cNew.address(), batch, hidden);
    }

    // ---- linear scan --------------------------------------------------------------------------------------------

    @Override
    protected void scanForwardKernel(CudaBuffer h, CudaBuffer a, CudaBuffer b, int batch, int positions,
                                     int channels, boolean reverse) {
        run("recurrent", "scan_forward", (long) batch * channels, h.address(), a.address(), b.address(), batch,
                positions, channels, reverse ? 1 : 0);
    }

    @Override
    protected void scanBackwardKernel(CudaBuffer dA, CudaBuffer dB, CudaBuffer dH, CudaBuffer a, CudaBuffer h,
                                      int batch, int positions, int channels, boolean reverse) {
        run("recurrent", "scan_backward", (long) batch * channels, ptr(dA), ptr(dB), dH.address(), a.address(),
                h.address(), batch, positions, channels, reverse ? 1 : 0);
    }

    // ---- task data --------------------------------------------------------------------------------------------

    /** qSTR prompts come from qstr.cu, so a run's prompts never cross from the host. */
    @Override
    public boolean generatesQstr() {
        return true;
    }

    @Override
    protected void qstrPromptsKernel(QstrPrompts task, CudaBuffer input, CudaBuffer labels, RngStream stream,
                                     long first, int count) {
        qstr.generate(this, task, input, labels, stream, first, count);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    protected void mseForwardKernel(CudaBuffer loss, CudaBuffer pred, CudaBuffer target, int n) {
        // one block: the fixed-shape reduction needs all partial sums in one block's shared memory
        device.launch("pointwise", "mse_forward", 1, 1, 1, THREADS, 0, loss.address(), pred.address(),
                target.address(), (long) n);
    }

    @Override
    protected void mseBackwardKernel(CudaBuffer dPred, CudaBuffer dLoss, CudaBuffer pred, CudaBuffer target, int n) {
        if (dPred != null) {
            run("pointwise", "mse_backward", n, dPred.address(), dLoss.address(), pred.address(), target.address(),
                    (long) n);
        }
    }

    @Override
    protected void adamwUpdateKernel(CudaBuffer param, CudaBuffer grad, CudaBuffer m, CudaBuffer v, int n,
                                     double lr, double beta1, double beta2, double eps, double weightDecay,
                                     long step) {
        double stepSize = lr / (1.0 - Math.pow(beta1, step));
        double correction2 = Math.sqrt(1.0 - Math.pow(beta2, step));
        run("pointwise", "adamw_update", n, param.address(), grad.address(), m.address(), v.address(), (long) n, lr,
                beta1, beta2, eps, weightDecay, stepSize, correction2);
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    protected void gatherRowsForwardKernel(CudaBuffer out, CudaBuffer table, CudaBuffer index, int n, int width) {
        run("layout", "gather_rows_forward", (long) n * width, out.address(), table.address(), index.address(), n,
                width);
    }

    /** Uses the indices {@link #checkIndices} read to the host. */
    @Override
    protected void gatherRowsBackwardKernel(CudaBuffer dTable, CudaBuffer dOut, CudaBuffer index, int n,
                                            int width) {
        int rows = (int) (dTable.length / width);
        int[] indices = checkedIndices;
        // rows r grouped by index (counting sort, stable): each table row then sums its rows in increasing r
        int[] groups = new int[rows + 1 + n];
        for (int r : indices) {
            groups[r + 1]++;
        }
        for (int t = 0; t < rows; t++) {
            groups[t + 1] += groups[t];
        }
        int[] next = java.util.Arrays.copyOf(groups, rows);
        for (int r = 0; r < n; r++) {
            groups[rows + 1 + next[indices[r]]++] = r;
        }
        long scratch = device.scratch(4L * groups.length);
        try (IntPointer host = new IntPointer(groups)) {
            device.toDevice(scratch, host, 4L * groups.length);
        }
        run("layout", "gather_rows_backward", (long) rows * width, dTable.address(), dOut.address(), scratch,
                scratch + 4L * (rows + 1), rows, width);
    }

    @Override
    protected void concatLastForwardKernel(CudaBuffer out, List<CudaBuffer> parts, int rows, int[] widths,
                                           int total) {
        int col = 0;
        for (int p = 0; p < parts.size(); p++) {
            copyColumns(out, total, col, parts.get(p), widths[p], 0, rows, widths[p], false);
            col += widths[p];
        }
    }

    @Override
    protected void concatLastBackwardKernel(List<CudaBuffer> dParts, CudaBuffer dOut, int rows, int[] widths,
                                            int total) {
        int col = 0;
        for (int p = 0; p < dParts.size(); p++) {
            if (dParts.get(p) != null) {
                copyColumns(dParts.get(p), widths[p], 0, dOut, total, col, rows, widths[p], true);
            }
            col += widths[p];
        }
    }

    @Override
    protected void sliceLastForwardKernel(CudaBuffer out, CudaBuffer in, int rows, int inWidth, int col0,
                                          int width) {
        copyColumns(out, width, 0, in, inWidth, col0, rows, width, false);
    }

    @Override
    protected void sliceLastBackwardKernel(CudaBuffer dIn, CudaBuffer dOut, int rows, int inWidth, int col0,
                                           int width) {
        if (dIn != null) {
            copyColumns(dIn, inWidth, col0, dOut, width, 0, rows, width, true);
        }
    }

    /** Columns of dst (rows, dstWidth) from dst0 = (or +=) columns of src (rows, srcWidth) from src0. */
    private void copyColumns(CudaBuffer dst, int dstWidth, int dst0, CudaBuffer src, int srcWidth, int src0,
                             int rows, int width, boolean accumulate) {
        run("layout", "copy_columns", (long) rows * width, dst.address(), dstWidth, dst0, src.address(), srcWidth,
                src0, rows, width, accumulate ? 1 : 0);
    }
}
