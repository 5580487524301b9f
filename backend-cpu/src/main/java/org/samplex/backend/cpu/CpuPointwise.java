package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuVec.LANES;
import static org.samplex.backend.cpu.CpuVec.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.samplex.api.Activation;

/**
 * Element-wise float32 kernels. Work is cut into fixed chunks of {@link #CHUNK} elements (independent of the thread
 * count), each done by one task; together with {@link CpuVec}'s lane-wise loops this makes every element's bits
 * independent of the thread count. Transcendentals (tanh, exp) are scalar {@link Math} calls evaluated in double and
 * rounded once: the Vector API's vector tanh/exp may differ from {@link Math} between interpreted and compiled code.
 */
final class CpuPointwise {
    static final int CHUNK = 1 << 14;

    private CpuPointwise() {
    }

    /** A loop over elements [lo, hi) of a chunk. */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Runs {@code body} over [0, n) in fixed chunks; {@code cost} is the rough scalar work per element. */
    static void chunks(CpuParallel par, int n, int cost, Range body) {
        int tasks = (n + CHUNK - 1) / CHUNK;
        par.forEach(tasks, (long) n * cost, t -> body.run(t * CHUNK, Math.min(n, (t + 1) * CHUNK)));
    }

    static void activationForward(CpuParallel par, Activation f, float[] out, int oo, float[] in, int io, int n) {
        switch (f) {
            case RELU -> chunks(par, n, 1, (lo, hi) -> {
                int j = lo;
                for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                    FloatVector.fromArray(SPECIES, in, io + j).max(0f).intoArray(out, oo + j);
                }
                for (; j < hi; j++) {
                    out[oo + j] = Math.max(in[io + j], 0f);
                }
            });
            case TANH -> chunks(par, n, 20, (lo, hi) -> {
                for (int j = lo; j < hi; j++) {
                    out[oo + j] = (float) Math.tanh(in[io + j]);
                }
            });
            case SIGMOID -> chunks(par, n, 20, (lo, hi) -> {
                for (int j = lo; j < hi; j++) {
                    out[oo + j] = sigmoid(in[io + j]);
                }
            });
            case IDENTITY -> {
                if (out != in || oo != io) {
                    System.arraycopy(in, io, out, oo, n);
                }
            }
        }
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** dIn += f'(in) dOut: relu reads in (derivative 0 at 0), tanh and sigmoid read out = f(in). */
    static void activationBackward(CpuParallel par, Activation f, float[] dIn, int dio, float[] dOut, int doo,
                                   float[] in, int io, float[] out, int oo, int n) {
        switch (f) {
            case RELU -> chunks(par, n, 1, (lo, hi) -> {
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
            });
            case TANH, SIGMOID -> chunks(par, n, 2, (lo, hi) -> {
                boolean tanh = f == Activation.TANH;
                int j = lo;
                for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                    FloatVector o = FloatVector.fromArray(SPECIES, out, oo + j);
                    // tanh' = 1 - out^2, sigmoid' = out (1 - out)
                    FloatVector slope = tanh ? o.mul(o).neg().add(1f) : o.mul(o.neg().add(1f));
                    slope.fma(FloatVector.fromArray(SPECIES, dOut, doo + j), FloatVector.fromArray(SPECIES, dIn,
                            dio + j)).intoArray(dIn, dio + j);
                }
                for (; j < hi; j++) {
                    float o = out[oo + j];
                    float slope = tanh ? -(o * o) + 1f : o * (-o + 1f);
                    dIn[dio + j] = Math.fma(slope, dOut[doo + j], dIn[dio + j]);
                }
            });
            case IDENTITY -> chunks(par, n, 1, (lo, hi) -> CpuVec.addInto(dIn, dio + lo, dOut, doo + lo, hi - lo));
        }
    }

    /** out = a + b. */
    static void add(CpuParallel par, float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
        chunks(par, n, 1, (lo, hi) -> CpuVec.add(out, oo + lo, a, ao + lo, b, bo + lo, hi - lo));
    }

    /** y += x. */
    static void addInto(CpuParallel par, float[] y, int yo, float[] x, int xo, int n) {
        chunks(par, n, 1, (lo, hi) -> CpuVec.addInto(y, yo + lo, x, xo + lo, hi - lo));
    }

    /** out = a * b. */
    static void mul(CpuParallel par, float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
        chunks(par, n, 1, (lo, hi) -> {
            int j = lo;
            for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, a, ao + j).mul(FloatVector.fromArray(SPECIES, b, bo + j))
                        .intoArray(out, oo + j);
            }
            for (; j < hi; j++) {
                out[oo + j] = a[ao + j] * b[bo + j];
            }
        });
    }

    /** y += x * z, one fused multiply-add per element. */
    static void addProduct(CpuParallel par, float[] y, int yo, float[] x, int xo, float[] z, int zo, int n) {
        chunks(par, n, 1, (lo, hi) -> {
            int j = lo;
            for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, x, xo + j).fma(FloatVector.fromArray(SPECIES, z, zo + j),
                        FloatVector.fromArray(SPECIES, y, yo + j)).intoArray(y, yo + j);
            }
            for (; j < hi; j++) {
                y[yo + j] = Math.fma(x[xo + j], z[zo + j], y[yo + j]);
            }
        });
    }

    /** loss = mean of (pred - target)^2; squares and their sum in double (fixed chunks summed in chunk order). */
    static float mse(CpuParallel par, float[] pred, int po, float[] target, int to, int n) {
        int tasks = (n + CHUNK - 1) / CHUNK;
        double[] partial = new double[tasks];
        par.forEach(tasks, n, t -> {
            double s = 0;
            for (int j = t * CHUNK, hi = Math.min(n, (t + 1) * CHUNK); j < hi; j++) {
                double d = (double) pred[po + j] - target[to + j];
                s += d * d;
            }
            partial[t] = s;
        });
        double sum = 0;
        for (double s : partial) {
            sum += s;
        }
        return (float) (sum / n);
    }

    /** dPred += factor (pred - target), factor = dLoss 2 / n rounded to float once. */
    static void mseBackward(CpuParallel par, float[] dPred, int dpo, float factor, float[] pred, int po,
                            float[] target, int to, int n) {
        chunks(par, n, 2, (lo, hi) -> {
            FloatVector fv = FloatVector.broadcast(SPECIES, factor);
            int j = lo;
            for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                FloatVector diff = FloatVector.fromArray(SPECIES, pred, po + j)
                        .sub(FloatVector.fromArray(SPECIES, target, to + j));
                diff.fma(fv, FloatVector.fromArray(SPECIES, dPred, dpo + j)).intoArray(dPred, dpo + j);
            }
            for (; j < hi; j++) {
                dPred[dpo + j] = Math.fma(pred[po + j] - target[to + j], factor, dPred[dpo + j]);
            }
        });
    }

    /** Rows per task of the bias kernels: fixed, so the column sums' order does not depend on the thread count. */
    private static final int BIAS_ROWS = 64;

    /** out (rows, cols) = in + bias (cols) broadcast over rows; out may be in. */
    static void biasAdd(CpuParallel par, float[] out, int oo, float[] in, int io, float[] bias, int bo, int rows,
                        int cols) {
        int tasks = (rows + BIAS_ROWS - 1) / BIAS_ROWS;
        par.forEach(tasks, (long) rows * cols, t -> {
            for (int r = t * BIAS_ROWS, end = Math.min(rows, (t + 1) * BIAS_ROWS); r < end; r++) {
                CpuVec.add(out, oo + r * cols, in, io + r * cols, bias, bo, cols);
            }
        });
    }

    /**
     * dBias (cols) += column sums of dOut (rows, cols): each block of {@link #BIAS_ROWS} rows is summed in row order
     * into its own partial row, and the partials are added in block order.
     */
    static void biasColumnSums(CpuParallel par, float[] dBias, int dbo, float[] dOut, int doo, int rows, int cols) {
        int tasks = (rows + BIAS_ROWS - 1) / BIAS_ROWS;
        float[] partial = new float[tasks * cols]; // (blocks, cols)
        par.forEach(tasks, (long) rows * cols, t -> {
            for (int r = t * BIAS_ROWS, end = Math.min(rows, (t + 1) * BIAS_ROWS); r < end; r++) {
                CpuVec.addInto(partial, t * cols, dOut, doo + r * cols, cols);
            }
        });
        for (int t = 1; t < tasks; t++) {
            CpuVec.addInto(partial, 0, partial, t * cols, cols);
        }
        CpuVec.addInto(dBias, dbo, partial, 0, cols);
    }
}
