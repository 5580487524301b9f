package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuVec.LANES;
import static org.samplex.backend.cpu.CpuVec.SPECIES;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.samplex.api.Activation;

/**
 * Element-wise float32 kernels of one backend. Work is cut into fixed chunks of {@link #CHUNK} elements (independent
 * of the thread count), or for the bias kernels fixed blocks of {@link #BIAS_ROWS} rows, each done by one task;
 * together with {@link CpuVec}'s lane-wise loops this makes every element's bits independent of the thread count.
 * Transcendentals are {@link CpuVec}'s float32 exp (sigmoid, tanh, exp), or {@link StrictMath} in double rounded
 * once (softplus): the Vector API's own exp may differ between interpreted and compiled code.
 *
 * <p>Allocation: none per call. The call's operands are fields of this per-backend object (calls on a backend are
 * serial), read by one reusable task per kernel, created with the object; the partial sums of the reductions live
 * in arrays that grow and are kept.
 */
final class CpuPointwise {
    static final int CHUNK = 1 << 14;
    /** Rows per task of the bias kernels: fixed, so the column sums' order does not depend on the thread count. */
    private static final int BIAS_ROWS = 64;

    private final CpuParallel par;

    // ---- the call in progress: y is written (or added into), a and b are read ---------------------------------
    /** Elements of a chunked call. */
    private int n;
    /** Rows and columns of a bias call. */
    private int rows;
    private int cols;
    private float[] y;
    private int yo;
    private float[] a;
    private int ao;
    private float[] b;
    private int bo;
    private float factor;
    /** Per-chunk sums of squares of mse, in chunk order. */
    private double[] squares = new double[0];
    /** Per-block column sums of the bias gradient, (blocks, cols). */
    private float[] columnSums = new float[0];

    // ---- one reusable task per kernel: a fixed call target keeps each kernel's compiled code to itself -----------
    private final IntConsumer reluTask = t -> relu(lo(t), hi(t));
    private final IntConsumer tanhTask = t -> curved(true, yo + lo(t), ao + lo(t), null, 0, hi(t) - lo(t));
    private final IntConsumer sigmoidTask = t -> curved(false, yo + lo(t), ao + lo(t), null, 0, hi(t) - lo(t));
    private final IntConsumer reluBackwardTask = t -> reluBackward(lo(t), hi(t));
    private final IntConsumer tanhBackwardTask = t -> slopeBackward(true, lo(t), hi(t));
    private final IntConsumer sigmoidBackwardTask = t -> slopeBackward(false, lo(t), hi(t));
    private final IntConsumer expTask = t -> smooth(true, lo(t), hi(t));
    private final IntConsumer softplusTask = t -> smooth(false, lo(t), hi(t));
    private final IntConsumer softplusBackwardTask = t -> CpuVec.softplusBackward(y, yo + lo(t), a, ao + lo(t), b,
            bo + lo(t), hi(t) - lo(t));
    private final IntConsumer addTask = t -> CpuVec.add(y, yo + lo(t), a, ao + lo(t), b, bo + lo(t), hi(t) - lo(t));
    private final IntConsumer addIntoTask = t -> CpuVec.addInto(y, yo + lo(t), a, ao + lo(t), hi(t) - lo(t));
    private final IntConsumer mulTask = t -> CpuVec.mul(y, yo + lo(t), a, ao + lo(t), b, bo + lo(t), hi(t) - lo(t));
    private final IntConsumer addProductTask = t -> addProduct(lo(t), hi(t));
    private final IntConsumer squaresTask = t -> squares[t] = squares(lo(t), hi(t));
    private final IntConsumer mseBackwardTask = t -> mseBackward(lo(t), hi(t));
    private final IntConsumer biasAddTask = this::biasAddRows;
    private final IntConsumer columnSumsTask = this::columnSumRows;
    private final IntConsumer biasReluTask = this::biasReluRows;
    private final IntConsumer biasTanhTask = t -> biasCurvedRows(true, t);
    private final IntConsumer biasSigmoidTask = t -> biasCurvedRows(false, t);

    CpuPointwise(CpuParallel par) {
        this.par = par;
    }

    /** First element of chunk t. */
    private static int lo(int t) {
        return t * CHUNK;
    }

    /** End of chunk t. */
    private int hi(int t) {
        return lo(t) + Math.min(CHUNK, n - lo(t));
    }

    private void set(float[] y, int yo, float[] a, int ao, float[] b, int bo) {
        this.y = y;
        this.yo = yo;
        this.a = a;
        this.ao = ao;
        this.b = b;
        this.bo = bo;
    }

