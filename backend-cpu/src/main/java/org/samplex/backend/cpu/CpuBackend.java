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
 * <p>Arguments are validated by {@link HostKernels}, as for the reference, before anything is written. The kernels
 * live in the package-private Cpu* helpers; the hooks here hand them arrays and offsets.
 */
final class CpuBackend extends HostKernels {
    private final CpuParallel par;
    private final CpuGemm gemm;

    CpuBackend(int threads) {
        super("cpu", DType.FLOAT32);
        this.par = new CpuParallel(threads);
        this.gemm = new CpuGemm(par);
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

    private static CpuView view(HostBuffer b) {
        return CpuView.of(b);
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    protected void fillKernel(HostBuffer dst, double value) {
        Arrays.fill(dst.f, dst.offset, dst.offset + dst.length, (float) value);
    }

    @Override
    protected void fillUniformKernel(HostBuffer dst, RngStream stream, long substream, double lo, double hi) {
        CpuRandom.uniform(par, view(dst), dst.length, stream, substream, lo, hi);
    }

    @Override
    protected void fillNormalKernel(HostBuffer dst, RngStream stream, long substream, double mean, double std) {
        CpuRandom.normal(par, view(dst), dst.length, stream, substream, mean, std);
    }

    @Override
    protected void fillUniformIntKernel(HostBuffer dst, RngStream stream, long substream, int bound) {
        CpuRandom.uniformInt(par, dst.i, dst.offset, dst.length, stream, substream, bound);
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
        CpuPointwise.biasAdd(par, out.f, out.offset, in.f, in.offset, bias.f, bias.offset, rows, cols);
    }

    @Override
    protected void biasAddBackwardKernel(HostBuffer dIn, HostBuffer dBias, HostBuffer dOut, int rows, int cols) {
        if (dIn != null) {
            CpuPointwise.addInto(par, dIn.f, dIn.offset, dOut.f, dOut.offset, rows * cols);
        }
        if (dBias != null) {
            CpuPointwise.biasColumnSums(par, dBias.f, dBias.offset, dOut.f, dOut.offset, rows, cols);
        }
    }

    @Override
    protected void activationForwardKernel(Activation f, HostBuffer out, HostBuffer in, int n) {
        CpuPointwise.activationForward(par, f, out.f, out.offset, in.f, in.offset, n);
    }

    @Override
    protected void activationBackwardKernel(Activation f, HostBuffer dIn, HostBuffer dOut, HostBuffer in,
                                            HostBuffer out, int n) {
        if (dIn != null) {
            CpuPointwise.activationBackward(par, f, dIn.f, dIn.offset, dOut.f, dOut.offset, in.f, in.offset, out.f,
                    out.offset, n);
        }
    }

    @Override
    protected void addForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        CpuPointwise.add(par, out.f, out.offset, a.f, a.offset, b.f, b.offset, n);
    }

    @Override
    protected void addBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, int n) {
        if (dA != null) {
            CpuPointwise.addInto(par, dA.f, dA.offset, dOut.f, dOut.offset, n);
        }
        if (dB != null) {
            CpuPointwise.addInto(par, dB.f, dB.offset, dOut.f, dOut.offset, n);
        }
    }

