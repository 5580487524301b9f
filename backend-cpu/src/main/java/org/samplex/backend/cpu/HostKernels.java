package org.samplex.backend.cpu;

import static org.samplex.api.KernelChecks.attentionShape;
import static org.samplex.api.KernelChecks.checkColumns;
import static org.samplex.api.KernelChecks.positive;
import static org.samplex.api.KernelChecks.totalWidth;
import static org.samplex.backend.cpu.HostChecks.checkIndices;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;

/**
 * The checked entry points of the compute kernels, shared by the two host backends (the fills, which are about
 * memory, are checked the same way in {@link HostBackend}). Each public method validates its arguments before
 * anything is written: sizes must be positive and every buffer this backend's, open, of the right type and long
 * enough, else an {@link IllegalArgumentException} names the kernel and the argument (a closed backend or buffer is
 * an {@link IllegalStateException}). It then hands the checked buffers to the protected hook named after it with a
 * {@code Kernel} suffix, which only computes.
 *
 * <p>Hook contract: sizes are positive and every buffer long enough for them; a gradient buffer the caller passed as
 * null stays null and the hook skips it; backward hooks add into their gradients.
 *
 * <p>Allocation: a call whose arguments pass allocates nothing here (messages are built only on failure, list
 * arguments are checked into one reused list), so a training step's garbage is whatever the hooks allocate: none
 * on the cpu backend. Calls on a backend come from one thread at a time.
 */
abstract class HostKernels extends HostBackend {
    /** The checked parts of the concatenation in progress; emptied after each call. */
    private final List<HostBuffer> checkedParts = new ArrayList<>();

    HostKernels(String name, DType floatType) {
        super(name, floatType);
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k,
                           double alpha, Buffer a, int lda, long strideA,
                           Buffer b, int ldb, long strideB,
                           double beta, Buffer c, int ldc, long strideC, int batch) {
        // KernelChecks.gemm's checks in its order, without its record
        KernelChecks.gemmSizes(m, n, k, batch);
        long needA = KernelChecks.gemmExtentA(transA, m, k, lda, strideA, batch);
        long needB = KernelChecks.gemmExtentB(transB, n, k, ldb, strideB, batch);
        long needC = KernelChecks.gemmExtentC(m, n, ldc, strideC, batch);
        HostBuffer ha = arg("gemm a", a, needA);
        HostBuffer hb = arg("gemm b", b, needB);
        HostBuffer hc = arg("gemm c", c, needC);
        gemmKernel(transA, transB, m, n, k, alpha, ha, lda, strideA, hb, ldb, strideB, beta, hc, ldc, strideC, batch);
    }

