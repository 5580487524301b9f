package org.samplex.backend.cuda;

import static org.samplex.api.KernelChecks.checkColumns;
import static org.samplex.api.KernelChecks.checkIndices;
import static org.samplex.api.KernelChecks.positive;
import static org.samplex.api.KernelChecks.totalWidth;
import static org.samplex.backend.cuda.CudaChecks.attentionShape;

import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;

/**
 * The cuda backend: float32 on one NVIDIA GPU. GEMMs go to cuBLAS (TF32 only when the option "tf32" asks for it);
 * every other kernel is ours, CUDA C compiled by NVRTC for the device (resources {@code *.cu} beside this class).
 * Each method checks its arguments with the host backends' messages before anything is queued, then launches on
 * the default stream; copies to the host wait for the queued work. Reductions run in a fixed order and no kernel
 * uses atomics, so the same inputs give the same bits.
 */
public final class CudaBackend extends CudaMemory {
    /** Queries per attention block (warps of 32 threads); must match WARPS in attention.cu. */
    private static final int ATTENTION_WARPS = 8;
    /** Shared-memory floats of the two attention tiles together (32 KiB). */
    private static final int ATTENTION_TILE_FLOATS = 8192;

    CudaBackend(CudaDevice device) {
        super(device);
    }

    /** The device in words ("NVIDIA H200, compute capability 9.0"). */
    public String deviceName() {
        return device.describe();
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Buffer a, int lda, long strideA,
                     Buffer b, int ldb, long strideB,
                     double beta, Buffer c, int ldc, long strideC, int batch) {
        KernelChecks.GemmExtents e = KernelChecks.gemm(transA, transB, m, n, k, lda, strideA, ldb, strideB, ldc,
                strideC, batch);
        CudaBuffer ca = arg("gemm a", a, e.a());
        CudaBuffer cb = arg("gemm b", b, e.b());
        CudaBuffer cc = arg("gemm c", c, e.c());
        device.sgemm(transA, transB, m, n, k, (float) alpha, ca.address(), lda, strideA, cb.address(), ldb, strideB,
                (float) beta, cc.address(), ldc, strideC, batch);
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    public void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long size = (long) positive("biasAddForward rows", rows) * positive("biasAddForward cols", cols);
        CudaBuffer o = arg("biasAddForward out", out, size);
        CudaBuffer x = arg("biasAddForward in", in, size);
        CudaBuffer hb = arg("biasAddForward bias", bias, cols);
        run("pointwise", "bias_add_forward", size, o.address(), x.address(), hb.address(), rows, cols);
    }

