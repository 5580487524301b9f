package org.samplex.models.rnn;

import org.samplex.api.tape.Parameters;

/**
 * The equations of torch.nn.GRU, nn.LSTM and nn.RNN (batch_first, one layer, optionally bidirectional) followed by
 * nn.Linear(directions*h, 1), written out with scalars in double precision: an independent forward to compare the
 * tape model with. It reads the weights by their PyTorch names.
 */
final class HostRecurrent {
    private final String kind; // "gru", "lstm", "tanh" or "relu"
    private final double[] values;
    private final Parameters params;
    private final int hidden;
    private final int directions;

    HostRecurrent(String kind, Parameters params, int hidden, boolean bidirectional) {
        this.kind = kind;
        this.params = params;
        this.values = params.valuesToHost();
        this.hidden = hidden;
        this.directions = bidirectional ? 2 : 1;
    }

    /** Predictions (B*N) for inputs x (B*N*D), row-major. */
    double[] predict(double[] x, int batch, int positions, int width) {
        double[] out = new double[batch * positions * directions * hidden]; // (B, N, dirs*h)
        for (int b = 0; b < batch; b++) {
            for (int dir = 0; dir < directions; dir++) {
                String s = dir == 0 ? "" : "_reverse";
                double[] h = new double[hidden];
                double[] c = new double[hidden];
                for (int step = 0; step < positions; step++) {
                    int t = dir == 0 ? step : positions - 1 - step;
                    double[] gi = affine("weight_ih_l0" + s, "bias_ih_l0" + s, x, (b * positions + t) * width, width);
                    double[] gh = affine("weight_hh_l0" + s, "bias_hh_l0" + s, h, 0, hidden);
                    h = step(gi, gh, h, c);
                    System.arraycopy(h, 0, out, ((b * positions + t) * directions + dir) * hidden, hidden);
                }
            }
        }
        double[] pred = new double[batch * positions];
        for (int r = 0; r < pred.length; r++) {
            pred[r] = affine("readout.weight", "readout.bias", out, r * directions * hidden, directions * hidden)[0];
        }
        return pred;
    }

    /** The new h; for the LSTM, c is updated in place. */
    private double[] step(double[] gi, double[] gh, double[] h, double[] c) {
        int n = hidden;
        double[] next = new double[n];
        for (int u = 0; u < n; u++) {
            switch (kind) {
                case "gru" -> {
                    double r = sigmoid(gi[u] + gh[u]);
                    double z = sigmoid(gi[n + u] + gh[n + u]);
                    double cand = Math.tanh(gi[2 * n + u] + r * gh[2 * n + u]);
                    next[u] = (1 - z) * cand + z * h[u];
                }
                case "lstm" -> {
                    double i = sigmoid(gi[u] + gh[u]);
                    double f = sigmoid(gi[n + u] + gh[n + u]);
                    double g = Math.tanh(gi[2 * n + u] + gh[2 * n + u]);
                    double o = sigmoid(gi[3 * n + u] + gh[3 * n + u]);
                    c[u] = f * c[u] + i * g;
                    next[u] = o * Math.tanh(c[u]);
                }
                case "tanh" -> next[u] = Math.tanh(gi[u] + gh[u]);
                case "relu" -> next[u] = Math.max(0, gi[u] + gh[u]);
                default -> throw new IllegalArgumentException(kind);
            }
        }
        return next;
    }

    /** W v + b for v = src[from, from + in), W (out, in) row-major. */
    private double[] affine(String weight, String bias, double[] src, int from, int in) {
        long w0 = params.slot(weight).offset();
        long b0 = params.slot(bias).offset();
        int out = params.slot(weight).shape()[0];
        double[] y = new double[out];
        for (int k = 0; k < out; k++) {
            double acc = values[(int) b0 + k];
            for (int j = 0; j < in; j++) {
                acc += values[(int) w0 + k * in + j] * src[from + j];
            }
            y[k] = acc;
        }
        return y;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
