package org.samplex.api;

import java.util.List;
import org.samplex.api.rng.RngStream;

/**
 * A place to allocate buffers and run the closed set of kernel families samplex needs.
 *
 * <p>Dimension letters (used in shape comments): B batch, N positions, D token width, H heads, hd head width,
 * h hidden size, C scan channels, M/Nc/K matrix product sizes. All matrices are row-major. Every tensor parameter is a
 * {@link Buffer} (possibly a slice); its shape is given in the comment beside it.
 *
 * <p>Contracts shared by every kernel:
 * <ul>
 *   <li>Forward kernels overwrite their outputs. Backward kernels ADD into gradient buffers; the caller zeroes
 *       them. A {@code null} gradient argument means "not needed" and is skipped.</li>
 *   <li>Buffers must have this backend's {@link #dtype()} (index buffers {@link DType#INT32}) and come from this
 *       backend; outputs must not overlap inputs unless a method says so.</li>
 *   <li>Same inputs, same thread count: the same bits out. Reductions use a fixed order.</li>
 *   <li>A closed backend or buffer throws {@link IllegalStateException}; a size mismatch throws
 *       {@link IllegalArgumentException} naming the argument.</li>
 * </ul>
 *
 * <p>Ownership: the backend owns its handles, thread pools and workspaces and releases them on {@link #close};
 * buffers it allocated are owned by the caller, and closing the backend also releases any still open.
 *
 * <p>Writing one: extend {@link CheckedBackend}, which implements every method of this interface as a final entry
 * point that checks its arguments (with the messages above, the same on every backend) and then calls a protected
 * hook that only computes; {@link CheckedMemory} under it keeps the buffer bookkeeping and {@link AbstractBuffer}
 * the buffers' lifecycle.
 *
 * <p>New kernel families: a family added after backends were written gets a {@code default} here (and a default hook
 * in {@link CheckedBackend}) that throws {@link UnsupportedOperationException} naming the family
 * ({@link KernelChecks#unsupported}), so a plug-in backend keeps compiling and fails only where a learner calls
 * the family. The linear scan is such a family; {@link #biasActivationForward}, a fusion, defaults to its two
 * unfused kernels instead.
 */
public interface Backend extends AutoCloseable {

    /** The provider name this backend was opened from. */
    String name();

    /** The floating-point type this backend computes in (FLOAT64 for the reference, FLOAT32 otherwise). */
    DType dtype();

    /** Host threads this backend uses for kernels (1 when single-threaded). */
    int threads();

    // ---- memory -------------------------------------------------------------------------------------------

    /** A new zero-filled buffer of {@code length} elements of {@code type}; the caller owns and closes it. */
    Buffer allocate(DType type, long length);

    /** A new zero-filled buffer of the backend's float type. */
    default Buffer allocate(long length) {
        return allocate(dtype(), length);
    }

    /** Root buffers allocated and not yet closed (for leak tests and {@code doctor}). */
    long liveBuffers();

    /** Bytes held by root buffers not yet closed. */
    long liveBytes();

    /**
     * About how many more bytes of buffers this backend can allocate now, so that a run that cannot fit is refused
     * before it allocates (an estimate: a host backend's buffers share the Java heap with everything else); -1
     * when the backend cannot tell. The default cannot.
     */
    default long memoryAvailable() {
        return -1;
    }

    /** The most elements one buffer may hold (a Java array's limit, less a margin, on every shipped backend). */
    default long maxBufferLength() {
        return Integer.MAX_VALUE - 64;
    }

    void copyFromHost(Buffer dst, float[] src);

    void copyFromHost(Buffer dst, double[] src);

    void copyFromHost(Buffer dst, int[] src);

    void copyToHost(Buffer src, float[] dst);

    void copyToHost(Buffer src, double[] dst);

    void copyToHost(Buffer src, int[] dst);

    /** dst = src, element for element (same type and length). */
    void copy(Buffer dst, Buffer src);

    /** Waits until all queued work is done (a no-op on host backends). */
    default void synchronize() {
    }

    // ---- fill and random numbers (Philox4x32-10, see RngStream for the exact element mapping) --------------

    /** dst[i] = value. */
    void fill(Buffer dst, double value);

