package org.samplex.experiment.metering;

import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.QstrPrompts;
import org.samplex.api.rng.RngStream;

/**
 * A forwarding backend that brackets every kernel call with {@link #begin} and {@link #end}, naming the call's
 * {@link KernelFamily}: the one place that says which family each {@link Backend} method belongs to, shared by
 * the decorators that measure something per family ({@link TimedBackend}: wall time; tests: heap bytes).
 * Identity, memory and synchronization calls are forwarded without metering.
 *
 * <p>Buffers are the wrapped backend's own, so they may be mixed with it freely. Ownership is the wrapped
 * backend's too: {@link #close} closes it, so a caller that keeps owning the wrapped backend simply does not close
 * this one.
 */
public abstract class MeteredBackend implements Backend {

    /** The backend every call goes to. */
    protected final Backend backend;

    protected MeteredBackend(Backend backend) {
        this.backend = backend;
    }

    /** The backend every call goes to. */
    public Backend delegate() {
        return backend;
    }

    /** Called before each kernel call; its result is handed to {@link #end}. Must not allocate. */
    protected abstract long begin();

    /** Called after each kernel call of {@code family}, with what {@link #begin} returned. Must not allocate. */
    protected abstract void end(KernelFamily family, long start);

    // ---- identity and memory: not kernels, not metered -------------------------------------------------------

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public DType dtype() {
        return backend.dtype();
    }

    @Override
    public int threads() {
        return backend.threads();
    }

    @Override
    public Buffer allocate(DType type, long length) {
        return backend.allocate(type, length);
    }

    @Override
    public Buffer allocate(long length) {
        return backend.allocate(length);
    }

    @Override
    public long liveBuffers() {
        return backend.liveBuffers();
    }

    @Override
    public long liveBytes() {
        return backend.liveBytes();
    }

    @Override
    public long memoryAvailable() {
        return backend.memoryAvailable();
    }

    @Override
    public long maxBufferLength() {
        return backend.maxBufferLength();
    }

    @Override
    public void synchronize() {
        backend.synchronize();
    }

    @Override
    public void close() {
        backend.close();
    }

    // ---- copies and fills: pointwise ----------------------------------------------------------------------------

