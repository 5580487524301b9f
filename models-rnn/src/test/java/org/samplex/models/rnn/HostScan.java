package org.samplex.models.rnn;

import org.samplex.api.tape.Parameters;

/**
 * The scan learners' forward pass written out with plain loops in double from their parameters, position by
 * position as the papers state the equations (no products batched, no scan kernel): the oracle that
 * {@link ScanLearnersTest} holds {@link ScanNet} to.
 */
final class HostScan {
    private final Parameters params;
    private final double[] values;
    private final String kind;
    private final int layers;
    private final int directions;

    /** @param kind "mamba" or "mingru" */
    HostScan(String kind, Parameters params, int layers, boolean bidirectional) {
        this.kind = kind;
        this.params = params;
        this.values = params.valuesToHost();
        this.layers = layers;
        this.directions = bidirectional ? 2 : 1;
    }

    /** Predictions (B*N) for inputs x (B*N*D). */
    double[] predict(double[] x, int batch, int positions, int width) {
        double[] out = new double[batch * positions];
        for (int b = 0; b < batch; b++) {
            double[][] seq = new double[positions][];
            for (int t = 0; t < positions; t++) {
                seq[t] = java.util.Arrays.copyOfRange(x, (b * positions + t) * width, (b * positions + t + 1) * width);
            }
            for (int l = 0; l < layers; l++) {
                double[][] next = new double[positions][];
                for (int dir = 0; dir < directions; dir++) {
                    String p = "layers." + l + (dir == 0 ? "." : ".reverse.");
                    double[][] part = kind.equals("mamba") ? mamba(p, seq, dir == 1) : minGru(p, seq, dir == 1);
                    for (int t = 0; t < positions; t++) {
                        next[t] = dir == 0 ? part[t] : concat(next[t], part[t]);
                    }
                }
                seq = next;
            }
            for (int t = 0; t < positions; t++) {
                out[b * positions + t] = matVec("readout.weight", seq[t])[0] + get("readout.bias")[0];
            }
        }
        return out;
    }

    /** h_t = (1 - z_t) h_{t-1} + z_t h~_t, z = sigmoid(Linear_z x), h~ = Linear_h x. */
    private double[][] minGru(String p, double[][] seq, boolean reverse) {
        int n = seq.length;
        double[] bias = get(p + "linear.bias");
        int hidden = bias.length / 2;
        double[][] out = new double[n][];
        double[] h = new double[hidden];
        for (int step = 0; step < n; step++) {
            int t = reverse ? n - 1 - step : step;
            double[] g = matVec(p + "linear.weight", seq[t]);
            double[] next = new double[hidden];
            for (int u = 0; u < hidden; u++) {
                double z = sigmoid(g[u] + bias[u]);
                next[u] = (1 - z) * h[u] + z * (g[hidden + u] + bias[hidden + u]);
            }
            h = next;
            out[t] = h;
        }
        return out;
    }

    /** Mamba's block, equations as in ScanBlock.Mamba's Javadoc. */
    private double[][] mamba(String p, double[][] seq, boolean reverse) {
        int n = seq.length;
        double[] convBias = get(p + "conv1d.bias");
        double[] convWeight = get(p + "conv1d.weight");
        double[] dtBias = get(p + "dt_proj.bias");
        double[] aLog = get(p + "A_log");
        double[] skip = get(p + "D");
        int e = skip.length;
        int state = aLog.length / e;
        int conv = convWeight.length / e;
        int rank = params.get(p + "dt_proj.weight").dim(1);
        double[][] xs = new double[n][e];
        double[][] z = new double[n][e];
        for (int t = 0; t < n; t++) {
            double[] xz = matVec(p + "in_proj.weight", seq[t]);
            System.arraycopy(xz, 0, xs[t], 0, e);
            System.arraycopy(xz, e, z[t], 0, e);
        }
        double[][] h = new double[e][state];
        double[][] out = new double[n][];
        for (int step = 0; step < n; step++) {
            int t = reverse ? n - 1 - step : step;
            double[] xc = new double[e];
            for (int i = 0; i < e; i++) {
                double sum = convBias[i];
                for (int j = 0; j < conv; j++) {
                    int back = step - (conv - 1 - j); // the scan step this tap reads
                    if (back >= 0) {
                        sum += convWeight[j * e + i] * xs[reverse ? n - 1 - back : back][i]; // stored (CONV, e)
                    }
                }
                xc[i] = sum * sigmoid(sum);
            }
            double[] xdbl = matVec(p + "x_proj.weight", xc);
            double[] dtIn = java.util.Arrays.copyOfRange(xdbl, 0, rank);
            double[] delta = matVec(p + "dt_proj.weight", dtIn);
            double[] y = new double[e];
            for (int i = 0; i < e; i++) {
                double pre = delta[i] + dtBias[i];
                delta[i] = pre > 30 ? pre : Math.log1p(Math.exp(pre));
                for (int s = 0; s < state; s++) {
                    double a = -Math.exp(aLog[i * state + s]);
                    h[i][s] = Math.exp(delta[i] * a) * h[i][s] + delta[i] * xdbl[rank + s] * xc[i];
                    y[i] += xdbl[rank + state + s] * h[i][s];
                }
                y[i] = (y[i] + skip[i] * xc[i]) * z[t][i] * sigmoid(z[t][i]);
            }
            out[t] = matVec(p + "out_proj.weight", y);
        }
        return out;
    }

    private double[] get(String name) {
        Parameters.Slot slot = params.slot(name);
        return java.util.Arrays.copyOfRange(values, (int) slot.offset(), (int) (slot.offset() + slot.size()));
    }

    /** W (rows, cols) v. */
    private double[] matVec(String name, double[] v) {
        double[] w = get(name);
        int cols = v.length;
        double[] out = new double[w.length / cols];
        for (int r = 0; r < out.length; r++) {
            for (int c = 0; c < cols; c++) {
                out[r] += w[r * cols + c] * v[c];
            }
        }
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
