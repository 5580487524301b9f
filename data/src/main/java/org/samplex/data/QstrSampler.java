package org.samplex.data;

import java.util.Arrays;
import org.samplex.api.rng.RngStream;

/**
 * Host generation of qSTR prompts in double precision: the exact, backend-independent definition of every number
 * a qSTR task produces. An on-device generator must reproduce it element for element (up to the rounding of its
 * float type). Letters: N positions, d content width, q pointers, d_e positional code width,
 * D = d + (q + 1) d_e. Every draw below is {@link RngStream}'s element mapping; "word e", "uniform e" and
 * "normal e" of a substream are {@code word(sub, e)}, {@code uniform(sub, e)} and {@code normal(sub, e)}.
 *
 * <h2>Fixed randomness of a task with seed s</h2>
 * <ul>
 *   <li>Positional code E (N, d_e): stream {@code RngStream.of(s, "E")}, substream 0. Entry (i, c) is
 *       -1/sqrt(d_e) when uniform (i d_e + c) is below 0.5 (its word's top bit is 0), else +1/sqrt(d_e).</li>
 *   <li>Directions: stream {@code RngStream.of(s, "u")}, substream 0. Links linear and mean use one direction
 *       u = v / |v| with v_c = normal c (c &lt; d). Links sumlinear and he2 use q directions: v_l has
 *       v_{l,c} = normal (l d + c), and u_0..u_{q-1} is the modified Gram-Schmidt of v_0..v_{q-1} in that order
 *       (from v_l subtract its projection on u_0, then on u_1, ..., then normalize), so u_0 is the linear u.</li>
 * </ul>
 *
 * <h2>Prompt p of a stream</h2>
 * Field f of prompt p draws from substream 8p + f (fields 4 to 7 are reserved):
 * <ul>
 *   <li>f = 0, content: x_{i,c} = normal (i d + c), for token i and coordinate c; with {@code content=half},
 *       x_{i,c} = 0 for every token with 2i &gt;= N (the normals are drawn all the same, so the first half's
 *       content is the same as with {@code content=iid}).</li>
 *   <li>f = 1, pointers, from words w_e. General, iid: t_{ij} = intFromWord(w_{i q + j}, N). Simple, iid: one
 *       tuple t_j = intFromWord(w_j, N) and t_{ij} = t_j for every i. Distinct (partial Fisher-Yates): for each
 *       token i (simple: once, with i = 0) start from perm = (0, 1, ..., N-1); for j = 0..q-1:
 *       r = intFromWord(w_{i q + j}, N - j), swap perm[j] and perm[j + r], t_{ij} = perm[j]. This gives an
 *       ordered q-subset, uniform over all N!/(N-q)! of them (up to multiply-shift bias below N / 2^32).</li>
 *   <li>f = 2, resampled positional code (option {@code positional=resampled}): E for this prompt, entry (i, c)
 *       from uniform (i d_e + c) of this substream, mapped as the fixed E.</li>
 *   <li>f = 3, label noise (only when sigma &gt; 0): y_i += sigma * normal i.</li>
 * </ul>
 *
 * <p>Token i's input row is z_i = [x_i, s E_i, s E_{t_{i1}}, ..., s E_{t_{iq}}] (width D), with s = sqrt(d / q)
 * under {@code pos-scale} and 1 otherwise. With p_{l,j} = &lt;u_l, x_j&gt; (sum over c in increasing order), the
 * label is, summing over l in increasing order: linear p_{0,t_{i1}}; sumlinear q^-1/2 sum_l p_{l,t_{il}};
 * he2 q^-1/2 sum_l (p_{l,t_{il}}^2 - 1) / sqrt(2); mean (1/q) sum_l p_{0,t_{il}}; sqnorm (q d)^-1/2 sum_l
 * (n_{t_{il}} - m_{t_{il}}) with n_j = sum_c x_{j,c}^2 (c increasing) and m_j = E n_j = d for a token with
 * content, 0 for one without. With {@code content=half} and iid pointers the sqnorm label has mean 0 and variance
 * 1 (2 d for a token with content, drawn with probability 1/2 per slot for even N).
 *
 * <p>Immutable and thread-safe: working arrays belong to each call, or to a caller that passes its own
 * {@link Scratch}.
 */
final class QstrSampler {
    private static final int FIELDS = 8;
    private static final int CONTENT = 0;
    private static final int POINTERS = 1;
    private static final int CODE = 2;
    private static final int NOISE = 3;
    private static final double SQRT2 = Math.sqrt(2.0);

    private final QstrConfig config;
    /** s E, (N, d_e) row-major: the fixed code with the positional scale applied. */
    private final double[] scaledCode;
    /** Directions u_l, (L, d) row-major, L = q for sumlinear and he2, else 1. */
    private final double[] directions;
    private final int directionCount;
    /** The entries of a code block: s / sqrt(d_e). */
    private final double codeAmplitude;

