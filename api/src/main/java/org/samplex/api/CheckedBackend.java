package org.samplex.api;

import static org.samplex.api.KernelChecks.checkColumns;
import static org.samplex.api.KernelChecks.positive;
import static org.samplex.api.KernelChecks.totalWidth;

import java.util.ArrayList;
import java.util.List;
import org.samplex.api.rng.RngStream;

/**
 * The checked base every shipped backend extends, in three layers ({@link CheckedMemory}: buffers, copies and fills;
 * {@link CheckedDense}: gemm, pointwise, loss and optimizer; this: attention, recurrent cells, the scan, indexing and
 * layout). Each public method validates its
 * arguments before anything is written, then hands the checked buffers to the protected hook named after it with
 * a {@code Kernel} suffix, which only computes. The checks are written once here, so every backend rejects the
 * same bad arguments with the same messages.
 *
 * <p>Hook contract: sizes are positive and every buffer long enough for them; a gradient buffer the caller passed as
 * null stays null and the hook skips it; backward hooks add into their gradients. A family added after backends
 * were written has a hook that throws {@link UnsupportedOperationException} naming the family
 * ({@link KernelChecks#unsupported}) instead of an abstract one, so a backend written before it keeps compiling.
 *
 * <p>Allocation: a call whose arguments pass allocates nothing here (list arguments are checked into one reused
 * list). Calls on a backend come from one thread at a time.
 *
 * @param <B> the backend's buffer class
 */
public abstract class CheckedBackend<B extends Buffer> extends CheckedDense<B> {
    /** The checked parts of the concatenation in progress; emptied after each call. */
    private final List<B> checkedParts = new ArrayList<>();

    /** A backend named {@code name} computing in {@code floatType}. */
    protected CheckedBackend(String name, DType floatType) {
        super(name, floatType);
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /**
     * The attention sizes, checked: positive and the tensors' size an int ({@link KernelChecks#attentionShape}). A
     * backend with narrower limits (a head width its kernels hold) overrides this, calling it first.
     */
    protected void checkAttentionShape(String kernel, int batch, int positions, int heads, int headWidth) {
        KernelChecks.attentionShape(kernel, batch, positions, heads, headWidth);
    }

    @Override
    public final void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                       int batch, int positions, int heads, int headWidth, double scale,
                                       boolean causal) {
        checkAttentionShape("attentionForward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        B o = arg("attentionForward out", out, size);
        B l = arg("attentionForward lse", lse, (long) batch * heads * positions);
        B bq = arg("attentionForward q", q, size);
        B bk = arg("attentionForward k", k, size);
        B bv = arg("attentionForward v", v, size);
        attentionForwardKernel(o, l, bq, bk, bv, batch, positions, heads, headWidth, scale, causal);
    }

    /** B * N * H * hd fits an int. */
    protected abstract void attentionForwardKernel(B out, B lse, B q, B k, B v, int batch, int positions, int heads,
                                                   int headWidth, double scale, boolean causal);

    @Override
    public final void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                        Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                        int batch, int positions, int heads, int headWidth, double scale,
                                        boolean causal) {
        checkAttentionShape("attentionBackward", batch, positions, heads, headWidth);
        long size = (long) batch * positions * heads * headWidth;
        B dq = optional("attentionBackward dQ", dQ, size);
        B dk = optional("attentionBackward dK", dK, size);
        B dv = optional("attentionBackward dV", dV, size);
        B dy = arg("attentionBackward dOut", dOut, size);
        B bq = arg("attentionBackward q", q, size);
        B bk = arg("attentionBackward k", k, size);
        B bv = arg("attentionBackward v", v, size);
        B o = arg("attentionBackward out", out, size);
        B l = arg("attentionBackward lse", lse, (long) batch * heads * positions);
        if (dq != null || dk != null || dv != null) {
            attentionBackwardKernel(dq, dk, dv, dy, bq, bk, bv, o, l, batch, positions, heads, headWidth, scale,
                    causal);
        }
    }

