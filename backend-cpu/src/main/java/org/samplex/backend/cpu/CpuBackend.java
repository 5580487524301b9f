package org.samplex.backend.cpu;

import java.util.Arrays;
import java.util.List;
import org.samplex.api.Activation;
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
 * <p>Arguments are validated by api's {@link org.samplex.api.CheckedBackend}, as for the reference, before anything
 * is written. The kernels live in the package-private Cpu* helpers, one object of each per backend; the hooks here
 * hand them arrays and offsets.
 *
 * <p>Allocation: once the JIT has compiled them, kernel calls allocate nothing on the Java heap (AllocationTest):
 * each helper keeps the call's arguments in its fields and hands the pool a task object made with it, scratch
 * arrays are per thread or per backend and are kept, and the pool reuses its threads and job state. This relies on
 * calls on a backend coming from one thread at a time, as a training loop makes them.
 */
final class CpuBackend extends HostBackend {
    private final CpuParallel par;
    private final CpuGemm gemm;
    private final CpuPointwise pointwise;
    private final CpuAttention attention;
    private final CpuRecurrent recurrent;
    private final CpuScan scan;
    private final CpuAdamW adamw;
    private final CpuRandom random;

    CpuBackend(int threads) {
        super("cpu", DType.FLOAT32);
        this.par = new CpuParallel(threads);
        this.gemm = new CpuGemm(par);
        this.pointwise = new CpuPointwise(par);
        this.attention = new CpuAttention(par);
        this.recurrent = new CpuRecurrent(par);
        this.scan = new CpuScan(par);
        this.adamw = new CpuAdamW(par);
        this.random = new CpuRandom(par);
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
    protected void releaseResources() {
        par.shutdown();
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    protected void fillKernel(HostBuffer dst, double value) {
        Arrays.fill(dst.f, dst.offset, dst.offset + dst.length, (float) value);
    }

    @Override
    protected void fillUniformKernel(HostBuffer dst, RngStream stream, long substream, double lo, double hi) {
        random.uniform(dst.f, dst.offset, dst.length, stream, substream, lo, hi);
    }

    @Override
    protected void fillNormalKernel(HostBuffer dst, RngStream stream, long substream, double mean, double std) {
        random.normal(dst.f, dst.offset, dst.length, stream, substream, mean, std);
    }

    @Override
    protected void fillUniformIntKernel(HostBuffer dst, RngStream stream, long substream, int bound) {
        random.uniformInt(dst.i, dst.offset, dst.length, stream, substream, bound);
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              double alpha, HostBuffer a, int lda, long strideA,
                              HostBuffer b, int ldb, long strideB,
                              double beta, HostBuffer c, int ldc, long strideC, int batch) {
        gemm.gemm(transA, transB, m, n, k, (float) alpha, a.f, a.offset, lda, strideA, b.f, b.offset, ldb, strideB,
                (float) beta, c.f, c.offset, ldc, strideC, batch);
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    protected void biasAddForwardKernel(HostBuffer out, HostBuffer in, HostBuffer bias, int rows, int cols) {
        pointwise.biasAdd(out.f, out.offset, in.f, in.offset, bias.f, bias.offset, rows, cols);
    }

    @Override
    protected void biasAddBackwardKernel(HostBuffer dIn, HostBuffer dBias, HostBuffer dOut, int rows, int cols) {
        if (dIn != null) {
            pointwise.addInto(dIn.f, dIn.offset, dOut.f, dOut.offset, rows * cols);
        }
        if (dBias != null) {
            pointwise.biasColumnSums(dBias.f, dBias.offset, dOut.f, dOut.offset, rows, cols);
        }
    }

    @Override
    protected void activationForwardKernel(Activation f, HostBuffer out, HostBuffer in, int n) {
        pointwise.activationForward(f, out.f, out.offset, in.f, in.offset, n);
    }

    @Override
    protected void activationBackwardKernel(Activation f, HostBuffer dIn, HostBuffer dOut, HostBuffer in,
                                            HostBuffer out, int n) {
        if (dIn != null) {
            pointwise.activationBackward(f, dIn.f, dIn.offset, dOut.f, dOut.offset, in.f, in.offset, out.f,
                    out.offset, n);
        }
    }

    @Override
    protected void biasActivationForwardKernel(Activation f, HostBuffer out, HostBuffer in, HostBuffer bias, int rows,
                                               int cols) {
        pointwise.biasActivation(f, out.f, out.offset, in.f, in.offset, bias.f, bias.offset, rows, cols);
    }

    @Override
    protected void addForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        pointwise.add(out.f, out.offset, a.f, a.offset, b.f, b.offset, n);
    }

    @Override
    protected void addBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, int n) {
        if (dA != null) {
            pointwise.addInto(dA.f, dA.offset, dOut.f, dOut.offset, n);
        }
        if (dB != null) {
            pointwise.addInto(dB.f, dB.offset, dOut.f, dOut.offset, n);
        }
    }

    @Override
    protected void mulForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        pointwise.mul(out.f, out.offset, a.f, a.offset, b.f, b.offset, n);
    }

