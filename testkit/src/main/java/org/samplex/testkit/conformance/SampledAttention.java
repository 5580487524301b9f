package org.samplex.testkit.conformance;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Attention at long N checked on a seeded sample of query rows, in float64: the forward (out, lse) at the
 * sampled rows, and the backward of an upstream gradient that is nonzero on the sampled rows only, so that every
 * element of dK and dV and the sampled rows of dQ are sums over the sampled rows alone (the other rows of dQ must
 * keep their starting values). The cost is rows * N * hd per head instead of the reference backend's N^2 hd with
 * an exp per column.
 *
 * <p>The formulas are those of the reference backend's attention, row by row: s_t = scale &lt;q_i, k_t&gt; over
 * the keys t the row sees, lse_i = max + log sum exp(s_t - max), p_t = exp(s_t - lse_i), out_i = sum p_t v_t;
 * dP_t = &lt;dOut_i, v_t&gt;, D = sum p_t dP_t, dS_t = p_t (dP_t - D), dQ_i += scale sum dS_t k_t,
 * dK_t += scale dS_t q_i, dV_t += p_t dOut_i.
 */
final class SampledAttention implements SampledReference {
    private final int batch;
    private final int positions;
    private final int heads;
    private final int headWidth;
    private final double scale;
    private final boolean causal;
    /** Which positions are sampled query rows (the same in every prompt of the batch and every head). */
    private final boolean[] sampled;

    /**
     * @param rows how many query rows to sample: the first and the last two, the rest drawn without replacement
     *             from {@code seed}
     */
    SampledAttention(int batch, int positions, int heads, int headWidth, boolean causal, int rows, long seed) {
        this.batch = batch;
        this.positions = positions;
        this.heads = heads;
        this.headWidth = headWidth;
        this.scale = 1.0 / Math.sqrt(headWidth);
        this.causal = causal;
        TreeSet<Integer> chosen = new TreeSet<>(List.of(0, positions - 2, positions - 1));
        SplittableRandom random = new SplittableRandom(seed);
        while (chosen.size() < rows) {
            chosen.add(random.nextInt(positions));
        }
        this.sampled = new boolean[positions];
        chosen.forEach(i -> sampled[i] = true);
    }

    private int width() {
        return heads * headWidth;
    }

    /** Position of element e of a (B, N, H*hd) tensor. */
    private int position(int e) {
        return (e / width()) % positions;
    }

    /**
     * The drawn value's magnitude on the sampled rows: with one sign the sampled rows' contributions to dV add
     * up instead of cancelling (about rows / (2N) per element rather than sqrt(rows) / N), which keeps dV's check
     * well above its tolerance at N = 4096.
     */
    @Override
    public double upstream(String output, int element, double drawn) {
        return sampled[position(element)] ? Math.abs(drawn) : 0;
    }

    @Override
    public Map<String, double[]> expected(Map<String, double[]> inputs, Map<String, double[]> upstream,
                                          Map<String, double[]> base) {
        double[] q = inputs.get("q");
        double[] k = inputs.get("k");
        double[] v = inputs.get("v");
        double[] dOut = upstream.get("dOut");
        double[] out = nans(q.length);
        double[] lse = nans(batch * heads * positions);
        double[] dQ = base.get("dQ").clone();
        double[] dK = base.get("dK").clone();
        double[] dV = base.get("dV").clone();
        double[] p = new double[positions];
        double[] dS = new double[positions];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < heads; j++) {
                for (int i = 0; i < positions; i++) {
                    if (!sampled[i]) {
                        continue;
                    }
                    int keys = causal ? i + 1 : positions;
                    int qi = at(b, i, j);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < keys; t++) {
                        p[t] = scale * dot(q, qi, k, at(b, t, j));
                        max = Math.max(max, p[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t < keys; t++) {
                        sum += Math.exp(p[t] - max);
                    }
                    double logSumExp = max + Math.log(sum);
                    lse[(b * heads + j) * positions + i] = logSumExp;
                    Arrays.fill(out, qi, qi + headWidth, 0);
                    double d = 0;
                    for (int t = 0; t < keys; t++) {
                        p[t] = Math.exp(p[t] - logSumExp);
                        int vt = at(b, t, j);
                        dS[t] = dot(dOut, qi, v, vt);
                        d += p[t] * dS[t];
                        for (int c = 0; c < headWidth; c++) {
                            out[qi + c] += p[t] * v[vt + c];
                        }
                    }
                    for (int t = 0; t < keys; t++) {
                        dS[t] = p[t] * (dS[t] - d);
                        int kt = at(b, t, j);
                        for (int c = 0; c < headWidth; c++) {
                            dQ[qi + c] += scale * dS[t] * k[kt + c];
                            dK[kt + c] += scale * dS[t] * q[qi + c];
                            dV[kt + c] += p[t] * dOut[qi + c];
                        }
                    }
                }
            }
        }
        Map<String, double[]> expected = new HashMap<>();
        expected.put("out", out);
        expected.put("lse", lse);
        expected.put("dQ", dQ);
        expected.put("dK", dK);
        expected.put("dV", dV);
        return expected;
    }

    /** Index of column 0 of head j at position i of prompt b in a (B, N, H*hd) tensor. */
    private int at(int b, int i, int j) {
        return (b * positions + i) * width() + j * headWidth;
    }

    private double dot(double[] x, int xAt, double[] y, int yAt) {
        double acc = 0;
        for (int c = 0; c < headWidth; c++) {
            acc += x[xAt + c] * y[yAt + c];
        }
        return acc;
    }

    private static double[] nans(int length) {
        double[] a = new double[length];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
