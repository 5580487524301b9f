package org.samplex.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.testkit.Fixtures;

class InspectionTest {
    private static final TaskShape SHAPE = new TaskShape(4, 6, 2, 1);

    private final LearnerProvider provider = Services.discover().learner("transformer");

    private Config config(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return provider.schema().validate(m);
    }

    private List<Config> configs() {
        return List.of(config("mlp-width", 5), config("heads", 2, "mlp-width", 5),
                config("heads", 3, "split-heads", true, "mlp-width", 5));
    }

    private static double[] randomPrompt(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[SHAPE.positions() * SHAPE.inputWidth()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** Every parameter, biases included, set to N(0, 0.5^2): a trained-looking, non-uniform attention. */
    private static void randomize(Backend be, Parameters p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[Math.toIntExact(p.count())];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 * r.nextGaussian();
        }
        be.copyFromHost(p.values(), w);
    }

    private static Map<String, double[][]> inspect(Backend be, Learner m, double[] prompt) {
        try (Arena arena = new Arena(be)) {
            Tensor x = Tensor.constant(arena.allocate(prompt.length), 1, SHAPE.positions(), SHAPE.inputWidth());
            be.copyFromHost(x.value(), prompt);
            return m.inspect(new Tape(be, arena), x);
        }
    }

    @Test
    void everyHeadHasAWqkOfDByDAndAnAttentionWhoseRowsSumToOne() {
        for (Config c : configs()) {
            int heads = TransformerConfig.from(c, SHAPE).heads();
            try (Backend be = Fixtures.open("reference", 1);
                 Learner m = provider.create(SHAPE, c, be, 2)) {
                randomize(be, m.parameters(), 3);
                Map<String, double[][]> a = inspect(be, m, randomPrompt(4));
                assertEquals(2 * heads, a.size(), c.toString());
                for (int j = 0; j < heads; j++) {
                    double[][] wqk = a.get("wqk.head" + j);
                    assertEquals(6, wqk.length);
                    assertEquals(6, wqk[0].length);
                    double[][] att = a.get("attention.head" + j);
                    assertEquals(4, att.length);
                    for (double[] row : att) {
                        assertEquals(4, row.length);
                        assertEquals(1.0, row[0] + row[1] + row[2] + row[3], 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void theAttentionWeightsReproduceTheForwardPass() {
        for (Config c : configs()) {
            TransformerConfig tc = TransformerConfig.from(c, SHAPE);
            int n = SHAPE.positions();
            int width = SHAPE.inputWidth();
            int hd = tc.headWidth(SHAPE);
            double[] prompt = randomPrompt(7);
            try (Backend be = Fixtures.open("reference", 1);
                 Learner m = provider.create(SHAPE, c, be, 5); Arena arena = new Arena(be)) {
                randomize(be, m.parameters(), 6);
                Map<String, double[][]> a = inspect(be, m, prompt);

                Tensor x = Tensor.constant(arena.allocate(prompt.length), 1, n, width);
                be.copyFromHost(x.value(), prompt);
                double[] forward = new double[n];
                be.copyToHost(m.forward(new Tape(be, arena), x).value(), forward);

                Parameters p = m.parameters();
                double[] w = p.valuesToHost();
                List<double[]> v = new ArrayList<>();
                for (int t = 0; t < n; t++) {
                    v.add(TransformerByHand.linear(p, w, "attn.v", java.util.Arrays.copyOfRange(prompt, t * width,
                            (t + 1) * width)));
                }
                double[] fromArtifacts = new double[n];
                for (int i = 0; i < n; i++) {
                    double[] y = new double[tc.attentionWidth(SHAPE)];
                    for (int j = 0; j < tc.heads(); j++) {
                        double[][] att = a.get("attention.head" + j);
                        for (int t = 0; t < n; t++) {
                            for (int col = j * hd; col < (j + 1) * hd; col++) {
                                y[col] += att[i][t] * v.get(t)[col];
                            }
                        }
                    }
                    if (tc.outProjection()) {
                        y = TransformerByHand.linear(p, w, "attn.out", y);
                    }
                    double[] h = TransformerByHand.linear(p, w, "mlp.fc1", y);
                    for (int col = 0; col < h.length; col++) {
                        h[col] = Math.max(0, h[col]);
                    }
                    fromArtifacts[i] = TransformerByHand.linear(p, w, "mlp.fc2", h)[0];
                }
                assertArrayEquals(forward, fromArtifacts, 1e-10, c.toString());
            }
        }
    }

    @Test
    void withZeroBiasesTheScoresAreTheBilinearFormOfWqk() {
        for (Config c : configs()) {
            TransformerConfig tc = TransformerConfig.from(c, SHAPE);
            double scale = 1 / Math.sqrt(tc.headWidth(SHAPE));
            double[] z = randomPrompt(8);
            int width = SHAPE.inputWidth();
            try (Backend be = Fixtures.open("reference", 1);
                 Learner m = provider.create(SHAPE, c, be, 9)) {
                // at initialization the in-projection biases are 0 (as PyTorch's MultiheadAttention)
                Map<String, double[][]> a = inspect(be, m, z);
                for (int j = 0; j < tc.heads(); j++) {
                    double[][] wqk = a.get("wqk.head" + j);
                    double[][] att = a.get("attention.head" + j);
                    for (int i = 0; i < 4; i++) {
                        double[] e = new double[4];
                        double sum = 0;
                        for (int t = 0; t < 4; t++) {
                            double s = 0;
                            for (int r = 0; r < width; r++) {
                                for (int col = 0; col < width; col++) {
                                    s += z[i * width + r] * wqk[r][col] * z[t * width + col];
                                }
                            }
                            e[t] = Math.exp(scale * s);
                            sum += e[t];
                        }
                        for (int t = 0; t < 4; t++) {
                            assertEquals(e[t] / sum, att[i][t], 1e-12, c + " head " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aPromptOfTheWrongShapeIsRejected() {
        try (Backend be = Fixtures.open("reference", 1);
             Learner m = provider.create(SHAPE, config(), be, 1); Arena arena = new Arena(be)) {
            Tensor two = Tensor.constant(arena.allocate(2 * 4 * 6), 2, 4, 6);
            var e = assertThrows(IllegalArgumentException.class, () -> m.inspect(new Tape(be, arena), two));
            assertEquals(true, e.getMessage().contains("(1, 4, 6)"), e.getMessage());
        }
    }
}