    @Override
    public void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long size = (long) positive("biasAddBackward rows", rows) * positive("biasAddBackward cols", cols);
        CudaBuffer dx = optional("biasAddBackward dIn", dIn, size);
        CudaBuffer db = optional("biasAddBackward dBias", dBias, cols);
        CudaBuffer dy = arg("biasAddBackward dOut", dOut, size);
        if (dx != null) {
            run("pointwise", "add_backward", size, dx.address(), 0L, dy.address(), size);
        }
        if (db != null) {
            device.launch("pointwise", "bias_add_backward_bias", (cols + 31) / 32, 1, 1, THREADS, 0, db.address(),
                    dy.address(), rows, cols);
        }
    }

    @Override
    public void activationForward(Activation f, Buffer out, Buffer in, long n) {
        int size = positive("activationForward n", n);
        CudaBuffer o = arg("activationForward out", out, size);
        CudaBuffer x = arg("activationForward in", in, size);
        run("pointwise", "activation_forward", size, f.ordinal(), o.address(), x.address(), (long) size);
    }

    @Override
    public void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        int size = positive("activationBackward n", n);
        CudaBuffer dx = optional("activationBackward dIn", dIn, size);
        CudaBuffer dy = arg("activationBackward dOut", dOut, size);
        CudaBuffer x = arg("activationBackward in", in, size);
        CudaBuffer y = arg("activationBackward out", out, size);
        if (dx != null) {
            run("pointwise", "activation_backward", size, f.ordinal(), dx.address(), dy.address(), x.address(),
                    y.address(), (long) size);
        }
    }

    @Override
    public void addForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("addForward n", n);
        CudaBuffer o = arg("addForward out", out, size);
        CudaBuffer x = arg("addForward a", a, size);
        CudaBuffer y = arg("addForward b", b, size);
        run("pointwise", "add_forward", size, o.address(), x.address(), y.address(), (long) size);
    }

    @Override
    public void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        int size = positive("addBackward n", n);
        CudaBuffer da = optional("addBackward dA", dA, size);
        CudaBuffer db = optional("addBackward dB", dB, size);
        CudaBuffer dy = arg("addBackward dOut", dOut, size);
        if (da != null || db != null) {
            run("pointwise", "add_backward", size, ptr(da), ptr(db), dy.address(), (long) size);
        }
    }

    @Override
    public void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("mulForward n", n);
        CudaBuffer o = arg("mulForward out", out, size);
        CudaBuffer x = arg("mulForward a", a, size);
        CudaBuffer y = arg("mulForward b", b, size);
        run("pointwise", "mul_forward", size, o.address(), x.address(), y.address(), (long) size);
    }

    @Override
    public void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        int size = positive("mulBackward n", n);
        CudaBuffer da = optional("mulBackward dA", dA, size);
        CudaBuffer db = optional("mulBackward dB", dB, size);
        CudaBuffer dy = arg("mulBackward dOut", dOut, size);
        CudaBuffer x = arg("mulBackward a", a, size);
        CudaBuffer y = arg("mulBackward b", b, size);
        if (da != null || db != null) {
            run("pointwise", "mul_backward", size, ptr(da), ptr(db), dy.address(), x.address(), y.address(),
                    (long) size);
        }
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /** Rows of keys (or queries) per shared-memory tile: two tiles of (tile, hd) floats fit 32 KiB. */
    private static int attentionTile(int headWidth, int positions) {
        return Math.max(1, Math.min(Math.min(64, positions), ATTENTION_TILE_FLOATS / 2 / headWidth));
    }

    @Override
    public void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        attentionShape("attentionForward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        CudaBuffer o = arg("attentionForward out", out, size);
        CudaBuffer l = arg("attentionForward lse", lse, (long) batch * heads * positions);
        CudaBuffer cq = arg("attentionForward q", q, size);
        CudaBuffer ck = arg("attentionForward k", k, size);
        CudaBuffer cv = arg("attentionForward v", v, size);
        int tile = attentionTile(headWidth, positions);
        device.launch("attention", "attention_forward", (positions + ATTENTION_WARPS - 1) / ATTENTION_WARPS, heads,
                batch, 32 * ATTENTION_WARPS, 2 * tile * headWidth * 4, o.address(), l.address(), cq.address(),
                ck.address(), cv.address(), positions, heads, headWidth, (float) scale, causal ? 1 : 0, tile);
    }

    @Override
    public void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                  Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        attentionShape("attentionBackward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        CudaBuffer dq = optional("attentionBackward dQ", dQ, size);
        CudaBuffer dk = optional("attentionBackward dK", dK, size);
        CudaBuffer dv = optional("attentionBackward dV", dV, size);
        CudaBuffer dy = arg("attentionBackward dOut", dOut, size);
        CudaBuffer cq = arg("attentionBackward q", q, size);
        CudaBuffer ck = arg("attentionBackward k", k, size);
        CudaBuffer cv = arg("attentionBackward v", v, size);
        CudaBuffer o = arg("attentionBackward out", out, size);
        CudaBuffer l = arg("attentionBackward lse", lse, (long) batch * heads * positions);
        if (dq == null && dk == null && dv == null) {
            return;
        }
        int gridX = (positions + ATTENTION_WARPS - 1) / ATTENTION_WARPS;
        int threads = 32 * ATTENTION_WARPS;
        int tile = attentionTile(headWidth, positions);
        int shared = 2 * tile * headWidth * 4;
        // D (B, H, N) = rowsum(dOut * out), in the scratch block
        long delta = device.scratch(4L * batch * heads * positions);
        device.launch("attention", "attention_backward_delta", gridX, heads, batch, threads, 0, delta, dy.address(),
                o.address(), positions, heads, headWidth);
        if (dq != null) {
            device.launch("attention", "attention_backward_dq", gridX, heads, batch, threads, shared, dq.address(),
                    dy.address(), cq.address(), ck.address(), cv.address(), l.address(), delta, positions, heads,
                    headWidth, (float) scale, causal ? 1 : 0, tile);
        }
        if (dk != null || dv != null) {
            device.launch("attention", "attention_backward_dkdv", gridX, heads, batch, threads, shared, ptr(dk),
                    ptr(dv), dy.address(), cq.address(), ck.address(), cv.address(), l.address(), delta, positions,
                    heads, headWidth, (float) scale, causal ? 1 : 0, tile);
        }
    }

    // ---- recurrent cells --------------------------------------------------------------------------------------

    @Override
    public void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellForward batch", batch) * positive("gruCellForward hidden", hidden);
        CudaBuffer hn = arg("gruCellForward hNew", hNew, size);
        CudaBuffer g = arg("gruCellForward gates", gates, 3 * size);
        CudaBuffer xi = arg("gruCellForward gi", gi, 3 * size);
        CudaBuffer xh = arg("gruCellForward gh", gh, 3 * size);
        CudaBuffer hp = arg("gruCellForward hPrev", hPrev, size);
        run("recurrent", "gru_cell_forward", size, hn.address(), g.address(), xi.address(), xh.address(),
                hp.address(), batch, hidden);
    }

    @Override
    public void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellBackward batch", batch) * positive("gruCellBackward hidden", hidden);
        CudaBuffer dxi = optional("gruCellBackward dGi", dGi, 3 * size);
        CudaBuffer dxh = optional("gruCellBackward dGh", dGh, 3 * size);
        CudaBuffer dhp = optional("gruCellBackward dHPrev", dHPrev, size);
        CudaBuffer dhn = arg("gruCellBackward dHNew", dHNew, size);
        CudaBuffer g = arg("gruCellBackward gates", gates, 3 * size);
        CudaBuffer xh = arg("gruCellBackward gh", gh, 3 * size);
        CudaBuffer hp = arg("gruCellBackward hPrev", hPrev, size);
        run("recurrent", "gru_cell_backward", size, ptr(dxi), ptr(dxh), ptr(dhp), dhn.address(), g.address(),
                xh.address(), hp.address(), batch, hidden);
    }

    @Override
    public void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                int batch, int hidden) {
        long size = (long) positive("lstmCellForward batch", batch) * positive("lstmCellForward hidden", hidden);
        CudaBuffer hn = arg("lstmCellForward hNew", hNew, size);
        CudaBuffer cn = arg("lstmCellForward cNew", cNew, size);
        CudaBuffer g = arg("lstmCellForward gates", gates, 4 * size);
        CudaBuffer xi = arg("lstmCellForward gi", gi, 4 * size);
        CudaBuffer xh = arg("lstmCellForward gh", gh, 4 * size);
        CudaBuffer cp = arg("lstmCellForward cPrev", cPrev, size);
        run("recurrent", "lstm_cell_forward", size, hn.address(), cn.address(), g.address(), xi.address(),
                xh.address(), cp.address(), batch, hidden);
    }

    @Override
    public void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                 Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long size = (long) positive("lstmCellBackward batch", batch) * positive("lstmCellBackward hidden", hidden);
        CudaBuffer dp = optional("lstmCellBackward dPre", dPre, 4 * size);
        CudaBuffer dcp = optional("lstmCellBackward dCPrev", dCPrev, size);
        CudaBuffer dhn = arg("lstmCellBackward dHNew", dHNew, size);
        CudaBuffer dcn = optional("lstmCellBackward dCNew", dCNew, size);
        CudaBuffer g = arg("lstmCellBackward gates", gates, 4 * size);
        CudaBuffer cp = arg("lstmCellBackward cPrev", cPrev, size);
        CudaBuffer cn = arg("lstmCellBackward cNew", cNew, size);
        run("recurrent", "lstm_cell_backward", size, ptr(dp), ptr(dcp), dhn.address(), ptr(dcn), g.address(),
                cp.address(), cn.address(), batch, hidden);
    }

    // ---- linear scan --------------------------------------------------------------------------------------------

    @Override
    public void scanForward(Buffer h, Buffer a, Buffer b, int batch, int positions, int channels, boolean reverse) {
        long size = KernelChecks.scanShape("scanForward", batch, positions, channels);
        CudaBuffer ch = arg("scanForward h", h, size);
        CudaBuffer ca = arg("scanForward a", a, size);
        CudaBuffer cb = arg("scanForward b", b, size);
        run("recurrent", "scan_forward", (long) batch * channels, ch.address(), ca.address(), cb.address(), batch,
                positions, channels, reverse ? 1 : 0);
    }

    @Override
    public void scanBackward(Buffer dA, Buffer dB, Buffer dH, Buffer a, Buffer h, int batch, int positions,
                             int channels, boolean reverse) {
        long size = KernelChecks.scanShape("scanBackward", batch, positions, channels);
        CudaBuffer da = optional("scanBackward dA", dA, size);
        CudaBuffer db = optional("scanBackward dB", dB, size);
        CudaBuffer dh = arg("scanBackward dH", dH, size);
        CudaBuffer ca = arg("scanBackward a", a, size);
        CudaBuffer ch = arg("scanBackward h", h, size);
        if (da != null || db != null) {
            run("recurrent", "scan_backward", (long) batch * channels, ptr(da), ptr(db), dh.address(), ca.address(),
                    ch.address(), batch, positions, channels, reverse ? 1 : 0);
        }
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    public void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        int size = positive("mseForward n", n);
        CudaBuffer l = arg("mseForward loss", loss, 1);
        CudaBuffer p = arg("mseForward pred", pred, size);
        CudaBuffer t = arg("mseForward target", target, size);
        // one block: the fixed-shape reduction needs all partial sums in one block's shared memory
        device.launch("pointwise", "mse_forward", 1, 1, 1, THREADS, 0, l.address(), p.address(), t.address(),
                (long) size);
    }

    @Override
    public void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        int size = positive("mseBackward n", n);
        CudaBuffer dp = optional("mseBackward dPred", dPred, size);
        CudaBuffer dl = arg("mseBackward dLoss", dLoss, 1);
        CudaBuffer p = arg("mseBackward pred", pred, size);
        CudaBuffer t = arg("mseBackward target", target, size);
        if (dp != null) {
            run("pointwise", "mse_backward", size, dp.address(), dl.address(), p.address(), t.address(), (long) size);
        }
    }

    @Override
    public void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                            double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        int size = positive("adamwUpdate n", n);
        if (step < 1) {
            throw new IllegalArgumentException("adamwUpdate step counts from 1, got " + step);
        }
        CudaBuffer p = arg("adamwUpdate param", param, size);
        CudaBuffer g = arg("adamwUpdate grad", grad, size);
        CudaBuffer cm = arg("adamwUpdate m", m, size);
        CudaBuffer cv = arg("adamwUpdate v", v, size);
        double stepSize = lr / (1.0 - Math.pow(beta1, step));
        double correction2 = Math.sqrt(1.0 - Math.pow(beta2, step));
        run("pointwise", "adamw_update", size, p.address(), g.address(), cm.address(), cv.address(), (long) size, lr,
                beta1, beta2, eps, weightDecay, stepSize, correction2);
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    public void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsForward n", n) * positive("gatherRowsForward width", width);
        CudaBuffer o = arg("gatherRowsForward out", out, size);
        CudaBuffer t = arg("gatherRowsForward table", table, width);
        CudaBuffer idx = arg("gatherRowsForward index", index, DType.INT32, n);
        checkIndices("gatherRowsForward index", readInts(idx, n), (int) (t.length / width));
        run("layout", "gather_rows_forward", size, o.address(), t.address(), idx.address(), n, width);
    }

    @Override
    public void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsBackward n", n) * positive("gatherRowsBackward width", width);
        CudaBuffer dt = optional("gatherRowsBackward dTable", dTable, width);
        CudaBuffer dy = arg("gatherRowsBackward dOut", dOut, size);
        CudaBuffer idx = arg("gatherRowsBackward index", index, DType.INT32, n);
        if (dt == null) {
            // nothing to add into, so the indices are never read
            return;
        }
        int rows = (int) (dt.length / width);
        int[] indices = readInts(idx, n);
        checkIndices("gatherRowsBackward index", indices, rows);
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
        run("layout", "gather_rows_backward", (long) rows * width, dt.address(), dy.address(), scratch,
                scratch + 4L * (rows + 1), rows, width);
    }

    @Override
    public void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        positive("concatLastForward rows", rows);
        int total = totalWidth("concatLastForward", parts.size(), widths);
        CudaBuffer o = arg("concatLastForward out", out, (long) rows * total);
        CudaBuffer[] checked = new CudaBuffer[parts.size()];
        for (int p = 0; p < checked.length; p++) {
            checked[p] = arg("concatLastForward parts[" + p + "]", parts.get(p), (long) rows * widths[p]);
        }
        int col = 0;
        for (int p = 0; p < checked.length; p++) {
            copyColumns(o, total, col, checked[p], widths[p], 0, rows, widths[p], false);
            col += widths[p];
        }
    }

    @Override
    public void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        positive("concatLastBackward rows", rows);
        int total = totalWidth("concatLastBackward", dParts.size(), widths);
        CudaBuffer dy = arg("concatLastBackward dOut", dOut, (long) rows * total);
        CudaBuffer[] checked = new CudaBuffer[dParts.size()];
        for (int p = 0; p < checked.length; p++) {
            checked[p] = optional("concatLastBackward dParts[" + p + "]", dParts.get(p), (long) rows * widths[p]);
        }
        int col = 0;
        for (int p = 0; p < checked.length; p++) {
            if (checked[p] != null) {
                copyColumns(checked[p], widths[p], 0, dy, total, col, rows, widths[p], true);
            }
            col += widths[p];
        }
    }

    @Override
    public void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastForward", rows, inWidth, col0, width);
        CudaBuffer o = arg("sliceLastForward out", out, (long) rows * width);
        CudaBuffer x = arg("sliceLastForward in", in, (long) rows * inWidth);
        copyColumns(o, width, 0, x, inWidth, col0, rows, width, false);
    }

    @Override
    public void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastBackward", rows, inWidth, col0, width);
        CudaBuffer dx = optional("sliceLastBackward dIn", dIn, (long) rows * inWidth);
        CudaBuffer dy = arg("sliceLastBackward dOut", dOut, (long) rows * width);
        if (dx != null) {
            copyColumns(dx, inWidth, col0, dy, width, 0, rows, width, true);
        }
    }

    /** Columns of dst (rows, dstWidth) from dst0 = (or +=) columns of src (rows, srcWidth) from src0. */
    private void copyColumns(CudaBuffer dst, int dstWidth, int dst0, CudaBuffer src, int srcWidth, int src0,
                             int rows, int width, boolean accumulate) {
        run("layout", "copy_columns", (long) rows * width, dst.address(), dstWidth, dst0, src.address(), srcWidth,
                src0, rows, width, accumulate ? 1 : 0);
    }
}
