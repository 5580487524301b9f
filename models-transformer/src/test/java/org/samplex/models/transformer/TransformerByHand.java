package org.samplex.models.transformer;

import java.util.Arrays;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Parameters;

/**
 * The architecture written out in scalar loops from the parameter values, independent of the tape ops: the
 * oracle that checks the learner's forward (head layout, scale, output projection, MLP).
 */
final class TransformerByHand {
    private TransformerByHand() {
    }

    /** Predictions (B, N) for inputs (B, N, D). */
    static double[] forward(Parameters params, TransformerConfig config, TaskShape shape, double[] input, int batch) {
        double[] w = params.valuesToHost();
        int n = shape.positions();
        int width = shape.inputWidth();
        int hd = config.headWidth(shape);
        int attn = config.attentionWidth(shape);
        double scale = 1 / Math.sqrt(hd);
        double[] out = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double[][] x = new double[n][];
            for (int i = 0; i < n; i++) {
                x[i] = Arrays.copyOfRange(input, (b * n + i) * width, (b * n + i + 1) * width);
            }
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                q[i] = linear(params, w, "attn.q", x[i]);
                k[i] = linear(params, w, "attn.k", x[i]);
                v[i] = linear(params, w, "attn.v", x[i]);
            }
            for (int i = 0; i < n; i++) {
                double[] y = new double[attn];
                for (int j = 0; j < config.heads(); j++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < n; t++) {
                        for (int c = j * hd; c < (j + 1) * hd; c++) {
                            s[t] += scale * q[i][c] * k[t][c];
                        }
                        max = Math.max(max, s[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t < n; t++) {
                        s[t] = Math.exp(s[t] - max);
                        sum += s[t];
                    }
                    for (int t = 0; t < n; t++) {
                        for (int c = j * hd; c < (j + 1) * hd; c++) {
                            y[c] += s[t] / sum * v[t][c];
                        }
                    }
                }
                if (config.outProjection()) {
                    y = linear(params, w, "attn.out", y);
                }
                double[] h = linear(params, w, "mlp.fc1", y);
                for (int c = 0; c < h.length; c++) {
                    h[c] = Math.max(0, h[c]);
                }
                out[b * n + i] = linear(params, w, "mlp.fc2", h)[0];
            }
        }
        return out;
    }

    /** W x + b for the layer's weight (out, in) and bias (out) read from the slab copy w. */
    static double[] linear(Parameters params, double[] w, String layer, double[] x) {
        Parameters.Slot weight = params.slot(layer + ".weight");
        Parameters.Slot bias = params.slot(layer + ".bias");
        int rows = weight.shape()[0];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = w[(int) (bias.offset() + r)];
            for (int c = 0; c < x.length; c++) {
                acc += w[(int) (weight.offset() + (long) r * x.length + c)] * x[c];
            }
            y[r] = acc;
        }
        return y;
    }
}