    QstrSampler(QstrConfig config, long taskSeed) {
        this.config = config;
        int n = config.positions();
        int de = config.codeWidth();
        double scale = config.posScale() ? Math.sqrt((double) config.contentWidth() / config.pointers()) : 1.0;
        this.codeAmplitude = scale / Math.sqrt(de);
        this.scaledCode = new double[n * de];
        PhiloxDraws.signs(RngStream.of(taskSeed, "E"), 0, scaledCode, n * de, codeAmplitude, new int[4]);
        this.directionCount = config.link().perSlot() ? config.pointers() : 1;
        this.directions = orthonormalDirections(RngStream.of(taskSeed, "u"), directionCount, config.contentWidth());
    }

    /** Modified Gram-Schmidt of normal draws; see the class comment. */
    private static double[] orthonormalDirections(RngStream stream, int count, int d) {
        double[] u = new double[count * d];
        PhiloxDraws.normals(stream, 0, u, 0, count * d, new int[4]);
        for (int l = 0; l < count; l++) {
            int at = l * d;
            for (int k = 0; k < l; k++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += u[at + c] * u[k * d + c];
                }
                for (int c = 0; c < d; c++) {
                    u[at + c] -= dot * u[k * d + c];
                }
            }
            double norm = 0;
            for (int c = 0; c < d; c++) {
                norm += u[at + c] * u[at + c];
            }
            norm = Math.sqrt(norm);
            if (!(norm > 1e-12)) {
                throw new IllegalStateException("direction draw " + l + " is degenerate (norm " + norm + ")");
            }
            for (int c = 0; c < d; c++) {
                u[at + c] /= norm;
            }
        }
        return u;
    }

    /** A copy of the directions u_l, (L, d) row-major. */
    double[] directions() {
        return directions.clone();
    }

    /** A copy of the fixed positional code with its scale, s E (N, d_e) row-major: a device generator's table. */
    double[] scaledCode() {
        return scaledCode.clone();
    }

    /** s / sqrt(d_e), the magnitude of every code entry (a resampled code's entries are plus or minus it). */
    double codeAmplitude() {
        return codeAmplitude;
    }

    /** L, the number of directions. */
    int directionCount() {
        return directionCount;
    }

    /**
     * Writes prompts [firstPrompt, firstPrompt + count) of {@code stream}: inputs (count, N, D) into
     * {@code input[0, count N D)} and labels (count, N) into {@code labels[0, count N)}.
     */
    void prompts(RngStream stream, boolean simple, long firstPrompt, int count, double[] input, double[] labels) {
        prompts(stream, simple, firstPrompt, count, input, labels, 0, scratch());
    }

    /** Working arrays for {@link #prompts(RngStream, boolean, long, int, double[], double[], int, Scratch)}. */
    Scratch scratch() {
        return new Scratch(config, directionCount);
    }

    /**
     * As {@link #prompts(RngStream, boolean, long, int, double[], double[])}, but prompt firstPrompt + b goes to
     * row {@code row + b} of {@code input} (rows of N D) and {@code labels} (rows of N), and the working arrays are
     * the caller's: nothing is allocated. A scratch serves one call at a time.
     */
    void prompts(RngStream stream, boolean simple, long firstPrompt, int count, double[] input, double[] labels,
                 int row, Scratch s) {
        int n = config.positions();
        int width = config.inputWidth();
        for (int k = 0; k < count; k++) {
            long base = FIELDS * (firstPrompt + k);
            int b = row + k;
            PhiloxDraws.normals(stream, base + CONTENT, s.x, 0, n * config.contentWidth(), s.block);
            if (config.halfContent()) {
                Arrays.fill(s.x, ((n + 1) / 2) * config.contentWidth(), n * config.contentWidth(), 0.0);
            }
            drawPointers(stream, base + POINTERS, simple, s);
            double[] code = scaledCode;
            if (config.resampled()) {
                PhiloxDraws.signs(stream, base + CODE, s.code, s.code.length, codeAmplitude, s.block);
                code = s.code;
            }
            writeInputs(s, code, input, b * n * width);
            writeLabels(s, labels, b * n);
            if (config.noise() > 0) {
                PhiloxDraws.normals(stream, base + NOISE, s.noise, 0, n, s.block);
                for (int i = 0; i < n; i++) {
                    labels[b * n + i] += config.noise() * s.noise[i];
                }
            }
        }
    }

    /** s.t (N, q) from the pointer substream; see the class comment for the exact scheme. */
    private void drawPointers(RngStream stream, long substream, boolean simple, Scratch s) {
        int n = config.positions();
        int q = config.pointers();
        int drawn = simple ? q : n * q;
        PhiloxDraws.words(stream, substream, s.words, drawn, s.block);
        for (int row = 0; row < drawn / q; row++) {
            int at = row * q;
            if (config.distinct()) {
                for (int j = 0; j < q; j++) {
                    int r = j + RngStream.intFromWord(s.words[at + j], n - j);
                    int tmp = s.perm[j];
                    s.perm[j] = s.perm[r];
                    s.perm[r] = tmp;
                    s.t[at + j] = s.perm[j];
                }
                // Restore the identity in O(q): a touched slot k >= q first gave its own value k to some slot
                // j < q, which no later swap touches, so k is one of the drawn t_ij; resetting perm[v] = v for
                // every drawn v and perm[j] = j for j < q therefore resets every touched slot.
                for (int j = 0; j < q; j++) {
                    int v = s.t[at + j];
                    s.perm[v] = v;
                    s.perm[j] = j;
                }
            } else {
                for (int j = 0; j < q; j++) {
                    s.t[at + j] = RngStream.intFromWord(s.words[at + j], n);
                }
            }
        }
        if (simple) {
            for (int i = 1; i < n; i++) {
                System.arraycopy(s.t, 0, s.t, i * q, q);
            }
        }
    }

    /** input[off ...] (N, D) = rows [x_i, code_i, code_{t_i1}, ..., code_{t_iq}]. */
    private void writeInputs(Scratch s, double[] code, double[] input, int off) {
        int n = config.positions();
        int d = config.contentWidth();
        int q = config.pointers();
        int de = config.codeWidth();
        int width = config.inputWidth();
        for (int i = 0; i < n; i++) {
            int row = off + i * width;
            System.arraycopy(s.x, i * d, input, row, d);
            System.arraycopy(code, i * de, input, row + d, de);
            for (int j = 0; j < q; j++) {
                System.arraycopy(code, s.t[i * q + j] * de, input, row + d + (j + 1) * de, de);
            }
        }
    }

    /** labels[off ...] (N) from the projections p_{l,j} = &lt;u_l, x_j&gt;. */
    private void writeLabels(Scratch s, double[] labels, int off) {
        int n = config.positions();
        int d = config.contentWidth();
        int q = config.pointers();
        for (int l = 0; l < directionCount; l++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += directions[l * d + c] * s.x[j * d + c];
                }
                s.proj[l * n + j] = dot;
            }
        }
        if (config.link() == QstrConfig.Link.SQNORM) {
            for (int j = 0; j < n; j++) {
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    sq += s.x[j * d + c] * s.x[j * d + c];
                }
                s.proj[j] = sq - (config.hasContent(j) ? d : 0);
            }
        }
        double rootQ = Math.sqrt(q);
        double rootQd = Math.sqrt((double) q * d);
        for (int i = 0; i < n; i++) {
            int at = i * q;
            double y = switch (config.link()) {
                case LINEAR -> s.proj[s.t[at]];
                case SUMLINEAR -> {
                    double sum = 0;
                    for (int l = 0; l < q; l++) {
                        sum += s.proj[l * n + s.t[at + l]];
                    }
                    yield sum / rootQ;
                }
                case HE2 -> {
                    double sum = 0;
                    for (int l = 0; l < q; l++) {
                        double z = s.proj[l * n + s.t[at + l]];
                        sum += (z * z - 1) / SQRT2;
                    }
                    yield sum / rootQ;
                }
                case MEAN -> {
                    double sum = 0;
                    for (int l = 0; l < q; l++) {
                        sum += s.proj[s.t[at + l]];
                    }
                    yield sum / q;
                }
                case SQNORM -> {
                    double sum = 0;
                    for (int l = 0; l < q; l++) {
                        sum += s.proj[s.t[at + l]]; // n_t - m_t, written over the projections above
                    }
                    yield sum / rootQd;
                }
            };
            labels[off + i] = y;
        }
    }

    /** Working arrays of one call, reused across its prompts (and across calls by a caller that keeps them). */
    static final class Scratch {
        final int[] block = new int[4];
        final double[] x;
        final int[] words;
        final int[] t;
        final int[] perm;
        final double[] code;
        final double[] proj;
        final double[] noise;

        Scratch(QstrConfig c, int directionCount) {
            int n = c.positions();
            x = new double[n * c.contentWidth()];
            words = new int[n * c.pointers()];
            t = new int[n * c.pointers()];
            perm = new int[c.distinct() ? n : 0];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            code = new double[c.resampled() ? n * c.codeWidth() : 0];
            proj = new double[directionCount * n];
            noise = new double[c.noise() > 0 ? n : 0];
        }
    }
}