    /**
     * B * N * H * hd fits an int; at least one of dQ, dK and dV is not null. A hook may recompute the probabilities
     * from lse and not read out.
     */
    protected abstract void attentionBackwardKernel(B dQ, B dK, B dV, B dOut, B q, B k, B v, B out, B lse,
                                                    int batch, int positions, int heads, int headWidth,
                                                    double scale, boolean causal);

    // ---- recurrent cells ----------------------------------------------------------------------------------------

    @Override
    public final void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch,
                                     int hidden) {
        long size = (long) positive("gruCellForward batch", batch) * positive("gruCellForward hidden", hidden);
        B hn = arg("gruCellForward hNew", hNew, size);
        B g = arg("gruCellForward gates", gates, 3 * size);
        B xi = arg("gruCellForward gi", gi, 3 * size);
        B xh = arg("gruCellForward gh", gh, 3 * size);
        B hp = arg("gruCellForward hPrev", hPrev, size);
        gruCellForwardKernel(hn, g, xi, xh, hp, batch, hidden);
    }

    /** Sizes positive. */
    protected abstract void gruCellForwardKernel(B hNew, B gates, B gi, B gh, B hPrev, int batch, int hidden);

    @Override
    public final void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                      Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellBackward batch", batch) * positive("gruCellBackward hidden", hidden);
        B dxi = optional("gruCellBackward dGi", dGi, 3 * size);
        B dxh = optional("gruCellBackward dGh", dGh, 3 * size);
        B dhp = optional("gruCellBackward dHPrev", dHPrev, size);
        B dhn = arg("gruCellBackward dHNew", dHNew, size);
        B g = arg("gruCellBackward gates", gates, 3 * size);
        B xh = arg("gruCellBackward gh", gh, 3 * size);
        B hp = arg("gruCellBackward hPrev", hPrev, size);
        gruCellBackwardKernel(dxi, dxh, dhp, dhn, g, xh, hp, batch, hidden);
    }

    /** Sizes positive. */
    protected abstract void gruCellBackwardKernel(B dGi, B dGh, B dHPrev, B dHNew, B gates, B gh, B hPrev,
                                                  int batch, int hidden);

    @Override
    public final void gruStepForward(Buffer hNew, Buffer gates, Buffer giT, Buffer ghb, Buffer gi, int giWidth,
                                     int giOffset, Buffer gh, Buffer biasHh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruStepForward batch", batch) * positive("gruStepForward hidden", hidden);
        checkColumns("gruStepForward", batch, giWidth, giOffset, 3 * hidden);
        gruStepForwardKernel(arg("gruStepForward hNew", hNew, size), arg("gruStepForward gates", gates, 3 * size),
                arg("gruStepForward giT", giT, 3 * size), arg("gruStepForward ghb", ghb, 3 * size),
                arg("gruStepForward gi", gi, (long) batch * giWidth), giWidth, giOffset,
                arg("gruStepForward gh", gh, 3 * size), optional("gruStepForward biasHh", biasHh, 3L * hidden),
                arg("gruStepForward hPrev", hPrev, size), batch, hidden);
    }

    /** Sizes checked; biasHh may be null. By default the three families in order ({@link Backend#gruStepForward}). */
    protected void gruStepForwardKernel(B hNew, B gates, B giT, B ghb, B gi, int giWidth, int giOffset, B gh,
                                        B biasHh, B hPrev, int batch, int hidden) {
        sliceLastForwardKernel(giT, gi, batch, giWidth, giOffset, 3 * hidden);
        if (biasHh != null) {
            biasAddForwardKernel(ghb, gh, biasHh, batch, 3 * hidden);
        } else {
            copyKernel(ghb, gh);
        }
        gruCellForwardKernel(hNew, gates, giT, ghb, hPrev, batch, hidden);
    }

    @Override
    public final void gruStepBackward(Buffer dGi, Buffer dGiT, int giWidth, int giOffset, Buffer dGhb,
                                      Buffer dHPrev, Buffer dHNew, Buffer gates, Buffer ghb, Buffer hPrev, int batch,
                                      int hidden) {
        long size = (long) positive("gruStepBackward batch", batch) * positive("gruStepBackward hidden", hidden);
        checkColumns("gruStepBackward", batch, giWidth, giOffset, 3 * hidden);
        gruStepBackwardKernel(optional("gruStepBackward dGi", dGi, (long) batch * giWidth),
                arg("gruStepBackward dGiT", dGiT, 3 * size), giWidth, giOffset,
                optional("gruStepBackward dGhb", dGhb, 3 * size), optional("gruStepBackward dHPrev", dHPrev, size),
                arg("gruStepBackward dHNew", dHNew, size), arg("gruStepBackward gates", gates, 3 * size),
                arg("gruStepBackward ghb", ghb, 3 * size), arg("gruStepBackward hPrev", hPrev, size), batch,
                hidden);
    }

    /** Sizes checked; dGi, dGhb, dHPrev may be null. By default {@link Backend#gruStepBackward}'s steps. */
    protected void gruStepBackwardKernel(B dGi, B dGiT, int giWidth, int giOffset, B dGhb, B dHPrev, B dHNew,
                                         B gates, B ghb, B hPrev, int batch, int hidden) {
        if (dGi == null) {
            gruCellBackwardKernel(null, dGhb, dHPrev, dHNew, gates, ghb, hPrev, batch, hidden);
            return;
        }
        fillKernel(dGiT, 0.0);
        gruCellBackwardKernel(dGiT, dGhb, dHPrev, dHNew, gates, ghb, hPrev, batch, hidden);
        sliceLastBackwardKernel(dGi, dGiT, batch, giWidth, giOffset, 3 * hidden);
    }

    @Override
    public final void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                      int batch, int hidden) {
        long size = (long) positive("lstmCellForward batch", batch) * positive("lstmCellForward hidden", hidden);
        B hn = arg("lstmCellForward hNew", hNew, size);
        B cn = arg("lstmCellForward cNew", cNew, size);
        B g = arg("lstmCellForward gates", gates, 4 * size);
        B xi = arg("lstmCellForward gi", gi, 4 * size);
        B xh = arg("lstmCellForward gh", gh, 4 * size);
        B cp = arg("lstmCellForward cPrev", cPrev, size);
        lstmCellForwardKernel(hn, cn, g, xi, xh, cp, batch, hidden);
    }

    /** Sizes positive. */
    protected abstract void lstmCellForwardKernel(B hNew, B cNew, B gates, B gi, B gh, B cPrev, int batch,
                                                  int hidden);

    @Override
    public final void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                       Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long size = (long) positive("lstmCellBackward batch", batch) * positive("lstmCellBackward hidden", hidden);
        B dp = optional("lstmCellBackward dPre", dPre, 4 * size);
        B dcp = optional("lstmCellBackward dCPrev", dCPrev, size);
        B dhn = arg("lstmCellBackward dHNew", dHNew, size);
        B dcn = optional("lstmCellBackward dCNew", dCNew, size);
        B g = arg("lstmCellBackward gates", gates, 4 * size);
        B cp = arg("lstmCellBackward cPrev", cPrev, size);
        B cn = arg("lstmCellBackward cNew", cNew, size);
        lstmCellBackwardKernel(dp, dcp, dhn, dcn, g, cp, cn, batch, hidden);
    }

    /** A null dCNew means a zero one. */
    protected abstract void lstmCellBackwardKernel(B dPre, B dCPrev, B dHNew, B dCNew, B gates, B cPrev, B cNew,
                                                   int batch, int hidden);

    // ---- linear scan (added after the first backends: its hooks throw by default) ---------------------------------

    @Override
    public final void scanForward(Buffer h, Buffer a, Buffer b, int batch, int positions, int channels,
                                  boolean reverse) {
        long size = KernelChecks.scanShape("scanForward", batch, positions, channels);
        B bh = arg("scanForward h", h, size);
        B ba = arg("scanForward a", a, size);
        B bb = arg("scanForward b", b, size);
        scanForwardKernel(bh, ba, bb, batch, positions, channels, reverse);
    }

    /** B * N * C fits an int. By default: {@link UnsupportedOperationException} naming the family. */
    protected void scanForwardKernel(B h, B a, B b, int batch, int positions, int channels, boolean reverse) {
        throw KernelChecks.unsupported(name(), "linear scan", "scanForward, scanBackward");
    }

    @Override
    public final void scanBackward(Buffer dA, Buffer dB, Buffer dH, Buffer a, Buffer h, int batch, int positions,
                                   int channels, boolean reverse) {
        long size = KernelChecks.scanShape("scanBackward", batch, positions, channels);
        B da = optional("scanBackward dA", dA, size);
        B db = optional("scanBackward dB", dB, size);
        B dh = arg("scanBackward dH", dH, size);
        B ba = arg("scanBackward a", a, size);
        B bh = arg("scanBackward h", h, size);
        if (da != null || db != null) {
            scanBackwardKernel(da, db, dh, ba, bh, batch, positions, channels, reverse);
        }
    }

    /**
     * B * N * C fits an int; at least one of dA and dB is not null. By default: {@link UnsupportedOperationException}
     * naming the family.
     */
    protected void scanBackwardKernel(B dA, B dB, B dH, B a, B h, int batch, int positions, int channels,
                                      boolean reverse) {
        throw KernelChecks.unsupported(name(), "linear scan", "scanForward, scanBackward");
    }

    // ---- task data --------------------------------------------------------------------------------------------

    /** Distinct pointers per token that the device generation handles (a thread keeps the entries it moved). */
    public static final int QSTR_MAX_DISTINCT = 64;

    @Override
    public final void qstrPrompts(QstrPrompts task, Buffer input, Buffer labels, RngStream stream, long first,
                                  int count) {
        positive("qstrPrompts count", count);
        if (first < 0 || first > (Long.MAX_VALUE >>> 4) - count) {
            throw new IllegalArgumentException("qstrPrompts: first must be in [0, 2^59 - count), got " + first);
        }
        if (task.distinct() && task.pointers() > QSTR_MAX_DISTINCT) {
            throw new IllegalArgumentException("qstrPrompts: distinct pointers are generated for q <= "
                    + QSTR_MAX_DISTINCT + ", got q = " + task.pointers() + " (generate them on the host)");
        }
        long rows = (long) count * positive("qstrPrompts N", task.positions());
        B in = arg("qstrPrompts input", input, rows * task.inputWidth());
        B y = arg("qstrPrompts labels", labels, rows);
        qstrPromptsKernel(task, in, y, stream, first, count);
    }

    /** Checked sizes; q <= {@link #QSTR_MAX_DISTINCT} when distinct. By default: unsupported, naming the family. */
    protected void qstrPromptsKernel(QstrPrompts task, B input, B labels, RngStream stream, long first, int count) {
        throw KernelChecks.unsupported(name(), "qSTR prompts", "qstrPrompts");
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    /**
     * The first n indices of an INT32 buffer, each checked to lie in [0, tableRows) with
     * {@link KernelChecks#checkIndices}: a host backend reads them in place; a device backend copies them to the
     * host, and may keep the copy for the hook that follows.
     */
    protected abstract void checkIndices(String what, B index, int n, int tableRows);

    @Override
    public final void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsForward n", n) * positive("gatherRowsForward width", width);
        B o = arg("gatherRowsForward out", out, size);
        B t = arg("gatherRowsForward table", table, width);
        B idx = arg("gatherRowsForward index", index, DType.INT32, n);
        checkIndices("gatherRowsForward index", idx, n, (int) (t.length() / width));
        gatherRowsForwardKernel(o, t, idx, n, width);
    }

    /** The first n elements of index (INT32) are checked indices, each a row of table. */
    protected abstract void gatherRowsForwardKernel(B out, B table, B index, int n, int width);

    @Override
    public final void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsBackward n", n) * positive("gatherRowsBackward width", width);
        B dt = optional("gatherRowsBackward dTable", dTable, width);
        B dy = arg("gatherRowsBackward dOut", dOut, size);
        B idx = arg("gatherRowsBackward index", index, DType.INT32, n);
        if (dt == null) {
            // nothing to add into, so the indices are never read
            return;
        }
        checkIndices("gatherRowsBackward index", idx, n, (int) (dt.length() / width));
        gatherRowsBackwardKernel(dt, dy, idx, n, width);
    }

    /**
     * dTable is not null; the first n elements of index (INT32) are checked indices, each a row of dTable, possibly
     * repeated.
     */
    protected abstract void gatherRowsBackwardKernel(B dTable, B dOut, B index, int n, int width);

    @Override
    public final void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        positive("concatLastForward rows", rows);
        int total = totalWidth("concatLastForward", parts.size(), widths);
        B o = arg("concatLastForward out", out, (long) rows * total);
        try {
            concatLastForwardKernel(o, parts("concatLastForward parts", parts, rows, widths, false), rows, widths,
                    total);
        } finally {
            checkedParts.clear();
        }
    }

    /** total is the sum of widths; the list is reused after the call. */
    protected abstract void concatLastForwardKernel(B out, List<B> parts, int rows, int[] widths, int total);

    @Override
    public final void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        positive("concatLastBackward rows", rows);
        int total = totalWidth("concatLastBackward", dParts.size(), widths);
        B dy = arg("concatLastBackward dOut", dOut, (long) rows * total);
        try {
            concatLastBackwardKernel(parts("concatLastBackward dParts", dParts, rows, widths, true), dy, rows, widths,
                    total);
        } finally {
            checkedParts.clear();
        }
    }

    /** total is the sum of widths; null dParts entries are skipped; the list is reused after the call. */
    protected abstract void concatLastBackwardKernel(List<B> dParts, B dOut, int rows, int[] widths, int total);

    /**
     * Part p checked as (rows, widths[p]), in order, into the reused {@link #checkedParts} (the caller clears it);
     * null parts are kept as null only for gradients.
     */
    private List<B> parts(String what, List<Buffer> parts, int rows, int[] widths, boolean gradients) {
        List<B> checked = checkedParts;
        checked.clear();
        for (int p = 0; p < parts.size(); p++) {
            checked.add(argAt(what, p, parts.get(p), (long) rows * widths[p], gradients));
        }
        return checked;
    }

    @Override
    public final void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastForward", rows, inWidth, col0, width);
        B o = arg("sliceLastForward out", out, (long) rows * width);
        B x = arg("sliceLastForward in", in, (long) rows * inWidth);
        sliceLastForwardKernel(o, x, rows, inWidth, col0, width);
    }

    /** Columns [col0, col0 + width) lie inside [0, inWidth). */
    protected abstract void sliceLastForwardKernel(B out, B in, int rows, int inWidth, int col0, int width);

    @Override
    public final void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        checkColumns("sliceLastBackward", rows, inWidth, col0, width);
        B dx = optional("sliceLastBackward dIn", dIn, (long) rows * inWidth);
        B dy = arg("sliceLastBackward dOut", dOut, (long) rows * width);
        sliceLastBackwardKernel(dx, dy, rows, inWidth, col0, width);
    }

    /** Columns [col0, col0 + width) lie inside [0, inWidth). */
    protected abstract void sliceLastBackwardKernel(B dIn, B dOut, int rows, int inWidth, int col0, int width);
}
