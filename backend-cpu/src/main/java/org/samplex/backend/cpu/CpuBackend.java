package org.samplex.backend.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * The float32 backend: Java heap arrays, a fixed pool of {@code threads} threads (the caller plus daemon workers),
 * Vector API inner loops. Dot products accumulate in float, as a GPU would; the mse sum is accumulated in double.
 *
 * <p>Determinism: every output element is computed by exactly one task in an order that depends neither on the
 * thread count nor on the vector width (see {@link CpuVec}); reductions across rows use fixed-size chunks summed in
 * chunk order. So the same inputs give the same bits for any thread count, not only for the same one.
 *
 * <p>Arguments are validated, as in the reference, before anything is written: sizes must be positive and every
 * buffer long enough, else an {@link IllegalArgumentException} names the kernel and the argument. The kernels live
 * in the package-private Cpu* helpers; this class checks arguments and hands over arrays and offsets.
 */
final class CpuBackend extends HostBackend {
    private final CpuParallel par;

    CpuBackend(int threads) {
        super("cpu", DType.FLOAT32);
        this.par = new CpuParallel(threads);
    }

    /** The preferred float species, e.g. "FloatVector 512-bit (16 lanes)". */
    static String vectorDescription() {
        return "FloatVector " + CpuVec.SPECIES.vectorBitSize() + "-bit (" + CpuVec.LANES + " lanes)";
    }

    @Override
    public int threads() {
        return par.threads();
    }

    @Override
    void releaseResources() {
        par.shutdown();
    }

