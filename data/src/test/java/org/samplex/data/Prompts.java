package org.samplex.data;

import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;

/**
 * Prompts of a task brought back to the host, read through the layout the spec defines (z_i = [x_i, E_i,
 * E_{t_i1}, ..., E_{t_iq}]), so tests check the task from the outside.
 *
 * @param count  prompts
 * @param n      N
 * @param width  D
 * @param d      content width
 * @param q      pointers
 * @param de     positional code width
 * @param input  (count, N, D)
 * @param labels (count, N)
 */
record Prompts(int count, int n, int width, int d, int q, int de, double[] input, double[] labels) {

    static final TaskProvider PROVIDER = Services.discover().task("qstr");

    /** A task from settings given as on the command line. */
    static Task task(Map<String, ?> settings, long seed) {
        return PROVIDER.create(PROVIDER.schema().validate(settings), seed);
    }

    /** Prompts [first, first + count) of {@code stream} generated on backend {@code backendName}. */
    static Prompts draw(Task task, String backendName, Task.Split split, RngStream stream, long first, int count) {
        try (Backend be = Services.discover().backend(backendName).open(BackendOptions.threads(2));
             Arena arena = new Arena(be)) {
            Batch b = task.batch(be, arena, split, stream, first, count);
            var s = task.shape();
            int[] inShape = b.input().shape();
            int[] labelShape = b.labels().shape();
            if (inShape.length != 3 || inShape[0] != count || inShape[1] != s.positions()
                    || inShape[2] != s.inputWidth() || labelShape.length != 2 || labelShape[0] != count
                    || labelShape[1] != s.positions()) {
                throw new AssertionError("batch shapes " + b.input() + " " + b.labels());
            }
            double[] in = new double[(int) b.input().size()];
            double[] lab = new double[(int) b.labels().size()];
            be.copyToHost(b.input().value(), in);
            be.copyToHost(b.labels().value(), lab);
            int de = (s.inputWidth() - s.contentWidth()) / (s.pointers() + 1);
            return new Prompts(count, s.positions(), s.inputWidth(), s.contentWidth(), s.pointers(), de, in, lab);
        }
    }

    /** Training prompts [0, count) of stream "train" under seed 1, on the reference backend. */
    static Prompts train(Task task, int count) {
        return draw(task, "reference", Task.Split.TRAIN, RngStream.of(1, "train"), 0, count);
    }

    double label(int p, int i) {
        return labels[p * n + i];
    }

    /** Columns [col0, col0 + w) of token i of prompt p. */
    double[] block(int p, int i, int col0, int w) {
        double[] out = new double[w];
        System.arraycopy(input, (p * n + i) * width + col0, out, 0, w);
        return out;
    }

    /** x_i of prompt p. */
    double[] content(int p, int i) {
        return block(p, i, 0, d);
    }

    /** The E_i block of token i of prompt p. */
    double[] ownCode(int p, int i) {
        return block(p, i, d, de);
    }

    /** The E_{t_ij} block of token i of prompt p (j from 0). */
    double[] pointerCode(int p, int i, int j) {
        return block(p, i, d + (j + 1) * de, de);
    }

    /**
     * t_ij recovered by matching the pointer block against the prompt's E_k blocks (rows of E); fails unless
     * exactly one row matches, so use a d-e wide enough for distinct rows.
     */
    int pointer(int p, int i, int j) {
        double[] code = pointerCode(p, i, j);
        int found = -1;
        for (int k = 0; k < n; k++) {
            if (java.util.Arrays.equals(code, ownCode(p, k))) {
                if (found >= 0) {
                    throw new AssertionError("prompt " + p + ": pointer block matches rows " + found + " and " + k);
                }
                found = k;
            }
        }
        if (found < 0) {
            throw new AssertionError("prompt " + p + " token " + i + ": pointer block " + j + " matches no row of E");
        }
        return found;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