    @Override
    protected void mulBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, HostBuffer a, HostBuffer b,
                                     int n) {
        // out = a * b  ->  dA += dOut * b, dB += dOut * a
        if (dA != null) {
            pointwise.addProduct(dA.f, dA.offset, dOut.f, dOut.offset, b.f, b.offset, n);
        }
        if (dB != null) {
            pointwise.addProduct(dB.f, dB.offset, dOut.f, dOut.offset, a.f, a.offset, n);
        }
    }

    // ---- attention, recurrent cells and the scan ----------------------------------------------------------------------

    @Override
    protected void attentionForwardKernel(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k, HostBuffer v,
                                          int batch, int positions, int heads, int headWidth, double scale,
                                          boolean causal) {
        attention.forward(out, lse, q, k, v, batch, positions, heads, headWidth, scale, causal);
    }

    @Override
    protected void attentionBackwardKernel(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut,
                                           HostBuffer q, HostBuffer k, HostBuffer v, HostBuffer out, HostBuffer lse,
                                           int batch, int positions, int heads, int headWidth, double scale,
                                           boolean causal) {
        attention.backward(dQ, dK, dV, dOut, q, k, v, lse, batch, positions, heads, headWidth, scale, causal);
    }

    @Override
    protected void gruCellForwardKernel(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                                        HostBuffer hPrev, int batch, int hidden) {
        recurrent.gruForward(hNew, gates, gi, gh, hPrev, batch, hidden);
    }

    @Override
    protected void gruCellBackwardKernel(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev, HostBuffer dHNew,
                                         HostBuffer gates, HostBuffer gh, HostBuffer hPrev, int batch, int hidden) {
        recurrent.gruBackward(dGi, dGh, dHPrev, dHNew, gates, gh, hPrev, batch, hidden);
    }

    @Override
    protected void lstmCellForwardKernel(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi,
                                         HostBuffer gh, HostBuffer cPrev, int batch, int hidden) {
        recurrent.lstmForward(hNew, cNew, gates, gi, gh, cPrev, batch, hidden);
    }

    @Override
    protected void lstmCellBackwardKernel(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew, HostBuffer dCNew,
                                          HostBuffer gates, HostBuffer cPrev, HostBuffer cNew, int batch,
                                          int hidden) {
        recurrent.lstmBackward(dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew, batch, hidden);
    }

    @Override
    protected void scanForwardKernel(HostBuffer h, HostBuffer a, HostBuffer b, int batch, int positions,
                                     int channels, boolean reverse) {
        scan.forward(h, a, b, batch, positions, channels, reverse);
    }

    @Override
    protected void scanBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dH, HostBuffer a, HostBuffer h,
                                      int batch, int positions, int channels, boolean reverse) {
        scan.backward(dA, dB, dH, a, h, batch, positions, channels, reverse);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    protected void mseForwardKernel(HostBuffer loss, HostBuffer pred, HostBuffer target, int n) {
        loss.f[loss.offset] = pointwise.mse(pred.f, pred.offset, target.f, target.offset, n);
    }

    @Override
    protected void mseBackwardKernel(HostBuffer dPred, HostBuffer dLoss, HostBuffer pred, HostBuffer target,
                                     int n) {
        if (dPred != null) {
            // loss = sum (pred - target)^2 / n  ->  dPred += dLoss 2 (pred - target) / n
            float factor = (float) (dLoss.f[dLoss.offset] * 2.0 / n);
            pointwise.mseBackward(dPred.f, dPred.offset, factor, pred.f, pred.offset, target.f,
                    target.offset, n);
        }
    }

    @Override
    protected void adamwUpdateKernel(HostBuffer param, HostBuffer grad, HostBuffer m, HostBuffer v, int n,
                                     double lr, double beta1, double beta2, double eps, double weightDecay,
                                     long step) {
        adamw.update(param.f, param.offset, grad.f, grad.offset, m.f, m.offset, v.f, v.offset, n, lr, beta1,
                beta2, eps, weightDecay, step);
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    protected void gatherRowsForwardKernel(HostBuffer out, HostBuffer table, HostBuffer index, int n, int width) {
        CpuLayout.gatherRows(out, table, index, n, width);
    }

    @Override
    protected void gatherRowsBackwardKernel(HostBuffer dTable, HostBuffer dOut, HostBuffer index, int n, int width) {
        CpuLayout.gatherRowsBackward(dTable, dOut, index, n, width);
    }

    @Override
    protected void concatLastForwardKernel(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths,
                                           int total) {
        CpuLayout.concat(out, parts, rows, widths, total);
    }

    @Override
    protected void concatLastBackwardKernel(List<HostBuffer> dParts, HostBuffer dOut, int rows, int[] widths,
                                            int total) {
        CpuLayout.concatBackward(dParts, dOut, rows, widths, total);
    }

    @Override
    protected void sliceLastForwardKernel(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0,
                                          int width) {
        CpuLayout.slice(out, in, rows, inWidth, col0, width);
    }

    @Override
    protected void sliceLastBackwardKernel(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth, int col0,
                                           int width) {
        if (dIn != null) {
            CpuLayout.sliceBackward(dIn, dOut, rows, inWidth, col0, width);
        }
    }
}