    /** Runs {@code task} over [0, n) in fixed chunks; cost is the rough scalar work per element. */
    private void chunks(IntConsumer task, int n, int cost) {
        this.n = n;
        run(task, (n - 1) / CHUNK + 1, (long) n * cost);
    }

    /** Runs the bias {@code task} in blocks of {@link #BIAS_ROWS} rows. */
    private void rowBlocks(IntConsumer task, int rows, int cols, int cost) {
        this.rows = rows;
        this.cols = cols;
        run(task, (rows - 1) / BIAS_ROWS + 1, (long) rows * cols * cost);
    }

    private void run(IntConsumer task, int tasks, long work) {
        try {
            par.forEach(tasks, work, task);
        } finally {
            // the arrays belong to the caller's buffers: not kept past the call
            y = null;
            a = null;
            b = null;
        }
    }

    // ---- activations ------------------------------------------------------------------------------------------

    void activationForward(Activation f, float[] out, int oo, float[] in, int io, int n) {
        switch (f) {
            case RELU -> {
                set(out, oo, in, io, null, 0);
                chunks(reluTask, n, 1);
            }
            case TANH -> {
                set(out, oo, in, io, null, 0);
                chunks(tanhTask, n, 20);
            }
            case SIGMOID -> {
                set(out, oo, in, io, null, 0);
                chunks(sigmoidTask, n, 20);
            }
            case IDENTITY -> {
                if (out != in || oo != io) {
                    System.arraycopy(in, io, out, oo, n);
                }
            }
            case EXP -> {
                set(out, oo, in, io, null, 0);
                chunks(expTask, n, 20);
            }
            case SOFTPLUS -> {
                set(out, oo, in, io, null, 0);
                chunks(softplusTask, n, 40);
            }
        }
    }

    /** y[lo, hi) = exp(a) or softplus(a) ({@link CpuVec#exp(float[], int, int)}, {@link CpuVec#softplus}). */
    private void smooth(boolean exp, int lo, int hi) {
        if (exp) {
            if (y != a || yo != ao) {
                System.arraycopy(a, ao + lo, y, yo + lo, hi - lo);
            }
            CpuVec.exp(y, yo + lo, hi - lo);
        } else {
            CpuVec.softplus(y, yo + lo, a, ao + lo, hi - lo);
        }
    }

    /**
     * y[oo, oo + len) = tanh or sigmoid ({@link CpuVec}, vectorized) of a[io, io + len), plus bias[bo, bo + len)
     * first (as a float sum) when bias is not null.
     */
    private void curved(boolean tanh, int oo, int io, float[] bias, int bo, int len) {
        float[] out = y;
        float[] in = a;
        if (bias != null) {
            CpuVec.add(out, oo, in, io, bias, bo, len);
        } else if (out != in || oo != io) {
            System.arraycopy(in, io, out, oo, len);
        }
        if (tanh) {
            CpuVec.tanh(out, oo, len);
        } else {
            CpuVec.sigmoid(out, oo, len);
        }
    }