    /** dst[i] = lo + (hi - lo) * U_i, U_i = stream.uniform(substream, i) in [0, 1). */
    void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi);

    /** dst[i] = mean + std * Z_i, Z_i = stream.normal(substream, i). */
    void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std);

    /** dst[i] = stream.uniformInt(substream, i, bound), in [0, bound); dst is INT32. */
    void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound);

    // ---- gemm -----------------------------------------------------------------------------------------------

    /**
     * Strided batched matrix product: for p in [0, batch):
     * {@code C_p = alpha * op(A_p) * op(B_p) + beta * C_p}, with op(A_p) (m, k), op(B_p) (k, n), C_p (m, n).
     * Element (i, j) of a non-transposed X_p is {@code x[p * strideX + i * ldx + j]}; a transposed operand is
     * stored as its transpose. When beta is 0, C is not read (NaNs in it are overwritten).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, Buffer a, int lda, long strideA,
              Buffer b, int ldb, long strideB,
              double beta, Buffer c, int ldc, long strideC, int batch);

    /** One dense product C (m, n) = alpha op(A) op(B) + beta C with tightly packed operands. */
    default void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Buffer a, Buffer b,
                      double beta, Buffer c) {
        gemm(transA, transB, m, n, k, alpha, a, transA ? m : k, 0, b, transB ? k : n, 0, beta, c, n, 0, 1);
    }

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    /** out (rows, cols) = in (rows, cols) + bias (cols) broadcast over rows; out may be in. */
    void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols);

    /** dBias (cols) += column sums of dOut (rows, cols); dIn (rows, cols) += dOut. */
    void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols);

    /** out (n) = f(in (n)); out may be in. */
    void activationForward(Activation f, Buffer out, Buffer in, long n);

    /** dIn (n) += f'(in) * dOut, using in (n) or out (n) = f(in) as each f needs (both are given). */
    void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n);

    /**
     * out (rows, cols) = f(in + bias), the bias (cols) broadcast over rows; out may be in. By default
     * {@link #biasAddForward} then {@link #activationForward} in place; a backend may fuse the two into one pass
     * (same result up to rounding of the sum, which both forms round to float once). The pre-activation is not
     * kept: every {@link Activation}'s derivative follows from its output (relu's from out > 0), so the backward
     * is {@link #activationBackward} with out passed as both in and out, then {@link #biasAddBackward}.
     */
    default void biasActivationForward(Activation f, Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        biasAddForward(out, in, bias, rows, cols);
        activationForward(f, out, out, (long) rows * cols);
    }

    /** out (n) = a (n) + b (n). */
    void addForward(Buffer out, Buffer a, Buffer b, long n);

    /** dA (n) += dOut; dB (n) += dOut. */
    void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n);

    /** out (n) = a (n) * b (n). */
    void mulForward(Buffer out, Buffer a, Buffer b, long n);

    /** dA (n) += dOut * b; dB (n) += dOut * a. */
    void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n);

    // ---- attention ----------------------------------------------------------------------------------------------

    /**
     * Fused multi-head softmax attention over N positions. Head j of position i reads columns
     * [j*hd, (j+1)*hd) of q, k and v: full-width heads have hd = D, split heads hd = D / H.
     * {@code out[b,i,j] = sum_t softmax_t(scale * <q[b,i,j], k[b,t,j]>) v[b,t,j]}, t over all N positions or,
     * when causal, t <= i.
     *
     * @param out (B, N, H*hd) output
     * @param lse (B, H, N) log-sum-exp of the scaled scores of each query, kept for the backward pass
     * @param q   (B, N, H*hd) queries
     * @param k   (B, N, H*hd) keys
     * @param v   (B, N, H*hd) values
     */
    void attentionForward(Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                          int batch, int positions, int heads, int headWidth, double scale, boolean causal);

    /**
     * Backward of {@link #attentionForward}: adds into dQ, dK, dV (each (B, N, H*hd)), given dOut (B, N, H*hd)
     * and the forward's inputs, out and lse.
     */
    void attentionBackward(Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                           Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                           int batch, int positions, int heads, int headWidth, double scale, boolean causal);

    // ---- recurrent cells (PyTorch gate order and equations) -----------------------------------------------------

    /**
     * GRU cell, gates in PyTorch's order (r, z, n): with gi = x W_ih^T + b_ih and gh = h W_hh^T + b_hh,
     * r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r * gh_n), h' = (1 - z) n + z h.
     *
     * @param hNew  (B, h) output h'
     * @param gates (B, 3h) output: r, z, n kept for the backward pass
     * @param gi    (B, 3h) input projection
     * @param gh    (B, 3h) hidden projection
     * @param hPrev (B, h)
     */
    void gruCellForward(Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev, int batch, int hidden);

    /** Backward of the GRU cell: adds into dGi (B, 3h), dGh (B, 3h) and dHPrev (B, h) given dHNew (B, h). */
    void gruCellBackward(Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                         Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden);

    /**
     * One GRU time step with its inputs gathered, for a recurrence that keeps every step's input projection in one
     * tensor: giT (B, 3h) = columns [giOffset, giOffset + 3h) of gi's rows of giWidth, ghb (B, 3h) = gh + biasHh
     * broadcast over rows (gh itself when biasHh is null), then {@link #gruCellForward}(hNew, gates, giT, ghb,
     * hPrev). The result is that of {@link #sliceLastForward}, {@link #biasAddForward} (or {@link #copy}) and the
     * cell in that order, which is what this default runs; a device backend may fuse them into one launch (cuda
     * does). giT and ghb are written.
     *
     * @param ghb (B, 3h) output: gh + b_hh, kept for the backward pass
     */
    default void gruStepForward(Buffer hNew, Buffer gates, Buffer giT, Buffer ghb, Buffer gi, int giWidth,
                                int giOffset, Buffer gh, Buffer biasHh, Buffer hPrev, int batch, int hidden) {
        sliceLastForward(giT, gi, batch, giWidth, giOffset, 3 * hidden);
        if (biasHh != null) {
            biasAddForward(ghb, gh, biasHh, batch, 3 * hidden);
        } else {
            copy(ghb, gh);
        }
        gruCellForward(hNew, gates, giT, ghb, hPrev, batch, hidden);
    }

    /**
     * Backward of {@link #gruStepForward} but its bias: adds the cell's gradients into dGhb (B, 3h), dHPrev (B, h)
     * and dGi's columns [giOffset, giOffset + 3h) (any may be null), given dHNew. The default zeroes dGiT (B, 3h,
     * scratch), runs {@link #gruCellBackward} into it and adds it into dGi with {@link #sliceLastBackward}.
     */
    default void gruStepBackward(Buffer dGi, Buffer dGiT, int giWidth, int giOffset, Buffer dGhb, Buffer dHPrev,
                                 Buffer dHNew, Buffer gates, Buffer ghb, Buffer hPrev, int batch, int hidden) {
        if (dGi == null) {
            gruCellBackward(null, dGhb, dHPrev, dHNew, gates, ghb, hPrev, batch, hidden);
            return;
        }
        fill(dGiT, 0.0);
        gruCellBackward(dGiT, dGhb, dHPrev, dHNew, gates, ghb, hPrev, batch, hidden);
        sliceLastBackward(dGi, dGiT, batch, giWidth, giOffset, 3 * hidden);
    }

    /**
     * LSTM cell, gates in PyTorch's order (i, f, g, o): with pre = gi + gh (each (B, 4h)),
     * i = sigmoid, f = sigmoid, g = tanh, o = sigmoid of their slices, c' = f c + i g, h' = o tanh(c').
     *
     * @param hNew  (B, h) output h'
     * @param cNew  (B, h) output c'
     * @param gates (B, 4h) output: activated i, f, g, o kept for the backward pass
     * @param gi    (B, 4h) input projection
     * @param gh    (B, 4h) hidden projection
     * @param cPrev (B, h)
     */
    void lstmCellForward(Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh, Buffer cPrev,
                         int batch, int hidden);

    /**
     * Backward of the LSTM cell: adds into dPre (B, 4h) (the gradient of gi and of gh alike) and dCPrev (B, h),
     * given dHNew and dCNew (B, h; dCNew may be null).
     */
    void lstmCellBackward(Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                          Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden);

    // ---- linear recurrence scan -----------------------------------------------------------------------------------

    /**
     * Linear recurrence scan, elementwise over C channels: {@code h_t = a_t * h_{t-1} + b_t} from a zero state,
     * t running over the N positions of each batch row in order (t = 0..N-1 with h_{-1} = 0) or, when reverse,
     * from N-1 down to 0 (h_N = 0). Element (b, t, c) of each operand is at {@code (b N + t) C + c}. It is the
     * selective scan of Mamba (C = channels * state, a = exp(Delta A), b = Delta B x) and the minimal GRU's
     * recurrence (a = 1 - z, b = z h~). A backend written before this family existed inherits this default, which
     * throws {@link UnsupportedOperationException}, so it keeps compiling and fails only where a learner scans.
     *
     * @param h (B, N, C) output
     * @param a (B, N, C) decay
     * @param b (B, N, C) input
     */
    default void scanForward(Buffer h, Buffer a, Buffer b, int batch, int positions, int channels,
                             boolean reverse) {
        throw KernelChecks.unsupported(name(), "linear scan", "scanForward, scanBackward");
    }

    /**
     * Backward of {@link #scanForward}: with g_t the total gradient of h_t, accumulated against the scan order
     * ({@code g_t = dH_t + a_{t+1} g_{t+1}}, a_{t+1} the next position's decay in scan order, zero past the end),
     * adds {@code g_t h_{t-1}} into dA and {@code g_t} into dB (h_{t-1} the previous state in scan order, zero at
     * the start). Either gradient may be null.
     *
     * @param dA (B, N, C)
     * @param dB (B, N, C)
     * @param dH (B, N, C) upstream gradient of h
     * @param a  (B, N, C) the forward's decay
     * @param h  (B, N, C) the forward's output
     */
    default void scanBackward(Buffer dA, Buffer dB, Buffer dH, Buffer a, Buffer h, int batch, int positions,
                              int channels, boolean reverse) {
        throw KernelChecks.unsupported(name(), "linear scan", "scanForward, scanBackward");
    }

    // ---- task data ------------------------------------------------------------------------------------------------

    /**
     * Whether this backend generates qSTR prompts itself ({@link #qstrPrompts}), so that a run's prompts never
     * cross from the host. False by default; the host backends' memory is the host's, so they have no need.
     */
    default boolean generatesQstr() {
        return false;
    }

    /**
     * Writes prompts [first, first + count) of {@code stream} of the qSTR task {@code task}: input (count, N, D) and
     * labels (count, N), the numbers data's {@code QstrSampler} gives the same task, stream and indices, rounded
     * to this backend's float type. A backend written before this family existed inherits this default, which
     * throws {@link UnsupportedOperationException}; callers ask {@link #generatesQstr} first.
     */
    default void qstrPrompts(QstrPrompts task, Buffer input, Buffer labels, RngStream stream, long first,
                             int count) {
        throw KernelChecks.unsupported(name(), "qSTR prompts", "qstrPrompts");
    }

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    /** loss (1) = mean over n of (pred - target)^2. */
    void mseForward(Buffer loss, Buffer pred, Buffer target, long n);

    /** dPred (n) += dLoss[0] * 2 (pred - target) / n; dLoss has one element. */
    void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n);

    /**
     * One AdamW step over n parameters, as torch.optim.AdamW: p -= lr wd p; m = b1 m + (1-b1) g;
     * v = b2 v + (1-b2) g^2; p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps). step t counts from 1.
     */
    void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                     double lr, double beta1, double beta2, double eps, double weightDecay, long step);

    // ---- indexing and layout ------------------------------------------------------------------------------------------

    /** out (n, w) row r = table (rows, w) row index[r]; index (n) is INT32 in [0, rows). */
    void gatherRowsForward(Buffer out, Buffer table, Buffer index, int n, int width);

    /** dTable row index[r] += dOut (n, w) row r. */
    void gatherRowsBackward(Buffer dTable, Buffer dOut, Buffer index, int n, int width);

    /** out (rows, sum widths) = the parts (rows, widths[p]) side by side along the last axis. */
    void concatLastForward(Buffer out, List<Buffer> parts, int rows, int[] widths);

    /** dParts[p] (rows, widths[p]) += its columns of dOut; null entries are skipped. */
    void concatLastBackward(List<Buffer> dParts, Buffer dOut, int rows, int[] widths);

    /** out (rows, width) = columns [col0, col0 + width) of in (rows, inWidth). */
    void sliceLastForward(Buffer out, Buffer in, int rows, int inWidth, int col0, int width);

    /** columns [col0, col0 + width) of dIn (rows, inWidth) += dOut (rows, width). */
    void sliceLastBackward(Buffer dIn, Buffer dOut, int rows, int inWidth, int col0, int width);

    /** Releases everything this backend holds, including buffers still open. Closing twice is a no-op. */
    @Override
    void close();
}
