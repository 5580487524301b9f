package org.samplex.models.transformer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Parameters;

/**
 * The matrices that explain a trained {@link Transformer} (docs/qstr.md section 5, Figure 2), computed in double on the
 * host from a copy of the parameters, independently of the backend's attention kernel.
 *
 * <p>Per head j (owning rows [j*hd, (j+1)*hd) of attn.q.weight and attn.k.weight):
 * <ul>
 *   <li>"wqk.head&lt;j&gt;": W_Q_j^T W_K_j, (D, D), without the 1/sqrt(hd) scale and without biases: entry (a, b)
 *       weighs query feature a against key feature b, so with zero in-projection biases the score of query i
 *       on key t is scale * z_i^T (W_Q_j^T W_K_j) z_t;</li>
 *   <li>"attention.head&lt;j&gt;": the softmax attention weights (N, N) on the prompt, row i the query position,
 *       column t the key position, from the projections with their biases and the scale; every row sums to 1.</li>
 * </ul>
 */
final class Inspection {
    private Inspection() {
    }

    /**
     * @param values the parameter slab on the host ({@link Parameters#valuesToHost})
     * @param prompt one prompt, (N, D) row-major
     */
    static Map<String, double[][]> of(Parameters params, double[] values, TransformerConfig config, TaskShape shape,
                                      double[] prompt) {
        int n = shape.positions();
        int width = shape.inputWidth();
        int hd = config.headWidth(shape);
        double scale = 1 / Math.sqrt(hd);
        double[][] q = project(params, values, "attn.q", prompt, n, width); // (N, H*hd)
        double[][] k = project(params, values, "attn.k", prompt, n, width); // (N, H*hd)
        long wq = params.slot("attn.q.weight").offset();
        long wk = params.slot("attn.k.weight").offset();
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int j = 0; j < config.heads(); j++) {
            double[][] wqk = new double[width][width];
            for (int r = j * hd; r < (j + 1) * hd; r++) {
                for (int a = 0; a < width; a++) {
                    double qa = values[(int) (wq + (long) r * width + a)];
                    for (int b = 0; b < width; b++) {
                        wqk[a][b] += qa * values[(int) (wk + (long) r * width + b)];
                    }
                }
            }
            out.put("wqk.head" + j, wqk);
            out.put("attention.head" + j, softmaxScores(q, k, j * hd, hd, scale));
        }
        return out;
    }

    /** x W^T + b for every token, the layer's weight (rows, D) and bias (rows) read from the slab copy. */
    private static double[][] project(Parameters params, double[] values, String layer, double[] x, int n,
                                      int width) {
        Parameters.Slot weight = params.slot(layer + ".weight");
        long w = weight.offset();
        long bias = params.slot(layer + ".bias").offset();
        int rows = weight.shape()[0];
        double[][] y = new double[n][rows];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < rows; r++) {
                double acc = values[(int) (bias + r)];
                for (int c = 0; c < width; c++) {
                    acc += values[(int) (w + (long) r * width + c)] * x[i * width + c];
                }
                y[i][r] = acc;
            }
        }
        return y;
    }

    /** softmax over t of scale * q_i . k_t on columns [col0, col0 + hd), the largest score subtracted first. */
    private static double[][] softmaxScores(double[][] q, double[][] k, int col0, int hd, double scale) {
        int n = q.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < n; t++) {
                double s = 0;
                for (int c = col0; c < col0 + hd; c++) {
                    s += q[i][c] * k[t][c];
                }
                a[i][t] = scale * s;
                max = Math.max(max, a[i][t]);
            }
            double sum = 0;
            for (int t = 0; t < n; t++) {
                a[i][t] = Math.exp(a[i][t] - max);
                sum += a[i][t];
            }
            for (int t = 0; t < n; t++) {
                a[i][t] /= sum;
            }
        }
        return a;
    }
}