    /** max(in, 0) as {@link Math#max}: NaN stays NaN, as in the reference. */
    private void relu(int lo, int hi) {
        float[] out = y;
        float[] in = a;
        int oo = yo;
        int io = ao;
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, in, io + j).max(0f).intoArray(out, oo + j);
        }
        for (; j < hi; j++) {
            out[oo + j] = Math.max(in[io + j], 0f);
        }
    }

    /** dIn += f'(in) dOut: relu reads in (derivative 0 at 0), tanh and sigmoid read out = f(in). */
    void activationBackward(Activation f, float[] dIn, int dio, float[] dOut, int doo, float[] in, int io, float[] out,
                            int oo, int n) {
        switch (f) {
            case RELU -> {
                set(dIn, dio, dOut, doo, in, io);
                chunks(reluBackwardTask, n, 1);
            }
            case TANH -> {
                set(dIn, dio, dOut, doo, out, oo);
                chunks(tanhBackwardTask, n, 2);
            }
            case SIGMOID -> {
                set(dIn, dio, dOut, doo, out, oo);
                chunks(sigmoidBackwardTask, n, 2);
            }
            case IDENTITY -> addInto(dIn, dio, dOut, doo, n);
            // exp' = out
            case EXP -> addProduct(dIn, dio, dOut, doo, out, oo, n);
            case SOFTPLUS -> {
                set(dIn, dio, dOut, doo, out, oo);
                chunks(softplusBackwardTask, n, 30);
            }
        }
    }

    /** y (dIn) += a (dOut) where b (in) > 0. */
    private void reluBackward(int lo, int hi) {
        float[] dIn = y;
        float[] dOut = a;
        float[] in = b;
        int dio = yo;
        int doo = ao;
        int io = bo;
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector g = FloatVector.fromArray(SPECIES, dIn, dio + j);
            var positive = FloatVector.fromArray(SPECIES, in, io + j).compare(VectorOperators.GT, 0f);
            g.add(FloatVector.fromArray(SPECIES, dOut, doo + j), positive).intoArray(dIn, dio + j);
        }
        for (; j < hi; j++) {
            if (in[io + j] > 0f) {
                dIn[dio + j] += dOut[doo + j];
            }
        }
    }

    /** y (dIn) += slope(b = out) a (dOut): tanh' = 1 - out^2, sigmoid' = out (1 - out). */
    private void slopeBackward(boolean tanh, int lo, int hi) {
        float[] dIn = y;
        float[] dOut = a;
        float[] out = b;
        int dio = yo;
        int doo = ao;
        int oo = bo;
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector o = FloatVector.fromArray(SPECIES, out, oo + j);
            FloatVector slope = tanh ? o.mul(o).neg().add(1f) : o.mul(o.neg().add(1f));
            slope.fma(FloatVector.fromArray(SPECIES, dOut, doo + j), FloatVector.fromArray(SPECIES, dIn, dio + j))
                    .intoArray(dIn, dio + j);
        }
        for (; j < hi; j++) {
            float o = out[oo + j];
            float slope = tanh ? -(o * o) + 1f : o * (-o + 1f);
            dIn[dio + j] = Math.fma(slope, dOut[doo + j], dIn[dio + j]);
        }
    }

    // ---- add, mul ------------------------------------------------------------------------------------------------

    /** out = a + b. */
    void add(float[] out, int oo, float[] x, int xo, float[] z, int zo, int n) {
        set(out, oo, x, xo, z, zo);
        chunks(addTask, n, 1);
    }

    /** y += x. */
    void addInto(float[] y, int yo, float[] x, int xo, int n) {
        set(y, yo, x, xo, null, 0);
        chunks(addIntoTask, n, 1);
    }

    /** out = a * b. */
    void mul(float[] out, int oo, float[] x, int xo, float[] z, int zo, int n) {
        set(out, oo, x, xo, z, zo);
        chunks(mulTask, n, 1);
    }

    /** y += x * z, one fused multiply-add per element. */
    void addProduct(float[] y, int yo, float[] x, int xo, float[] z, int zo, int n) {
        set(y, yo, x, xo, z, zo);
        chunks(addProductTask, n, 1);
    }

    private void addProduct(int lo, int hi) {
        float[] acc = y;
        float[] x = a;
        float[] z = b;
        int yo = this.yo;
        int xo = ao;
        int zo = bo;
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xo + j).fma(FloatVector.fromArray(SPECIES, z, zo + j),
                    FloatVector.fromArray(SPECIES, acc, yo + j)).intoArray(acc, yo + j);
        }
        for (; j < hi; j++) {
            acc[yo + j] = Math.fma(x[xo + j], z[zo + j], acc[yo + j]);
        }
    }

    // ---- mse -----------------------------------------------------------------------------------------------------

    /** loss = mean of (pred - target)^2; squares and their sum in double (fixed chunks summed in chunk order). */
    float mse(float[] pred, int po, float[] target, int to, int n) {
        int tasks = (n - 1) / CHUNK + 1;
        if (squares.length < tasks) {
            squares = new double[tasks];
        }
        set(null, 0, pred, po, target, to);
        this.n = n;
        run(squaresTask, tasks, n);
        double sum = 0;
        for (int t = 0; t < tasks; t++) {
            sum += squares[t];
        }
        return (float) (sum / n);
    }

    private double squares(int lo, int hi) {
        float[] pred = a;
        float[] target = b;
        int po = ao;
        int to = bo;
        double s = 0;
        for (int j = lo; j < hi; j++) {
            double d = (double) pred[po + j] - target[to + j];
            s += d * d;
        }
        return s;
    }

    /** dPred += factor (pred - target), factor = dLoss 2 / n rounded to float once. */
    void mseBackward(float[] dPred, int dpo, float factor, float[] pred, int po, float[] target, int to, int n) {
        set(dPred, dpo, pred, po, target, to);
        this.factor = factor;
        chunks(mseBackwardTask, n, 2);
    }

    private void mseBackward(int lo, int hi) {
        float[] dPred = y;
        float[] pred = a;
        float[] target = b;
        int dpo = yo;
        int po = ao;
        int to = bo;
        float f = factor;
        FloatVector fv = FloatVector.broadcast(SPECIES, f);
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector diff = FloatVector.fromArray(SPECIES, pred, po + j)
                    .sub(FloatVector.fromArray(SPECIES, target, to + j));
            diff.fma(fv, FloatVector.fromArray(SPECIES, dPred, dpo + j)).intoArray(dPred, dpo + j);
        }
        for (; j < hi; j++) {
            dPred[dpo + j] = Math.fma(pred[po + j] - target[to + j], f, dPred[dpo + j]);
        }
    }

    // ---- bias ----------------------------------------------------------------------------------------------------

    /** out (rows, cols) = in + bias (cols) broadcast over rows; out may be in. */
    void biasAdd(float[] out, int oo, float[] in, int io, float[] bias, int bo, int rows, int cols) {
        set(out, oo, in, io, bias, bo);
        rowBlocks(biasAddTask, rows, cols, 1);
    }

    /**
     * dBias (cols) += column sums of dOut (rows, cols): each block of {@link #BIAS_ROWS} rows is summed in row order
     * into its own partial row, and the partials are added in block order.
     */
    void biasColumnSums(float[] dBias, int dbo, float[] dOut, int doo, int rows, int cols) {
        int tasks = (rows - 1) / BIAS_ROWS + 1;
        int size = tasks * cols; // (blocks, cols)
        if (columnSums.length < size) {
            columnSums = new float[size];
        } else {
            Arrays.fill(columnSums, 0, size, 0f);
        }
        set(null, 0, dOut, doo, null, 0);
        rowBlocks(columnSumsTask, rows, cols, 1);
        for (int t = 1; t < tasks; t++) {
            CpuVec.addInto(columnSums, 0, columnSums, t * cols, cols);
        }
        CpuVec.addInto(dBias, dbo, columnSums, 0, cols);
    }

    /**
     * out (rows, cols) = f(in + bias) in one pass; out may be in. Each element is the float sum in + bias (the bits
     * {@link #biasAdd} stores), then f exactly as {@link #activationForward} computes it, so the result is bit for
     * bit the two calls' result.
     */
    void biasActivation(Activation f, float[] out, int oo, float[] in, int io, float[] bias, int bo, int rows,
                        int cols) {
        switch (f) {
            case RELU -> {
                set(out, oo, in, io, bias, bo);
                rowBlocks(biasReluTask, rows, cols, 1);
            }
            case TANH -> {
                set(out, oo, in, io, bias, bo);
                rowBlocks(biasTanhTask, rows, cols, 20);
            }
            case SIGMOID -> {
                set(out, oo, in, io, bias, bo);
                rowBlocks(biasSigmoidTask, rows, cols, 20);
            }
            case IDENTITY -> biasAdd(out, oo, in, io, bias, bo, rows, cols);
            // the composition itself: these are not on any hot path
            case EXP, SOFTPLUS -> {
                biasAdd(out, oo, in, io, bias, bo, rows, cols);
                activationForward(f, out, oo, out, oo, rows * cols);
            }
        }
    }

    /** Rows of bias block t: y = a + b, row by row. */
    private void biasAddRows(int t) {
        int w = cols;
        for (int r = t * BIAS_ROWS, end = Math.min(rows, r + BIAS_ROWS); r < end; r++) {
            CpuVec.add(y, yo + r * w, a, ao + r * w, b, bo, w);
        }
    }

    /** Rows of bias block t summed in row order into partial row t of the column sums. */
    private void columnSumRows(int t) {
        int w = cols;
        for (int r = t * BIAS_ROWS, end = Math.min(rows, r + BIAS_ROWS); r < end; r++) {
            CpuVec.addInto(columnSums, t * w, a, ao + r * w, w);
        }
    }

    private void biasReluRows(int t) {
        int w = cols;
        for (int r = t * BIAS_ROWS, end = Math.min(rows, r + BIAS_ROWS); r < end; r++) {
            biasRelu(yo + r * w, ao + r * w, w);
        }
    }

    private void biasCurvedRows(boolean tanh, int t) {
        int w = cols;
        for (int r = t * BIAS_ROWS, end = Math.min(rows, r + BIAS_ROWS); r < end; r++) {
            curved(tanh, yo + r * w, ao + r * w, b, bo, w);
        }
    }

    /** One row: y[oo, oo + w) = max(a[io, io + w) + b[bo, bo + w), 0), NaN kept as {@link #relu} keeps it. */
    private void biasRelu(int oo, int io, int w) {
        float[] out = y;
        float[] in = a;
        float[] bias = b;
        int bo = this.bo;
        int j = 0;
        for (int bound = SPECIES.loopBound(w); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, in, io + j).add(FloatVector.fromArray(SPECIES, bias, bo + j)).max(0f)
                    .intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = Math.max(in[io + j] + bias[bo + j], 0f);
        }
    }
}
