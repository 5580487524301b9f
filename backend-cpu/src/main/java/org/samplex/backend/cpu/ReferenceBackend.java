package org.samplex.backend.cpu;

import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * The oracle: every kernel of {@link org.samplex.api.Backend} in plain scalar float64 Java, one thread, written
 * to be read rather than to be fast. Every other backend is checked against it, and it is itself checked by
 * central finite differences, so each loop follows the equation in the Backend Javadoc as literally as it can.
 *
 * <p>Arguments are validated by api's {@link org.samplex.api.CheckedBackend}, as for the cpu backend, before
 * anything is written; the hooks here only compute. The attention and recurrent cells live in
 * {@link ReferenceSequenceKernels}, the indexing and layout kernels in {@link ReferenceLayoutKernels}.
 */
final class ReferenceBackend extends HostBackend {

    ReferenceBackend() {
        super("reference", DType.FLOAT64);
    }

    @Override
    public int threads() {
        return 1;
    }

    // ---- element access: every kernel indexes its buffers from 0, the view offset is added here --------------

    static double get(HostBuffer b, int index) {
        return b.d[b.offset + index];
    }

    static void set(HostBuffer b, int index, double value) {
        b.d[b.offset + index] = value;
    }

    /** b[index] += value (backward kernels add into gradients). */
    static void addTo(HostBuffer b, int index, double value) {
        b.d[b.offset + index] += value;
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    protected void fillKernel(HostBuffer dst, double value) {
        for (int e = 0; e < dst.length; e++) {
            set(dst, e, value);
        }
    }

    @Override
    protected void fillUniformKernel(HostBuffer dst, RngStream stream, long substream, double lo, double hi) {
        // element e is word e % 4 of the block e / 4
        int[] words = new int[4];
        for (int e = 0; e < dst.length; e++) {
            if (e % 4 == 0) {
                stream.block(e / 4, substream, words);
            }
            set(dst, e, lo + (hi - lo) * RngStream.uniformFromWord(words[e % 4]));
        }
    }

    @Override
    protected void fillNormalKernel(HostBuffer dst, RngStream stream, long substream, double mean, double std) {
        // element e uses words (2 (e % 2), 2 (e % 2) + 1) of the block e / 2
        int[] words = new int[4];
        for (int e = 0; e < dst.length; e++) {
            if (e % 2 == 0) {
                stream.block(e / 2, substream, words);
            }
            int w = 2 * (e % 2);
            set(dst, e, mean + std * RngStream.normalFromWords(words[w], words[w + 1]));
        }
    }

    @Override
    protected void fillUniformIntKernel(HostBuffer dst, RngStream stream, long substream, int bound) {
        // element e is word e % 4 of the block e / 4, as for fillUniform
        int[] words = new int[4];
        for (int e = 0; e < dst.length; e++) {
            if (e % 4 == 0) {
                stream.block(e / 4, substream, words);
            }
            dst.i[dst.offset + e] = RngStream.intFromWord(words[e % 4], bound);
        }
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              double alpha, HostBuffer a, int lda, long strideA,
                              HostBuffer b, int ldb, long strideB,
                              double beta, HostBuffer c, int ldc, long strideC, int batch) {
        for (int p = 0; p < batch; p++) {
            int a0 = Math.toIntExact(p * strideA);
            int b0 = Math.toIntExact(p * strideB);
            int c0 = Math.toIntExact(p * strideC);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int l = 0; l < k; l++) {
                        // op(A)(i, l) and op(B)(l, j)
                        double x = transA ? get(a, a0 + l * lda + i) : get(a, a0 + i * lda + l);
                        double y = transB ? get(b, b0 + j * ldb + l) : get(b, b0 + l * ldb + j);
                        sum += x * y;
                    }
                    int at = c0 + i * ldc + j;
                    // beta == 0 never reads C, so NaNs left in it do not survive
                    set(c, at, beta == 0 ? alpha * sum : alpha * sum + beta * get(c, at));
                }
            }
        }
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    protected void biasAddForwardKernel(HostBuffer out, HostBuffer in, HostBuffer bias, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                set(out, r * cols + j, get(in, r * cols + j) + get(bias, j));
            }
        }
    }

    @Override
    protected void biasAddBackwardKernel(HostBuffer dIn, HostBuffer dBias, HostBuffer dOut, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double g = get(dOut, r * cols + j);
                if (dIn != null) {
                    addTo(dIn, r * cols + j, g);
                }
                if (dBias != null) {
                    addTo(dBias, j, g);
                }
            }
        }
    }

    @Override
    protected void activationForwardKernel(Activation f, HostBuffer out, HostBuffer in, int n) {
        for (int e = 0; e < n; e++) {
            double v = get(in, e);
            set(out, e, switch (f) {
                // NaN stays NaN, as in PyTorch
                case RELU -> v > 0 || Double.isNaN(v) ? v : 0.0;
                case TANH -> Math.tanh(v);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
                case IDENTITY -> v;
                case EXP -> Math.exp(v);
                // log(1 + e^v) without overflow: v + log(1 + e^-v) for v > 0
                case SOFTPLUS -> v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
            });
        }
    }

    @Override
    protected void activationBackwardKernel(Activation f, HostBuffer dIn, HostBuffer dOut, HostBuffer in,
                                            HostBuffer out, int n) {
        if (dIn == null) {
            return;
        }
        for (int e = 0; e < n; e++) {
            double v = get(in, e);
            double fv = get(out, e);
            // relu'(0) = 0 as in PyTorch; the others differentiate through their output
            double slope = switch (f) {
                case RELU -> v > 0 ? 1.0 : 0.0;
                case TANH -> 1.0 - fv * fv;
                case SIGMOID -> fv * (1.0 - fv);
                case IDENTITY -> 1.0;
                case EXP -> fv;
                // softplus' = sigmoid(v) = 1 - e^-softplus(v)
                case SOFTPLUS -> -Math.expm1(-fv);
            };
            addTo(dIn, e, slope * get(dOut, e));
        }
    }

    @Override
    protected void biasActivationForwardKernel(Activation f, HostBuffer out, HostBuffer in, HostBuffer bias, int rows,
                                               int cols) {
        // the composition the Backend contract defines: the bias sum, then the activation in place
        biasAddForwardKernel(out, in, bias, rows, cols);
        activationForwardKernel(f, out, out, rows * cols);
    }

    @Override
    protected void addForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        for (int e = 0; e < n; e++) {
            set(out, e, get(a, e) + get(b, e));
        }
    }

    @Override
    protected void addBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, int n) {
        for (int e = 0; e < n; e++) {
            if (dA != null) {
                addTo(dA, e, get(dOut, e));
            }
            if (dB != null) {
                addTo(dB, e, get(dOut, e));
            }
        }
    }

    @Override
    protected void mulForwardKernel(HostBuffer out, HostBuffer a, HostBuffer b, int n) {
        for (int e = 0; e < n; e++) {
            set(out, e, get(a, e) * get(b, e));
        }
    }

    @Override
    protected void mulBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dOut, HostBuffer a, HostBuffer b,
                                     int n) {
        for (int e = 0; e < n; e++) {
            // out = a * b  ->  dA += dOut * b, dB += dOut * a
            if (dA != null) {
                addTo(dA, e, get(dOut, e) * get(b, e));
            }
            if (dB != null) {
                addTo(dB, e, get(dOut, e) * get(a, e));
            }
        }
    }

    // ---- attention, recurrent cells and the scan ----------------------------------------------------------------------

    @Override
    protected void attentionForwardKernel(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k, HostBuffer v,
                                          int batch, int positions, int heads, int headWidth, double scale,
                                          boolean causal) {
        ReferenceSequenceKernels.attentionForward(out, lse, q, k, v, batch, positions, heads, headWidth, scale,
                causal);
    }

    @Override
    protected void attentionBackwardKernel(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut,
                                           HostBuffer q, HostBuffer k, HostBuffer v, HostBuffer out, HostBuffer lse,
                                           int batch, int positions, int heads, int headWidth, double scale,
                                           boolean causal) {
        ReferenceSequenceKernels.attentionBackward(dQ, dK, dV, dOut, q, k, v, lse, batch, positions, heads,
                headWidth, scale, causal);
    }

    @Override
    protected void gruCellForwardKernel(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                                        HostBuffer hPrev, int batch, int hidden) {
        ReferenceSequenceKernels.gruCellForward(hNew, gates, gi, gh, hPrev, batch, hidden);
    }

    @Override
    protected void gruCellBackwardKernel(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev, HostBuffer dHNew,
                                         HostBuffer gates, HostBuffer gh, HostBuffer hPrev, int batch, int hidden) {
        ReferenceSequenceKernels.gruCellBackward(dGi, dGh, dHPrev, dHNew, gates, gh, hPrev, batch, hidden);
    }

    @Override
    protected void lstmCellForwardKernel(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi,
                                         HostBuffer gh, HostBuffer cPrev, int batch, int hidden) {
        ReferenceSequenceKernels.lstmCellForward(hNew, cNew, gates, gi, gh, cPrev, batch, hidden);
    }

    @Override
    protected void lstmCellBackwardKernel(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew, HostBuffer dCNew,
                                          HostBuffer gates, HostBuffer cPrev, HostBuffer cNew, int batch,
                                          int hidden) {
        ReferenceSequenceKernels.lstmCellBackward(dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew, batch, hidden);
    }

    @Override
    protected void scanForwardKernel(HostBuffer h, HostBuffer a, HostBuffer b, int batch, int positions,
                                     int channels, boolean reverse) {
        ReferenceSequenceKernels.scanForward(h, a, b, batch, positions, channels, reverse);
    }

    @Override
    protected void scanBackwardKernel(HostBuffer dA, HostBuffer dB, HostBuffer dH, HostBuffer a, HostBuffer h,
                                      int batch, int positions, int channels, boolean reverse) {
        ReferenceSequenceKernels.scanBackward(dA, dB, dH, a, h, batch, positions, channels, reverse);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    protected void mseForwardKernel(HostBuffer loss, HostBuffer pred, HostBuffer target, int n) {
        double sum = 0;
        for (int e = 0; e < n; e++) {
            double diff = get(pred, e) - get(target, e);
            sum += diff * diff;
        }
        set(loss, 0, sum / n);
    }

    @Override
    protected void mseBackwardKernel(HostBuffer dPred, HostBuffer dLoss, HostBuffer pred, HostBuffer target,
                                     int n) {
        if (dPred == null) {
            return;
        }
        for (int e = 0; e < n; e++) {
            // loss = sum (pred - target)^2 / n  ->  dPred += dLoss 2 (pred - target) / n
            addTo(dPred, e, get(dLoss, 0) * 2.0 * (get(pred, e) - get(target, e)) / n);
        }
    }

    @Override
    protected void adamwUpdateKernel(HostBuffer param, HostBuffer grad, HostBuffer m, HostBuffer v, int n,
                                     double lr, double beta1, double beta2, double eps, double weightDecay,
                                     long step) {
        // as torch.optim.AdamW: decoupled decay first, then the bias-corrected Adam step
        double biasCorrection1 = 1.0 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
        double stepSize = lr / biasCorrection1;
        for (int e = 0; e < n; e++) {
            double gv = get(grad, e);
            double pv = get(param, e) * (1.0 - lr * weightDecay);
            double mv = beta1 * get(m, e) + (1.0 - beta1) * gv;
            double vv = beta2 * get(v, e) + (1.0 - beta2) * gv * gv;
            double denominator = Math.sqrt(vv) / biasCorrection2Sqrt + eps;
            set(m, e, mv);
            set(v, e, vv);
            set(param, e, pv - stepSize * mv / denominator);
        }
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    protected void gatherRowsForwardKernel(HostBuffer out, HostBuffer table, HostBuffer index, int n, int width) {
        ReferenceLayoutKernels.gatherRowsForward(out, table, index, n, width);
    }

    @Override
    protected void gatherRowsBackwardKernel(HostBuffer dTable, HostBuffer dOut, HostBuffer index, int n, int width) {
        ReferenceLayoutKernels.gatherRowsBackward(dTable, dOut, index, n, width);
    }

    @Override
    protected void concatLastForwardKernel(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths,
                                           int total) {
        ReferenceLayoutKernels.concatLastForward(out, parts, rows, widths, total);
    }

    @Override
    protected void concatLastBackwardKernel(List<HostBuffer> dParts, HostBuffer dOut, int rows, int[] widths,
                                            int total) {
        ReferenceLayoutKernels.concatLastBackward(dParts, dOut, rows, widths, total);
    }

    @Override
    protected void sliceLastForwardKernel(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0,
                                          int width) {
        ReferenceLayoutKernels.sliceLastForward(out, in, rows, inWidth, col0, width);
    }

    @Override
    protected void sliceLastBackwardKernel(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth, int col0,
                                           int width) {
        ReferenceLayoutKernels.sliceLastBackward(dIn, dOut, rows, inWidth, col0, width);
    }
}
