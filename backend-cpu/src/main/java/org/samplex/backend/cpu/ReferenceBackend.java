package org.samplex.backend.cpu;

import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * The oracle: every kernel of {@link org.samplex.api.Backend} in plain scalar float64 Java, one thread, written
 * to be read rather than to be fast. Every other backend is checked against it, and it is itself checked by
 * central finite differences, so each loop follows the equation in the Backend Javadoc as literally as it can.
 *
 * <p>Sizes are validated before anything is written; a wrong size is an {@link IllegalArgumentException} that
 * names the kernel and the argument. The attention and recurrent cells live in {@link ReferenceSequenceKernels},
 * the indexing and layout kernels in {@link ReferenceLayoutKernels}.
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

    static int positive(String what, long value) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be in [1, " + Integer.MAX_VALUE + "], got " + value);
        }
        return (int) value;
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    public void fill(Buffer dst, double value) {
        if (dst != null && dst.dtype() == DType.INT32) {
            HostBuffer t = arg("fill dst", dst, DType.INT32, 1);
            if (value != (int) value) {
                throw new IllegalArgumentException("fill value: an INT32 buffer takes an integer, got " + value);
            }
            for (int e = 0; e < t.length; e++) {
                t.i[t.offset + e] = (int) value;
            }
            return;
        }
        HostBuffer t = arg("fill dst", dst, 1);
        for (int e = 0; e < t.length; e++) {
            set(t, e, value);
        }
    }

    @Override
    public void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        HostBuffer t = arg("fillUniform dst", dst, 1);
        // element e is word e % 4 of the block e / 4
        int[] words = new int[4];
        for (int e = 0; e < t.length; e++) {
            if (e % 4 == 0) {
                stream.block(e / 4, substream, words);
            }
            set(t, e, lo + (hi - lo) * RngStream.uniformFromWord(words[e % 4]));
        }
    }

    @Override
    public void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        HostBuffer t = arg("fillNormal dst", dst, 1);
        // element e uses words (2 (e % 2), 2 (e % 2) + 1) of the block e / 2
        int[] words = new int[4];
        for (int e = 0; e < t.length; e++) {
            if (e % 2 == 0) {
                stream.block(e / 2, substream, words);
            }
            int w = 2 * (e % 2);
            set(t, e, mean + std * RngStream.normalFromWords(words[w], words[w + 1]));
        }
    }

    @Override
    public void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        HostBuffer t = arg("fillUniformInt dst", dst, DType.INT32, 1);
        positive("fillUniformInt bound", bound);
        int[] words = new int[4];
        for (int e = 0; e < t.length; e++) {
            if (e % 4 == 0) {
                stream.block(e / 4, substream, words);
            }
            t.i[t.offset + e] = RngStream.intFromWord(words[e % 4], bound);
        }
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
        for (int p = 0; p < batch; p++) {
            int a0 = Math.toIntExact(p * strideA);
            int b0 = Math.toIntExact(p * strideB);
            int c0 = Math.toIntExact(p * strideC);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int l = 0; l < k; l++) {
                        // op(A)(i, l) and op(B)(l, j)
                        double x = transA ? get(ha, a0 + l * lda + i) : get(ha, a0 + i * lda + l);
                        double y = transB ? get(hb, b0 + j * ldb + l) : get(hb, b0 + l * ldb + j);
                        sum += x * y;
                    }
                    int at = c0 + i * ldc + j;
                    // beta == 0 never reads C, so NaNs left in it do not survive
                    set(hc, at, beta == 0 ? alpha * sum : alpha * sum + beta * get(hc, at));
                }
            }
        }
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
        HostBuffer o = arg("biasAddForward out", out, size);
        HostBuffer x = arg("biasAddForward in", in, size);
        HostBuffer hb = arg("biasAddForward bias", bias, cols);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                set(o, r * cols + j, get(x, r * cols + j) + get(hb, j));
            }
        }
    }

    @Override
    public void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long size = (long) positive("biasAddBackward rows", rows) * positive("biasAddBackward cols", cols);
        HostBuffer dx = optional("biasAddBackward dIn", dIn, size);
        HostBuffer db = optional("biasAddBackward dBias", dBias, cols);
        HostBuffer dy = arg("biasAddBackward dOut", dOut, size);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double g = get(dy, r * cols + j);
                if (dx != null) {
                    addTo(dx, r * cols + j, g);
                }
                if (db != null) {
                    addTo(db, j, g);
                }
            }
        }
    }

    @Override
    public void activationForward(Activation f, Buffer out, Buffer in, long n) {
        int size = positive("activationForward n", n);
        HostBuffer o = arg("activationForward out", out, size);
        HostBuffer x = arg("activationForward in", in, size);
        for (int e = 0; e < size; e++) {
            double v = get(x, e);
            set(o, e, switch (f) {
                case RELU -> v > 0 ? v : 0.0;
                case TANH -> Math.tanh(v);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
                case IDENTITY -> v;
            });
        }
    }

    @Override
    public void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        int size = positive("activationBackward n", n);
        HostBuffer dx = optional("activationBackward dIn", dIn, size);
        HostBuffer dy = arg("activationBackward dOut", dOut, size);
        HostBuffer x = arg("activationBackward in", in, size);
        HostBuffer y = arg("activationBackward out", out, size);
        if (dx == null) {
            return;
        }
        for (int e = 0; e < size; e++) {
            double v = get(x, e);
            double fv = get(y, e);
            // relu'(0) = 0 as in PyTorch; tanh and sigmoid differentiate through their output
            double slope = switch (f) {
                case RELU -> v > 0 ? 1.0 : 0.0;
                case TANH -> 1.0 - fv * fv;
                case SIGMOID -> fv * (1.0 - fv);
                case IDENTITY -> 1.0;
            };
            addTo(dx, e, slope * get(dy, e));
        }
    }

    @Override
    public void addForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("addForward n", n);
        HostBuffer o = arg("addForward out", out, size);
        HostBuffer x = arg("addForward a", a, size);
        HostBuffer y = arg("addForward b", b, size);
        for (int e = 0; e < size; e++) {
            set(o, e, get(x, e) + get(y, e));
        }
    }

    @Override
    public void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        int size = positive("addBackward n", n);
        HostBuffer da = optional("addBackward dA", dA, size);
        HostBuffer db = optional("addBackward dB", dB, size);
        HostBuffer dy = arg("addBackward dOut", dOut, size);
        for (int e = 0; e < size; e++) {
            if (da != null) {
                addTo(da, e, get(dy, e));
            }
            if (db != null) {
                addTo(db, e, get(dy, e));
            }
        }
    }

    @Override
    public void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("mulForward n", n);
        HostBuffer o = arg("mulForward out", out, size);
        HostBuffer x = arg("mulForward a", a, size);
        HostBuffer y = arg("mulForward b", b, size);
        for (int e = 0; e < size; e++) {
            set(o, e, get(x, e) * get(y, e));
        }
    }

    @Override
    public void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        int size = positive("mulBackward n", n);
        HostBuffer da = optional("mulBackward dA", dA, size);
        HostBuffer db = optional("mulBackward dB", dB, size);
        HostBuffer dy = arg("mulBackward dOut", dOut, size);
        HostBuffer x = arg("mulBackward a", a, size);
        HostBuffer y = arg("mulBackward b", b, size);
        for (int e = 0; e < size; e++) {
            // out = a * b  ->  dA += dOut * b, dB += dOut * a
            if (da != null) {
                addTo(da, e, get(dy, e) * get(y, e));
            }
            if (db != null) {
                addTo(db, e, get(dy, e) * get(x, e));
            }
        }
    }

    // ---- attention and recurrent cells --------------------------------------------------------------------------

    @Override
    public void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        ReferenceSequenceKernels.attentionForward(this, out, lse, q, k, v, batch, positions, heads, headWidth, scale,
                causal);
    }

    @Override
    public void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                  Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        ReferenceSequenceKernels.attentionBackward(this, dQ, dK, dV, dOut, q, k, v, out, lse, batch, positions, heads,
                headWidth, scale, causal);
    }

    @Override
    public void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch, int hidden) {
        ReferenceSequenceKernels.gruCellForward(this, hNew, gates, gi, gh, hPrev, batch, hidden);
    }

    @Override
    public void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        ReferenceSequenceKernels.gruCellBackward(this, dGi, dGh, dHPrev, dHNew, gates, gh, hPrev, batch, hidden);
    }

    @Override
    public void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                int batch, int hidden) {
        ReferenceSequenceKernels.lstmCellForward(this, hNew, cNew, gates, gi, gh, cPrev, batch, hidden);
    }

    @Override
    public void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                 Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        ReferenceSequenceKernels.lstmCellBackward(this, dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew, batch,
                hidden);
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    public void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        int size = positive("mseForward n", n);
        HostBuffer l = arg("mseForward loss", loss, 1);
        HostBuffer p = arg("mseForward pred", pred, size);
        HostBuffer t = arg("mseForward target", target, size);
        double sum = 0;
        for (int e = 0; e < size; e++) {
            double diff = get(p, e) - get(t, e);
            sum += diff * diff;
        }
        set(l, 0, sum / size);
    }

    @Override
    public void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        int size = positive("mseBackward n", n);
        HostBuffer dp = optional("mseBackward dPred", dPred, size);
        HostBuffer dl = arg("mseBackward dLoss", dLoss, 1);
        HostBuffer p = arg("mseBackward pred", pred, size);
        HostBuffer t = arg("mseBackward target", target, size);
        if (dp == null) {
            return;
        }
        for (int e = 0; e < size; e++) {
            // loss = sum (pred - target)^2 / n  ->  dPred += dLoss 2 (pred - target) / n
            addTo(dp, e, get(dl, 0) * 2.0 * (get(p, e) - get(t, e)) / size);
        }
    }

    @Override
    public void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                            double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        int size = positive("adamwUpdate n", n);
        if (step < 1) {
            throw new IllegalArgumentException("adamwUpdate step counts from 1, got " + step);
        }
        HostBuffer p = arg("adamwUpdate param", param, size);
        HostBuffer g = arg("adamwUpdate grad", grad, size);
        HostBuffer hm = arg("adamwUpdate m", m, size);
        HostBuffer hv = arg("adamwUpdate v", v, size);
        // as torch.optim.AdamW: decoupled decay first, then the bias-corrected Adam step
        double biasCorrection1 = 1.0 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
        double stepSize = lr / biasCorrection1;
        for (int e = 0; e < size; e++) {
            double gv = get(g, e);
            double pv = get(p, e) * (1.0 - lr * weightDecay);
            double mv = beta1 * get(hm, e) + (1.0 - beta1) * gv;
            double vv = beta2 * get(hv, e) + (1.0 - beta2) * gv * gv;
            double denominator = Math.sqrt(vv) / biasCorrection2Sqrt + eps;
            set(hm, e, mv);
            set(hv, e, vv);
            set(p, e, pv - stepSize * mv / denominator);
        }
    }

    // ---- indexing and layout ----------------------------------------------------------------------------------

    @Override
    public void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        ReferenceLayoutKernels.gatherRowsForward(this, out, table, index, n, width);
    }

    @Override
    public void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        ReferenceLayoutKernels.gatherRowsBackward(this, dTable, dOut, index, n, width);
    }

    @Override
    public void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        ReferenceLayoutKernels.concatLastForward(this, out, parts, rows, widths);
    }

    @Override
    public void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        ReferenceLayoutKernels.concatLastBackward(this, dParts, dOut, rows, widths);
    }

    @Override
    public void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        ReferenceLayoutKernels.sliceLastForward(this, out, in, rows, inWidth, col0, width);
    }

    @Override
    public void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        ReferenceLayoutKernels.sliceLastBackward(this, dIn, dOut, rows, inWidth, col0, width);
    }
}