    /** Leading dimensions cover their rows and strides are not negative. */
    protected abstract void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                       double alpha, HostBuffer a, int lda, long strideA,
                                       HostBuffer b, int ldb, long strideB,
                                       double beta, HostBuffer c, int ldc, long strideC, int batch);

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    public final void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long size = (long) positive("biasAddForward rows", rows) * positive("biasAddForward cols", cols);
        HostBuffer o = arg("biasAddForward out", out, size);
        HostBuffer x = arg("biasAddForward in", in, size);
        HostBuffer hb = arg("biasAddForward bias", bias, cols);
        biasAddForwardKernel(o, x, hb, rows, cols);
    }

    protected abstract void biasAddForwardKernel(HostBuffer out, HostBuffer in, HostBuffer bias, int rows, int cols);

    @Override
    public final void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long size = (long) positive("biasAddBackward rows", rows) * positive("biasAddBackward cols", cols);
        HostBuffer dx = optional("biasAddBackward dIn", dIn, size);
        HostBuffer db = optional("biasAddBackward dBias", dBias, cols);
        HostBuffer dy = arg("biasAddBackward dOut", dOut, size);
        biasAddBackwardKernel(dx, db, dy, rows, cols);
    }

    protected abstract void biasAddBackwardKernel(HostBuffer dIn, HostBuffer dBias, HostBuffer dOut, int rows,
                                                  int cols);

    @Override
    public final void activationForward(Activation f, Buffer out, Buffer in, long n) {
        int size = positive("activationForward n", n);
        HostBuffer o = arg("activationForward out", out, size);
        HostBuffer x = arg("activationForward in", in, size);
        activationForwardKernel(f, o, x, size);
    }

    protected abstract void activationForwardKernel(Activation f, HostBuffer out, HostBuffer in, int n);

    @Override
    public final void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        int size = positive("activationBackward n", n);
        HostBuffer dx = optional("activationBackward dIn", dIn, size);
        HostBuffer dy = arg("activationBackward dOut", dOut, size);
        HostBuffer x = arg("activationBackward in", in, size);
        HostBuffer y = arg("activationBackward out", out, size);
        activationBackwardKernel(f, dx, dy, x, y, size);
    }

    protected abstract void activationBackwardKernel(Activation f, HostBuffer dIn, HostBuffer dOut, HostBuffer in,
                                                     HostBuffer out, int n);

    @Override
    public final void biasActivationForward(Activation f, Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        if (f == null) {
            throw new IllegalArgumentException("biasActivationForward f must be one of "
                    + Arrays.toString(Activation.values()) + ", got null");
        }
        long size = (long) positive("biasActivationForward rows", rows) * positive("biasActivationForward cols", cols);
        HostBuffer o = arg("biasActivationForward out", out, size);
        HostBuffer x = arg("biasActivationForward in", in, size);
        HostBuffer hb = arg("biasActivationForward bias", bias, cols);
        biasActivationForwardKernel(f, o, x, hb, rows, cols);
    }

    /** out (rows, cols) = f(in + bias); out may be in. */
    protected abstract void biasActivationForwardKernel(Activation f, HostBuffer out, HostBuffer in, HostBuffer bias,
                                                        int rows, int cols);

    @Override
    public final void addForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("addForward n", n);
        HostBuffer o = arg("addForward out", out, size);
        HostBuffer x = arg("addForward a", a, size);
        HostBuffer y = arg("addForward b", b, size);
        addForwardKernel(o, x, y, size);
    }

    protected abstract void addForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n);

    @Override
    public final void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        int size = positive("addBackward n", n);
        HostBuffer da = optional("addBackward dA", dA, size);
        HostBuffer db = optional("addBackward dB", dB, size);
        HostBuffer dy = arg("addBackward dOut", dOut, size);
        addBackwardKernel(da, db, dy, size);
    }

    protected abstract void addBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, int n);

    @Override
    public final void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("mulForward n", n);
        HostBuffer o = arg("mulForward out", out, size);
        HostBuffer x = arg("mulForward a", a, size);
        HostBuffer y = arg("mulForward b", b, size);
        mulForwardKernel(o, x, y, size);
    }

    protected abstract void mulForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n);

    @Override
    public final void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        int size = positive("mulBackward n", n);
        HostBuffer da = optional("mulBackward dA", dA, size);
        HostBuffer db = optional("mulBackward dB", dB, size);
        HostBuffer dy = arg("mulBackward dOut", dOut, size);
        HostBuffer x = arg("mulBackward a", a, size);
        HostBuffer y = arg("mulBackward b", b, size);
        mulBackwardKernel(da, db, dy, x, y, size);
    }

    protected abstract void mulBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, HostBuffer a,
                                              HostBuffer b, int n);

    // ---- attention, recurrent cells and the scan ----------------------------------------------------------------------

    @Override
    public final void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                       int batch, int positions, int heads, int headWidth, double scale,
                                       boolean causal) {
        attentionShape("attentionForward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        HostBuffer o = arg("attentionForward out", out, size);
        HostBuffer l = arg("attentionForward lse", lse, (long) batch * heads * positions);
        HostBuffer hq = arg("attentionForward q", q, size);
        HostBuffer hk = arg("attentionForward k", k, size);
        HostBuffer hv = arg("attentionForward v", v, size);
        attentionForwardKernel(o, l, hq, hk, hv, batch, positions, heads, headWidth, scale, causal);
    }

    /** B * N * H * hd fits an int. */
    protected abstract void attentionForwardKernel(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k,
                                                   HostBuffer v, int batch, int positions, int heads,
                                                   int headWidth, double scale, boolean causal);

    @Override
    public final void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                        Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                        int batch, int positions, int heads, int headWidth, double scale,
                                        boolean causal) {
        attentionShape("attentionBackward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        HostBuffer dq = optional("attentionBackward dQ", dQ, size);
        HostBuffer dk = optional("attentionBackward dK", dK, size);
        HostBuffer dv = optional("attentionBackward dV", dV, size);
        HostBuffer dy = arg("attentionBackward dOut", dOut, size);
        HostBuffer hq = arg("attentionBackward q", q, size);
        HostBuffer hk = arg("attentionBackward k", k, size);
        HostBuffer hv = arg("attentionBackward v", v, size);
        // out is checked as the contract requires, but the host kernels recompute the probabilities from lse
        arg("attentionBackward out", out, size);
        HostBuffer l = arg("attentionBackward lse", lse, (long) batch * heads * positions);
        attentionBackwardKernel(dq, dk, dv, dy, hq, hk, hv, l, batch, positions, heads, headWidth, scale, causal);
    }

    /** B * N * H * hd fits an int. */
    protected abstract void attentionBackwardKernel(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut,
                                                    HostBuffer q, HostBuffer k, HostBuffer v, HostBuffer lse,
                                                    int batch, int positions, int heads, int headWidth,
                                                    double scale, boolean causal);

    @Override
    public final void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch,
                                     int hidden) {
        long size = (long) positive("gruCellForward batch", batch) * positive("gruCellForward hidden", hidden);
        HostBuffer hn = arg("gruCellForward hNew", hNew, size);
        HostBuffer g = arg("gruCellForward gates", gates, 3 * size);
        HostBuffer xi = arg("gruCellForward gi", gi, 3 * size);
        HostBuffer xh = arg("gruCellForward gh", gh, 3 * size);
        HostBuffer hp = arg("gruCellForward hPrev", hPrev, size);
        gruCellForwardKernel(hn, g, xi, xh, hp, batch, hidden);
    }

    protected abstract void gruCellForwardKernel(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                                                 HostBuffer hPrev, int batch, int hidden);

    @Override
    public final void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                      Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellBackward batch", batch) * positive("gruCellBackward hidden", hidden);
        HostBuffer dxi = optional("gruCellBackward dGi", dGi, 3 * size);
        HostBuffer dxh = optional("gruCellBackward dGh", dGh, 3 * size);
        HostBuffer dhp = optional("gruCellBackward dHPrev", dHPrev, size);
        HostBuffer dhn = arg("gruCellBackward dHNew", dHNew, size);
        HostBuffer g = arg("gruCellBackward gates", gates, 3 * size);
        HostBuffer xh = arg("gruCellBackward gh", gh, 3 * size);
        HostBuffer hp = arg("gruCellBackward hPrev", hPrev, size);
        gruCellBackwardKernel(dxi, dxh, dhp, dhn, g, xh, hp, batch, hidden);
    }

    protected abstract void gruCellBackwardKernel(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev,
                                                  HostBuffer dHNew, HostBuffer gates, HostBuffer gh,
                                                  HostBuffer hPrev, int batch, int hidden);

    @Override
    public final void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                      int batch, int hidden) {
        long size = (long) positive("lstmCellForward batch", batch) * positive("lstmCellForward hidden", hidden);
        HostBuffer hn = arg("lstmCellForward hNew", hNew, size);
        HostBuffer cn = arg("lstmCellForward cNew", cNew, size);
        HostBuffer g = arg("lstmCellForward gates", gates, 4 * size);
        HostBuffer xi = arg("lstmCellForward gi", gi, 4 * size);
        HostBuffer xh = arg("lstmCellForward gh", gh, 4 * size);
        HostBuffer cp = arg("lstmCellForward cPrev", cPrev, size);
        lstmCellForwardKernel(hn, cn, g, xi, xh, cp, batch, hidden);
    }

    protected abstract void lstmCellForwardKernel(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi,
                                                  HostBuffer gh, HostBuffer cPrev, int batch, int hidden);

    @Override
    public final void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                       Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long size = (long) positive("lstmCellBackward batch", batch) * positive("lstmCellBackward hidden", hidden);
        HostBuffer dp = optional("lstmCellBackward dPre", dPre, 4 * size);
        HostBuffer dcp = optional("lstmCellBackward dCPrev", dCPrev, size);
        HostBuffer dhn = arg("lstmCellBackward dHNew", dHNew, size);
        HostBuffer dcn = optional("lstmCellBackward dCNew", dCNew, size);
        HostBuffer g = arg("lstmCellBackward gates", gates, 4 * size);
        HostBuffer cp = arg("lstmCellBackward cPrev", cPrev, size);
        HostBuffer cn = arg("lstmCellBackward cNew", cNew, size);
        lstmCellBackwardKernel(dp, dcp, dhn, dcn, g, cp, cn, batch, hidden);
    }

    /** A null dCNew means a zero one. */
    protected abstract void lstmCellBackwardKernel(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew,
                                                   HostBuffer dCNew, HostBuffer gates, HostBuffer cPrev,
                                                   HostBuffer cNew, int batch, int hidden);

    @Override
    public final void scanForward(Buffer h, Buffer a, Buffer b, int batch, int positions, int channels,
                                  boolean reverse) {
        long size = KernelChecks.scanShape("scanForward", batch, positions, channels);
        HostBuffer hh = arg("scanForward h", h, size);
        HostBuffer ha = arg("scanForward a", a, size);
        HostBuffer hb = arg("scanForward b", b, size);
        scanForwardKernel(hh, ha, hb, batch, positions, channels, reverse);
    }

    /** B * N * C fits an int. */
    protected abstract void scanForwardKernel(HostBuffer h, HostBuffer a, HostBuffer b, int batch, int positions,
                                              int channels, boolean reverse);

    @Override
    public final void scanBackward(Buffer dA, Buffer dB, Buffer dH, Buffer a, Buffer h, int batch, int positions,
                                   int channels, boolean reverse) {
        long size = KernelChecks.scanShape("scanBackward", batch, positions, channels);
        HostBuffer da = optional("scanBackward dA", dA, size);
        HostBuffer db = optional("scanBackward dB", dB, size);
        HostBuffer dh = arg("scanBackward dH", dH, size);
        HostBuffer ha = arg("scanBackward a", a, size);
        HostBuffer hh = arg("scanBackward h", h, size);
        if (da != null || db != null) {
            scanBackwardKernel(da, db, dh, ha, hh, batch, positions, channels, reverse);
        }
    }

    /** B * N * C fits an int; at least one of dA and dB is not null. */
    protected abstract void scanBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dH, HostBuffer a,
                                               HostBuffer h, int batch, int positions, int channels, boolean reverse);

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    public final void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        int size = positive("mseForward n", n);
        HostBuffer l = arg("mseForward loss", loss, 1);
        HostBuffer p = arg("mseForward pred", pred, size);
        HostBuffer t = arg("mseForward target", target, size);
        mseForwardKernel(l, p, t, size);
    }

    protected abstract void mseForwardKernel(HostBuffer loss, HostBuffer pred, HostBuffer target, int n);

    @Override
    public final void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        int size = positive("mseBackward n", n);
        HostBuffer dp = optional("mseBackward dPred", dPred, size);
        HostBuffer dl = arg("mseBackward dLoss", dLoss, 1);
        HostBuffer p = arg("mseBackward pred", pred, size);
        HostBuffer t = arg("mseBackward target", target, size);
        mseBackwardKernel(dp, dl, p, t, size);
    }

    protected abstract void mseBackwardKernel(HostBuffer dPred, HostBuffer dLoss, HostBuffer pred,
                                              HostBuffer target, int n);

    @Override
    public final void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                  double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        int size = positive("adamwUpdate n", n);
        if (step < 1) {
            throw new IllegalArgumentException("adamwUpdate step counts from 1, got " + step);
        }
        HostBuffer p = arg("adamwUpdate param", param, size);
        HostBuffer g = arg("adamwUpdate grad", grad, size);
        HostBuffer hm = arg("adamwUpdate m", m, size);
        HostBuffer hv = arg("adamwUpdate v", v, size);
        adamwUpdateKernel(p, g, hm, hv, size, lr, beta1, beta2, eps, weightDecay, step);
    }

    /** step >= 1. */
    protected abstract void adamwUpdateKernel(HostBuffer param, HostBuffer grad, HostBuffer m, HostBuffer v, int n,
                                              double lr, double beta1, double beta2, double eps, double weightDecay,
                                              long step);

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    public final void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsForward n", n) * positive("gatherRowsForward width", width);
        HostBuffer o = arg("gatherRowsForward out", out, size);
        HostBuffer t = arg("gatherRowsForward table", table, width);
        HostBuffer idx = arg("gatherRowsForward index", index, DType.INT32, n);
        checkIndices("gatherRowsForward index", idx, n, t.length / width);
        gatherRowsForwardKernel(o, t, idx, n, width);
    }

    /** The first n elements of index (INT32) are checked indices, each a row of table. */
    protected abstract void gatherRowsForwardKernel(HostBuffer out, HostBuffer table, HostBuffer index, int n,
                                                    int width);

    @Override
    public final void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsBackward n", n) * positive("gatherRowsBackward width", width);
        HostBuffer dt = optional("gatherRowsBackward dTable", dTable, width);
        HostBuffer dy = arg("gatherRowsBackward dOut", dOut, size);
        HostBuffer idx = arg("gatherRowsBackward index", index, DType.INT32, n);
        if (dt == null) {
            // nothing to add into, so the indices are never read
            return;
        }
        checkIndices("gatherRowsBackward index", idx, n, dt.length / width);
        gatherRowsBackwardKernel(dt, dy, idx, n, width);
    }

    /**
     * dTable is not null; the first n elements of index (INT32) are checked indices, each a row of dTable, possibly
     * repeated.
     */
    protected abstract void gatherRowsBackwardKernel(HostBuffer dTable, HostBuffer dOut, HostBuffer index, int n,
                                                     int width);

    @Override
    public final void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        positive("concatLastForward rows", rows);
        int total = totalWidth("concatLastForward", parts.size(), widths);
        HostBuffer o = arg("concatLastForward out", out, (long) rows * total);
        try {
            concatLastForwardKernel(o, parts("concatLastForward parts", parts, rows, widths, false), rows, widths,
                    total);
        } finally {
            checkedParts.clear();
        }
    }

    /** total is the sum of widths. */
    protected abstract void concatLastForwardKernel(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths,
                                                    int total);

    @Override
    public final void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        positive("concatLastBackward rows", rows);
        int total = totalWidth("concatLastBackward", dParts.size(), widths);
        HostBuffer dy = arg("concatLastBackward dOut", dOut, (long) rows * total);
        try {
            concatLastBackwardKernel(parts("concatLastBackward dParts", dParts, rows, widths, true), dy, rows, widths,
                    total);
        } finally {
            checkedParts.clear();
        }
    }

    /** total is the sum of widths; null dParts entries are skipped. */
    protected abstract void concatLastBackwardKernel(List<HostBuffer> dParts, HostBuffer dOut, int rows,
                                                     int[] widths, int total);

    /**
     * Part p checked as (rows, widths[p]), in order, into the reused {@link #checkedParts} (the caller clears it);
     * null parts are kept as null only for gradients.
     */
    private List<HostBuffer> parts(String what, List<Buffer> parts, int rows, int[] widths, boolean gradients) {
        List<HostBuffer> checked = checkedParts;
        checked.clear();
        for (int p = 0; p < parts.size(); p++) {
            checked.add(argAt(what, p, parts.get(p), (long) rows * widths[p], gradients));
        }
        return checked;
    }

    @Override
    public final void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastForward", rows, inWidth, col0, width);
        HostBuffer o = arg("sliceLastForward out", out, (long) rows * width);
        HostBuffer x = arg("sliceLastForward in", in, (long) rows * inWidth);
        sliceLastForwardKernel(o, x, rows, inWidth, col0, width);
    }

    /** Columns [col0, col0 + width) lie inside [0, inWidth). */
    protected abstract void sliceLastForwardKernel(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0,
                                                   int width);

    @Override
    public final void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastBackward", rows, inWidth, col0, width);
        HostBuffer dx = optional("sliceLastBackward dIn", dIn, (long) rows * inWidth);
        HostBuffer dy = arg("sliceLastBackward dOut", dOut, (long) rows * width);
        sliceLastBackwardKernel(dx, dy, rows, inWidth, col0, width);
    }

    /** Columns [col0, col0 + width) lie inside [0, inWidth). */
    protected abstract void sliceLastBackwardKernel(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth,
                                                    int col0, int width);
}