    @Override
    public void copyFromHost(Buffer dst, float[] src) {
        long t = begin();
        backend.copyFromHost(dst, src);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copyFromHost(Buffer dst, double[] src) {
        long t = begin();
        backend.copyFromHost(dst, src);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copyFromHost(Buffer dst, int[] src) {
        long t = begin();
        backend.copyFromHost(dst, src);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copyToHost(Buffer src, float[] dst) {
        long t = begin();
        backend.copyToHost(src, dst);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copyToHost(Buffer src, double[] dst) {
        long t = begin();
        backend.copyToHost(src, dst);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copyToHost(Buffer src, int[] dst) {
        long t = begin();
        backend.copyToHost(src, dst);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        long t = begin();
        backend.copy(dst, src);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void fill(Buffer dst, double value) {
        long t = begin();
        backend.fill(dst, value);
        end(KernelFamily.POINTWISE, t);
    }

    // ---- random fills: data ---------------------------------------------------------------------------------------

    @Override
    public void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        long t = begin();
        backend.fillUniform(dst, stream, substream, lo, hi);
        end(KernelFamily.DATA, t);
    }

    @Override
    public void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        long t = begin();
        backend.fillNormal(dst, stream, substream, mean, std);
        end(KernelFamily.DATA, t);
    }

    @Override
    public void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        long t = begin();
        backend.fillUniformInt(dst, stream, substream, bound);
        end(KernelFamily.DATA, t);
    }

    @Override
    public boolean generatesQstr() {
        return backend.generatesQstr();
    }

    @Override
    public void qstrPrompts(QstrPrompts task, Buffer input, Buffer labels, RngStream stream, long first, int count) {
        long t = begin();
        backend.qstrPrompts(task, input, labels, stream, first, count);
        end(KernelFamily.DATA, t);
    }

    // ---- gemm ------------------------------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Buffer a, int lda, long strideA,
                     Buffer b, int ldb, long strideB,
                     double beta, Buffer c, int ldc, long strideC, int batch) {
        long t = begin();
        backend.gemm(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
        end(KernelFamily.GEMM, t);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Buffer a, Buffer b,
                     double beta, Buffer c) {
        long t = begin();
        backend.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        end(KernelFamily.GEMM, t);
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------------

    @Override
    public void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long t = begin();
        backend.biasAddForward(out, in, bias, rows, cols);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long t = begin();
        backend.biasAddBackward(dIn, dBias, dOut, rows, cols);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void activationForward(Activation f, Buffer out, Buffer in, long n) {
        long t = begin();
        backend.activationForward(f, out, in, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void biasActivationForward(Activation f, Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long t = begin();
        backend.biasActivationForward(f, out, in, bias, rows, cols);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        long t = begin();
        backend.activationBackward(f, dIn, dOut, in, out, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void addForward(Buffer out, Buffer a, Buffer b, long n) {
        long t = begin();
        backend.addForward(out, a, b, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        long t = begin();
        backend.addBackward(dA, dB, dOut, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        long t = begin();
        backend.mulForward(out, a, b, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        long t = begin();
        backend.mulBackward(dA, dB, dOut, a, b, n);
        end(KernelFamily.POINTWISE, t);
    }

    // ---- attention --------------------------------------------------------------------------------------------------

    @Override
    public void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        long t = begin();
        backend.attentionForward(out, lse, q, k, v, batch, positions, heads, headWidth, scale, causal);
        end(KernelFamily.ATTENTION, t);
    }

    @Override
    public void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                  Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        long t = begin();
        backend.attentionBackward(dQ, dK, dV, dOut, q, k, v, out, lse, batch, positions, heads, headWidth, scale,
                causal);
        end(KernelFamily.ATTENTION, t);
    }

    // ---- recurrent cells and the scan --------------------------------------------------------------------------------------------

    @Override
    public void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long t = begin();
        backend.gruCellForward(hNew, gates, gi, gh, hPrev, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long t = begin();
        backend.gruCellBackward(dGi, dGh, dHPrev, dHNew, gates, gh, hPrev, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void gruStepForward(Buffer hNew, Buffer gates, Buffer giT, Buffer ghb, Buffer gi, int giWidth,
                               int giOffset, Buffer gh, Buffer biasHh, Buffer hPrev, int batch, int hidden) {
        long t = begin();
        backend.gruStepForward(hNew, gates, giT, ghb, gi, giWidth, giOffset, gh, biasHh, hPrev, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void gruStepBackward(Buffer dGi, Buffer dGiT, int giWidth, int giOffset, Buffer dGhb, Buffer dHPrev,
                                Buffer dHNew, Buffer gates, Buffer ghb, Buffer hPrev, int batch, int hidden) {
        long t = begin();
        backend.gruStepBackward(dGi, dGiT, giWidth, giOffset, dGhb, dHPrev, dHNew, gates, ghb, hPrev, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                                int batch, int hidden) {
        long t = begin();
        backend.lstmCellForward(hNew, cNew, gates, gi, gh, cPrev, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                 Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long t = begin();
        backend.lstmCellBackward(dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew, batch, hidden);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void scanForward(Buffer h, Buffer a, Buffer b, int batch, int positions, int channels, boolean reverse) {
        long t = begin();
        backend.scanForward(h, a, b, batch, positions, channels, reverse);
        end(KernelFamily.RECURRENCE, t);
    }

    @Override
    public void scanBackward(Buffer dA, Buffer dB, Buffer dH, Buffer a, Buffer h, int batch, int positions,
                             int channels, boolean reverse) {
        long t = begin();
        backend.scanBackward(dA, dB, dH, a, h, batch, positions, channels, reverse);
        end(KernelFamily.RECURRENCE, t);
    }

    // ---- loss and optimizer -----------------------------------------------------------------------------------------

    @Override
    public void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        long t = begin();
        backend.mseForward(loss, pred, target, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        long t = begin();
        backend.mseBackward(dPred, dLoss, pred, target, n);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                            double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        long t = begin();
        backend.adamwUpdate(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step);
        end(KernelFamily.OPTIMIZER, t);
    }

    // ---- indexing and layout: pointwise -----------------------------------------------------------------------------

    @Override
    public void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width) {
        long t = begin();
        backend.gatherRowsForward(out, table, index, n, width);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width) {
        long t = begin();
        backend.gatherRowsBackward(dTable, dOut, index, n, width);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths) {
        long t = begin();
        backend.concatLastForward(out, parts, rows, widths);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths) {
        long t = begin();
        backend.concatLastBackward(dParts, dOut, rows, widths);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width) {
        long t = begin();
        backend.sliceLastForward(out, in, rows, inWidth, col0, width);
        end(KernelFamily.POINTWISE, t);
    }

    @Override
    public void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width) {
        long t = begin();
        backend.sliceLastBackward(dIn, dOut, rows, inWidth, col0, width);
        end(KernelFamily.POINTWISE, t);
    }
}