    static int positive(String what, long value) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be in [1, " + Integer.MAX_VALUE + "], got " + value);
        }
        return (int) value;
    }

    private CpuView view(String what, Buffer b, long need) {
        return CpuView.of(arg(what, b, need));
    }

    private CpuView optionalView(String what, Buffer b, long need) {
        return CpuView.of(optional(what, b, need));
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    public void fill(Buffer dst, double value) {
        if (dst != null && dst.dtype() == DType.INT32) {
            HostBuffer t = arg("fill dst", dst, DType.INT32, 1);
            if (value != (int) value) {
                throw new IllegalArgumentException("fill value: an INT32 buffer takes an integer, got " + value);
            }
            Arrays.fill(t.i, t.offset, t.offset + t.length, (int) value);
            return;
        }
        HostBuffer t = arg("fill dst", dst, 1);
        Arrays.fill(t.f, t.offset, t.offset + t.length, (float) value);
    }

    @Override
    public void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        HostBuffer t = arg("fillUniform dst", dst, 1);
        CpuRandom.uniform(par, CpuView.of(t), t.length, stream, substream, lo, hi);
    }

    @Override
    public void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        HostBuffer t = arg("fillNormal dst", dst, 1);
        CpuRandom.normal(par, CpuView.of(t), t.length, stream, substream, mean, std);
    }

    @Override
    public void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        HostBuffer t = arg("fillUniformInt dst", dst, DType.INT32, 1);
        positive("fillUniformInt bound", bound);
        CpuRandom.uniformInt(par, t.i, t.offset, t.length, stream, substream, bound);
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Buffer a, int lda, long strideA,
                     Buffer b, int ldb, long strideB,
                     double beta, Buffer c, int ldc, long strideC, int batch) {
        positive("gemm m", m);
        positive("gemm n", n);
        positive("gemm k", k);
        positive("gemm batch", batch);
        // a stored operand has (rows, cols) = op's shape, or its transpose when transposed
        HostBuffer ha = arg("gemm a", a, matrixExtent("a", transA ? k : m, transA ? m : k, lda, strideA, batch));
        HostBuffer hb = arg("gemm b", b, matrixExtent("b", transB ? n : k, transB ? k : n, ldb, strideB, batch));
        HostBuffer hc = arg("gemm c", c, matrixExtent("c", m, n, ldc, strideC, batch));
        CpuGemm.gemm(par, transA, transB, m, n, k, (float) alpha,
                new CpuGemm.Operand(ha.f, ha.offset, lda, strideA),
                new CpuGemm.Operand(hb.f, hb.offset, ldb, strideB), (float) beta,
                new CpuGemm.Operand(hc.f, hc.offset, ldc, strideC), batch);
    }

    /** Elements a batch of (rows, cols) matrices with leading dimension ld and the given stride spans. */
    private static long matrixExtent(String name, int rows, int cols, int ld, long stride, int batch) {
        if (ld < cols) {
            throw new IllegalArgumentException("gemm ld" + name + " must be at least " + cols + ", got " + ld);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("gemm stride" + name.toUpperCase(java.util.Locale.ROOT)
                    + " must not be negative, got " + stride);
        }
        return (batch - 1) * stride + (long) (rows - 1) * ld + cols;
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    public void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long size = (long) positive("biasAddForward rows", rows) * positive("biasAddForward cols", cols);
        CpuView o = view("biasAddForward out", out, size);
        CpuView x = view("biasAddForward in", in, size);
        CpuView hb = view("biasAddForward bias", bias, cols);
        CpuPointwise.biasAdd(par, o.x(), o.off(), x.x(), x.off(), hb.x(), hb.off(), rows, cols);
    }

    @Override
    public void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long size = (long) positive("biasAddBackward rows", rows) * positive("biasAddBackward cols", cols);
        CpuView dx = optionalView("biasAddBackward dIn", dIn, size);
        CpuView db = optionalView("biasAddBackward dBias", dBias, cols);
        CpuView dy = view("biasAddBackward dOut", dOut, size);
        if (dx != null) {
            CpuPointwise.addInto(par, dx.x(), dx.off(), dy.x(), dy.off(), (int) size);
        }
        if (db != null) {
            CpuPointwise.biasColumnSums(par, db.x(), db.off(), dy.x(), dy.off(), rows, cols);
        }
    }

    @Override
    public void activationForward(Activation f, Buffer out, Buffer in, long n) {
        int size = positive("activationForward n", n);
        CpuView o = view("activationForward out", out, size);
        CpuView x = view("activationForward in", in, size);
        CpuPointwise.activationForward(par, f, o.x(), o.off(), x.x(), x.off(), size);
    }

    @Override
    public void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        int size = positive("activationBackward n", n);
        CpuView dx = optionalView("activationBackward dIn", dIn, size);
        CpuView dy = view("activationBackward dOut", dOut, size);
        CpuView x = view("activationBackward in", in, size);
        CpuView y = view("activationBackward out", out, size);
        if (dx != null) {
            CpuPointwise.activationBackward(par, f, dx.x(), dx.off(), dy.x(), dy.off(), x.x(), x.off(), y.x(),
                    y.off(), size);
        }
    }

    @Override
    public void addForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("addForward n", n);
        CpuView o = view("addForward out", out, size);
        CpuView x = view("addForward a", a, size);
        CpuView y = view("addForward b", b, size);
        CpuPointwise.add(par, o.x(), o.off(), x.x(), x.off(), y.x(), y.off(), size);
    }

    @Override
    public void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        int size = positive("addBackward n", n);
        CpuView da = optionalView("addBackward dA", dA, size);
        CpuView db = optionalView("addBackward dB", dB, size);
        CpuView dy = view("addBackward dOut", dOut, size);
        if (da != null) {
            CpuPointwise.addInto(par, da.x(), da.off(), dy.x(), dy.off(), size);
        }
        if (db != null) {
            CpuPointwise.addInto(par, db.x(), db.off(), dy.x(), dy.off(), size);
        }
    }

    @Override
    public void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("mulForward n", n);
        CpuView o = view("mulForward out", out, size);
        CpuView x = view("mulForward a", a, size);
        CpuView y = view("mulForward b", b, size);
        CpuPointwise.mul(par, o.x(), o.off(), x.x(), x.off(), y.x(), y.off(), size);
    }

    @Override
    public void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        int size = positive("mulBackward n", n);
        CpuView da = optionalView("mulBackward dA", dA, size);
        CpuView db = optionalView("mulBackward dB", dB, size);
        CpuView dy = view("mulBackward dOut", dOut, size);
        CpuView x = view("mulBackward a", a, size);
        CpuView y = view("mulBackward b", b, size);
        // out = a * b  ->  dA += dOut * b, dB += dOut * a
        if (da != null) {
            CpuPointwise.addProduct(par, da.x(), da.off(), dy.x(), dy.off(), y.x(), y.off(), size);
        }
        if (db != null) {
            CpuPointwise.addProduct(par, db.x(), db.off(), dy.x(), dy.off(), x.x(), x.off(), size);
        }
    }

    // ---- attention and recurrent cells --------------------------------------------------------------------------

    @Override
    public void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        CpuAttention.Shape s = CpuAttention.Shape.of("attentionForward", batch, positions, heads, headWidth, scale,
                causal);
        long size = (long) batch * positions * s.width();
        CpuView o = view("attentionForward out", out, size);
        CpuView l = view("attentionForward lse", lse, (long) batch * heads * positions);
        CpuView hq = view("attentionForward q", q, size);
        CpuView hk = view("attentionForward k", k, size);
        CpuView hv = view("attentionForward v", v, size);
        CpuAttention.forward(par, s, o, l, hq, hk, hv);
    }

    @Override
    public void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                  Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        CpuAttention.Shape s = CpuAttention.Shape.of("attentionBackward", batch, positions, heads, headWidth, scale,
                causal);
        long size = (long) batch * positions * s.width();
        CpuAttention.Grads g = new CpuAttention.Grads(optionalView("attentionBackward dQ", dQ, size),
                optionalView("attentionBackward dK", dK, size), optionalView("attentionBackward dV", dV, size));
        CpuView dy = view("attentionBackward dOut", dOut, size);
        CpuView hq = view("attentionBackward q", q, size);
        CpuView hk = view("attentionBackward k", k, size);
        CpuView hv = view("attentionBackward v", v, size);
        view("attentionBackward out", out, size);
        CpuView l = view("attentionBackward lse", lse, (long) batch * heads * positions);
        if (g.dQ() != null || g.dK() != null || g.dV() != null) {
            CpuAttention.backward(par, s, g, dy, hq, hk, hv, l);
        }
    }

    @Override
    public void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellForward batch", batch) * positive("gruCellForward hidden", hidden);
        CpuRecurrent.gruForward(par, view("gruCellForward hNew", hNew, size),
                view("gruCellForward gates", gates, 3 * size), view("gruCellForward gi", gi, 3 * size),
                view("gruCellForward gh", gh, 3 * size), view("gruCellForward hPrev", hPrev, size), batch, hidden);
    }

    @Override
    public void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellBackward batch", batch) * positive("gruCellBackward hidden", hidden);
        CpuRecurrent.gruBackward(par, optionalView("gruCellBackward dGi", dGi, 3 * size),
                optionalView("gruCellBackward dGh", dGh, 3 * size),
                optionalView("gruCellBackward dHPrev", dHPrev, size), view("gruCellBackward dHNew", dHNew, size),
                view("gruCellBackward gates", gates, 3 * size), view("gruCellBackward gh", gh, 3 * size),
                view("gruCellBackward hPrev", hPrev, size), batch, hidden);
    }

    @Override
    public void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                int batch, int hidden) {
        long size = (long) positive("lstmCellForward batch", batch) * positive("lstmCellForward hidden", hidden);
        CpuRecurrent.lstmForward(par, view("lstmCellForward hNew", hNew, size),
                view("lstmCellForward cNew", cNew, size), view("lstmCellForward gates", gates, 4 * size),
                view("lstmCellForward gi", gi, 4 * size), view("lstmCellForward gh", gh, 4 * size),
                view("lstmCellForward cPrev", cPrev, size), batch, hidden);
    }

    @Override
    public void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                 Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long size = (long) positive("lstmCellBackward batch", batch) * positive("lstmCellBackward hidden", hidden);
        CpuRecurrent.lstmBackward(par, optionalView("lstmCellBackward dPre", dPre, 4 * size),
                optionalView("lstmCellBackward dCPrev", dCPrev, size), view("lstmCellBackward dHNew", dHNew, size),
                optionalView("lstmCellBackward dCNew", dCNew, size), view("lstmCellBackward gates", gates, 4 * size),
                view("lstmCellBackward cPrev", cPrev, size), view("lstmCellBackward cNew", cNew, size), batch,
                hidden);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    public void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        int size = positive("mseForward n", n);
        CpuView l = view("mseForward loss", loss, 1);
        CpuView p = view("mseForward pred", pred, size);
        CpuView t = view("mseForward target", target, size);
        l.x()[l.off()] = CpuPointwise.mse(par, p.x(), p.off(), t.x(), t.off(), size);
    }

    @Override
    public void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        int size = positive("mseBackward n", n);
        CpuView dp = optionalView("mseBackward dPred", dPred, size);
        CpuView dl = view("mseBackward dLoss", dLoss, 1);
        CpuView p = view("mseBackward pred", pred, size);
        CpuView t = view("mseBackward target", target, size);
        if (dp != null) {
            // loss = sum (pred - target)^2 / n  ->  dPred += dLoss 2 (pred - target) / n
            float factor = (float) (dl.x()[dl.off()] * 2.0 / size);
            CpuPointwise.mseBackward(par, dp.x(), dp.off(), factor, p.x(), p.off(), t.x(), t.off(), size);
        }
    }

    @Override
    public void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                            double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        int size = positive("adamwUpdate n", n);
        if (step < 1) {
            throw new IllegalArgumentException("adamwUpdate step counts from 1, got " + step);
        }
        CpuView p = view("adamwUpdate param", param, size);
        CpuView g = view("adamwUpdate grad", grad, size);
        CpuView hm = view("adamwUpdate m", m, size);
        CpuView hv = view("adamwUpdate v", v, size);
        CpuAdamW.update(par, p.x(), p.off(), g.x(), g.off(), hm.x(), hm.off(), hv.x(), hv.off(), size, lr, beta1,
                beta2, eps, weightDecay, step);
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    public void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsForward n", n) * positive("gatherRowsForward width", width);
        CpuView o = view("gatherRowsForward out", out, size);
        HostBuffer t = arg("gatherRowsForward table", table, width);
        HostBuffer idx = arg("gatherRowsForward index", index, DType.INT32, n);
        int[] rows = CpuLayout.checkedIndices("gatherRowsForward index", idx, n, t.length / width);
        CpuLayout.gatherRows(o, CpuView.of(t), rows, width);
    }

    @Override
    public void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsBackward n", n) * positive("gatherRowsBackward width", width);
        HostBuffer dt = optional("gatherRowsBackward dTable", dTable, width);
        CpuView dy = view("gatherRowsBackward dOut", dOut, size);
        HostBuffer idx = arg("gatherRowsBackward index", index, DType.INT32, n);
        if (dt != null) {
            int[] rows = CpuLayout.checkedIndices("gatherRowsBackward index", idx, n, dt.length / width);
            CpuLayout.gatherRowsBackward(CpuView.of(dt), dy, rows, width);
        }
    }

    @Override
    public void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        positive("concatLastForward rows", rows);
        int total = CpuLayout.totalWidth("concatLastForward", parts.size(), widths);
        CpuView o = view("concatLastForward out", out, (long) rows * total);
        List<CpuView> in = new ArrayList<>(parts.size());
        for (int p = 0; p < parts.size(); p++) {
            in.add(view("concatLastForward parts[" + p + "]", parts.get(p), (long) rows * widths[p]));
        }
        CpuLayout.concat(o, in, rows, widths, total);
    }

    @Override
    public void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        positive("concatLastBackward rows", rows);
        int total = CpuLayout.totalWidth("concatLastBackward", dParts.size(), widths);
        CpuView dy = view("concatLastBackward dOut", dOut, (long) rows * total);
        List<CpuView> dx = new ArrayList<>(dParts.size());
        for (int p = 0; p < dParts.size(); p++) {
            dx.add(optionalView("concatLastBackward dParts[" + p + "]", dParts.get(p), (long) rows * widths[p]));
        }
        CpuLayout.concatBackward(dx, dy, rows, widths, total);
    }

    @Override
    public void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        CpuLayout.checkColumns("sliceLastForward", rows, inWidth, col0, width);
        CpuView o = view("sliceLastForward out", out, (long) rows * width);
        CpuView x = view("sliceLastForward in", in, (long) rows * inWidth);
        CpuLayout.slice(o, x, rows, inWidth, col0, width);
    }

    @Override
    public void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        CpuLayout.checkColumns("sliceLastBackward", rows, inWidth, col0, width);
        CpuView dx = optionalView("sliceLastBackward dIn", dIn, (long) rows * inWidth);
        CpuView dy = view("sliceLastBackward dOut", dOut, (long) rows * width);
        if (dx != null) {
            CpuLayout.sliceBackward(dx, dy, rows, inWidth, col0, width);
        }
    }
}