    @Override
    protected void mulForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        CpuPointwise.mul(par, out.f, out.offset, a.f, a.offset, b.f, b.offset, n);
    }

    @Override
    protected void mulBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, HostBuffer a, HostBuffer b,
                                     int n) {
        // out = a * b  ->  dA += dOut * b, dB += dOut * a
        if (dA != null) {
            CpuPointwise.addProduct(par, dA.f, dA.offset, dOut.f, dOut.offset, b.f, b.offset, n);
        }
        if (dB != null) {
            CpuPointwise.addProduct(par, dB.f, dB.offset, dOut.f, dOut.offset, a.f, a.offset, n);
        }
    }

    // ---- attention and recurrent cells --------------------------------------------------------------------------

    @Override
    protected void attentionForwardKernel(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k, HostBuffer v,
                                          int batch, int positions, int heads, int headWidth, double scale,
                                          boolean causal) {
        CpuAttention.Shape s = new CpuAttention.Shape(batch, positions, heads, headWidth, (float) scale, causal);
        CpuAttention.forward(par, s, view(out), view(lse), view(q), view(k), view(v));
    }

    @Override
    protected void attentionBackwardKernel(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut,
                                           HostBuffer q, HostBuffer k, HostBuffer v, HostBuffer lse,
                                           int batch, int positions, int heads, int headWidth, double scale,
                                           boolean causal) {
        if (dQ == null && dK == null && dV == null) {
            return;
        }
        CpuAttention.Shape s = new CpuAttention.Shape(batch, positions, heads, headWidth, (float) scale, causal);
        CpuAttention.backward(par, s, new CpuAttention.Grads(view(dQ), view(dK), view(dV)), view(dOut), view(q),
                view(k), view(v), view(lse));
    }

    @Override
    protected void gruCellForwardKernel(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                                        HostBuffer hPrev, int batch, int hidden) {
        CpuRecurrent.gruForward(par, view(hNew), view(gates), view(gi), view(gh), view(hPrev), batch, hidden);
    }

    @Override
    protected void gruCellBackwardKernel(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev, HostBuffer dHNew,
                                         HostBuffer gates, HostBuffer gh, HostBuffer hPrev, int batch, int hidden) {
        CpuRecurrent.gruBackward(par, view(dGi), view(dGh), view(dHPrev), view(dHNew), view(gates), view(gh),
                view(hPrev), batch, hidden);
    }

    @Override
    protected void lstmCellForwardKernel(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi,
                                         HostBuffer gh, HostBuffer cPrev, int batch, int hidden) {
        CpuRecurrent.lstmForward(par, view(hNew), view(cNew), view(gates), view(gi), view(gh), view(cPrev), batch,
                hidden);
    }

    @Override
    protected void lstmCellBackwardKernel(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew, HostBuffer dCNew,
                                          HostBuffer gates, HostBuffer cPrev, HostBuffer cNew, int batch,
                                          int hidden) {
        CpuRecurrent.lstmBackward(par, view(dPre), view(dCPrev), view(dHNew), view(dCNew), view(gates),
                view(cPrev), view(cNew), batch, hidden);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    protected void mseForwardKernel(HostBuffer loss, HostBuffer pred, HostBuffer target, int n) {
        loss.f[loss.offset] = CpuPointwise.mse(par, pred.f, pred.offset, target.f, target.offset, n);
    }

    @Override
    protected void mseBackwardKernel(HostBuffer dPred, HostBuffer dLoss, HostBuffer pred, HostBuffer target,
                                     int n) {
        if (dPred != null) {
            // loss = sum (pred - target)^2 / n  ->  dPred += dLoss 2 (pred - target) / n
            float factor = (float) (dLoss.f[dLoss.offset] * 2.0 / n);
            CpuPointwise.mseBackward(par, dPred.f, dPred.offset, factor, pred.f, pred.offset, target.f,
                    target.offset, n);
        }
    }

    @Override
    protected void adamwUpdateKernel(HostBuffer param, HostBuffer grad, HostBuffer m, HostBuffer v, int n,
                                     double lr, double beta1, double beta2, double eps, double weightDecay,
                                     long step) {
        CpuAdamW.update(par, param.f, param.offset, grad.f, grad.offset, m.f, m.offset, v.f, v.offset, n, lr, beta1,
                beta2, eps, weightDecay, step);
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    protected void gatherRowsForwardKernel(HostBuffer out, HostBuffer table, int[] rows, int width) {
        CpuLayout.gatherRows(view(out), view(table), rows, width);
    }

    @Override
    protected void gatherRowsBackwardKernel(HostBuffer dTable, HostBuffer dOut, int[] rows, int width) {
        CpuLayout.gatherRowsBackward(view(dTable), view(dOut), rows, width);
    }

    @Override
    protected void concatLastForwardKernel(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths,
                                           int total) {
        CpuLayout.concat(view(out), views(parts), rows, widths, total);
    }

    @Override
    protected void concatLastBackwardKernel(List<HostBuffer> dParts, HostBuffer dOut, int rows, int[] widths,
                                            int total) {
        CpuLayout.concatBackward(views(dParts), view(dOut), rows, widths, total);
    }

    /** The views of the parts, null where a part is null. */
    private static List<CpuView> views(List<HostBuffer> parts) {
        return parts.stream().map(CpuView::of).toList();
    }

    @Override
    protected void sliceLastForwardKernel(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0,
                                          int width) {
        CpuLayout.slice(view(out), view(in), rows, inWidth, col0, width);
    }

    @Override
    protected void sliceLastBackwardKernel(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth, int col0,
                                           int width) {
        if (dIn != null) {
            CpuLayout.sliceBackward(view(dIn), view(dOut), rows, inWidth, col0, width);
        }
    }
}
