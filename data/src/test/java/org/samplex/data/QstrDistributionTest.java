package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.samplex.api.learn.Task;
import org.samplex.api.rng.RngStream;

/**
 * The sampled distribution against docs/qstr.md section 2, at fixed seeds (so each check is deterministic and fails
 * whenever the distribution is wrong by more than its bound).
 *
 * <p>Moment bounds: prompts are independent, tokens within a prompt are not (two tokens may point at the same
 * x). So each statistic is averaged per prompt first; the P per-prompt averages are i.i.d., and a bound of
 * 5 standard errors (their sample standard deviation / sqrt(P)) holds by the central limit theorem.
 *
 * <p>Chi-square bounds: the 1 - 1e-6 quantile of chi-square with k degrees of freedom, by the Wilson-Hilferty
 * approximation k (1 - 2/(9k) + z sqrt(2/(9k)))^3 with z = 4.753.
 */
class QstrDistributionTest {
    private static final int PROMPTS = 20_000;

    @Test
    void linearLabelsAreStandardNormalMoments(TestReporter reporter) {
        checkMoments(reporter, "linear", Map.of("N", 8), 0.0, 1.0);
    }

    @Test
    void sumOfLinearSlotsHasUnitVariance(TestReporter reporter) {
        checkMoments(reporter, "sumlinear q=3", Map.of("N", 8, "q", 3, "link", "sumlinear"), 0.0, 1.0);
    }

    @Test
    void he2LabelsHaveMeanZeroAndUnitVariance(TestReporter reporter) {
        // E[He2(z)] = 0 and E[He2(z)^2] = 1 for z ~ N(0, 1); slots are independent as the u_l are orthonormal
        checkMoments(reporter, "he2 q=1", Map.of("N", 8, "link", "he2"), 0.0, 1.0);
        checkMoments(reporter, "he2 q=2", Map.of("N", 8, "q", 2, "link", "he2"), 0.0, 1.0);
    }

    @Test
    void meanOfDistinctSlotsHasVarianceOneOverQ(TestReporter reporter) {
        // q distinct x's averaged and projected on a unit u: variance q / q^2
        checkMoments(reporter, "mean q=4 distinct", Map.of("N", 8, "q", 4, "link", "mean", "pointers", "distinct"),
                0.0, 0.25);
    }

    @Test
    void squaredNormLabelsOnHalfContentHaveMeanZeroAndUnitVariance(TestReporter reporter) {
        // (q d)^-1/2 sum_l (|x|^2 - d) over slots pointing into the first half: each such slot has variance 2 d and
        // is hit with probability 1/2 (N even); slots in the second half add 0; distinct slots are independent
        checkMoments(reporter, "sqnorm q=2 half distinct", Map.of("N", 8, "q", 2, "link", "sqnorm", "content", "half",
                "pointers", "distinct"), 0.0, 1.0);
        checkMoments(reporter, "sqnorm q=3 distinct", Map.of("N", 8, "q", 3, "link", "sqnorm", "pointers", "distinct"),
                0.0, 2.0);
        // iid slots may repeat a token: each of the q (q - 1) ordered pairs does so with probability 1/N, and then
        // adds 2 d P(first half) / (q d): q = 2, N = 8 gives 1 + 2 (1/8) (1/2) (2 d) / (2 d) = 1.125
        checkMoments(reporter, "sqnorm q=2 half iid", Map.of("N", 8, "q", 2, "link", "sqnorm", "content", "half"),
                0.0, 1.125);
        // content in tokens 0..3 of 7: a pointer finds content with chance 4/7
        checkMoments(reporter, "linear half N=7", Map.of("N", 7, "content", "half"), 0.0, 4.0 / 7);
    }

    @Test
    void halfContentZeroesTheSecondHalfAndTheSquaredNormLabelReadsTheInputs() {
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 7, "q", 2, "link", "sqnorm", "content", "half"), 3), 50);
        Prompts iid = Prompts.train(Prompts.task(Map.of("N", 7, "q", 2, "link", "sqnorm"), 3), 50);
        for (int p = 0; p < 50; p++) {
            for (int i = 0; i < 7; i++) {
                double[] x = ps.content(p, i);
                double[] same = iid.content(p, i);
                for (int c = 0; c < x.length; c++) {
                    // tokens 0..3 (2i < 7) keep the content that content=iid draws; tokens 4..6 carry none
                    assertEquals(2 * i < 7 ? same[c] : 0.0, x[c], "prompt " + p + " token " + i);
                }
                double sum = 0;
                for (int j = 0; j < 2; j++) {
                    int t = ps.pointer(p, i, j);
                    double sq = 0;
                    for (double v : ps.content(p, t)) {
                        sq += v * v;
                    }
                    sum += sq - (2 * t < 7 ? 10 : 0);
                }
                assertEquals(sum / Math.sqrt(2 * 10), ps.label(p, i), 1e-12, "label of prompt " + p + " token " + i);
            }
        }
    }

    @Test
    void meanOfIidSlotsHasTheVarianceOfCoincidingPointers(TestReporter reporter) {
        // q iid pointers over N tokens coincide in pairs with chance 1/N: (q + q (q - 1) / N) / q^2
        checkMoments(reporter, "mean q=3 iid", Map.of("N", 8, "q", 3, "link", "mean"), 0.0, (3 + 6.0 / 8) / 9);
    }

    @Test
    void labelNoiseAddsItsVariance(TestReporter reporter) {
        checkMoments(reporter, "linear noise 0.5", Map.of("N", 8, "noise", 0.5), 0.0, 1.25);
    }

    /**
     * Checks E[y] = mean and E[y^2] = secondMoment within 5 standard errors, and that the task's own
     * {@code labelVariance} (what a threshold must stay below) is the variance those moments give.
     */
    private static void checkMoments(TestReporter reporter, String what, Map<String, ?> settings, double mean,
                                     double secondMoment) {
        Task task = Prompts.task(settings, 11);
        assertEquals(secondMoment - mean * mean, task.labelVariance(), 1e-12, what + ": labelVariance");
        Prompts ps = Prompts.train(task, PROMPTS);
        double[] m1 = new double[PROMPTS];
        double[] m2 = new double[PROMPTS];
        for (int p = 0; p < PROMPTS; p++) {
            for (int i = 0; i < ps.n(); i++) {
                double y = ps.label(p, i);
                m1[p] += y / ps.n();
                m2[p] += y * y / ps.n();
            }
        }
        double[] a = meanAndError(m1);
        double[] b = meanAndError(m2);
        reporter.publishEntry(what, String.format("E[y] = %.5f +- %.5f, E[y^2] = %.5f +- %.5f (%d prompts x N=%d)",
                a[0], a[1], b[0], b[1], PROMPTS, ps.n()));
        assertTrue(Math.abs(a[0] - mean) < 5 * a[1], what + ": mean " + a[0] + " +- " + a[1]);
        assertTrue(Math.abs(b[0] - secondMoment) < 5 * b[1], what + ": E[y^2] " + b[0] + " +- " + b[1]);
    }

    /** The sample mean and its standard error. */
    private static double[] meanAndError(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        double mean = s / v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(ss / (v.length - 1) / v.length)};
    }

    @Test
    void iidPointerPairsAreUniformAndIndependent(TestReporter reporter) {
        // N = 8, q = 2: the 64 ordered pairs (t_i1, t_i2), self-pointers and repeats included, equally likely
        int n = 8;
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", n, "q", 2, "link", "mean", "d-e", 24), 5), 2000);
        long[] counts = new long[n * n];
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < n; i++) {
                counts[ps.pointer(p, i, 0) * n + ps.pointer(p, i, 1)]++;
            }
        }
        double chi2 = chiSquare(counts);
        reporter.publishEntry("iid pairs chi2", chi2 + " (df 63, bound " + critical(63) + ")");
        assertTrue(chi2 < critical(63), "chi-square " + chi2);
    }

    @Test
    void distinctPointersAreDistinctAndUniformOverOrderedTuples(TestReporter reporter) {
        int n = 5;
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", n, "q", 3, "link", "mean", "pointers", "distinct",
                "d-e", 24), 5), 3000);
        long[] counts = new long[n * n * n];
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < n; i++) {
                int a = ps.pointer(p, i, 0);
                int b = ps.pointer(p, i, 1);
                int c = ps.pointer(p, i, 2);
                assertTrue(a != b && b != c && a != c, "prompt " + p + " token " + i + ": " + a + " " + b + " " + c);
                counts[(a * n + b) * n + c]++;
            }
        }
        // only the 5*4*3 = 60 tuples of distinct values can occur (checked above): test uniformity over them
        long[] possible = new long[60];
        int k = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < n; c++) {
                    if (a != b && b != c && a != c) {
                        possible[k++] = counts[(a * n + b) * n + c];
                    }
                }
            }
        }
        double chi2 = chiSquare(possible);
        reporter.publishEntry("distinct triples chi2", chi2 + " (df 59, bound " + critical(59) + ")");
        assertTrue(chi2 < critical(59), "chi-square " + chi2);
    }

    @Test
    void simplePromptsShareOneUniformTuple(TestReporter reporter) {
        int n = 6;
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", n, "variant", "simple", "d-e", 24), 5), 3000);
        long[] counts = new long[n];
        for (int p = 0; p < ps.count(); p++) {
            int t = ps.pointer(p, 0, 0);
            counts[t]++;
            for (int i = 1; i < n; i++) {
                assertEquals(t, ps.pointer(p, i, 0), "prompt " + p + " token " + i);
                assertEquals(ps.label(p, 0), ps.label(p, i), "prompt " + p + " token " + i);
            }
        }
        double chi2 = chiSquare(counts);
        reporter.publishEntry("simple tuple chi2", chi2 + " (df 5, bound " + critical(5) + ")");
        assertTrue(chi2 < critical(5), "chi-square " + chi2);
    }

    @Test
    void simpleDistinctTuplesAreSharedAndDistinct() {
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 6, "q", 2, "link", "sumlinear", "variant", "simple",
                "pointers", "distinct", "d-e", 24), 5), 300);
        for (int p = 0; p < ps.count(); p++) {
            int a = ps.pointer(p, 0, 0);
            int b = ps.pointer(p, 0, 1);
            assertNotEquals(a, b, "prompt " + p);
            for (int i = 1; i < ps.n(); i++) {
                assertEquals(a, ps.pointer(p, i, 0), "prompt " + p + " token " + i);
                assertEquals(b, ps.pointer(p, i, 1), "prompt " + p + " token " + i);
                assertEquals(ps.label(p, 0), ps.label(p, i), "prompt " + p + " token " + i);
            }
        }
    }

    @Test
    void generalPromptsHaveTokenLabels() {
        // all N = 8 tokens point at one x with probability 8^-7 per prompt
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 8), 5), 500);
        for (int p = 0; p < ps.count(); p++) {
            Set<Double> labels = new HashSet<>();
            for (int i = 0; i < ps.n(); i++) {
                labels.add(ps.label(p, i));
            }
            assertTrue(labels.size() > 1, "prompt " + p + " has one label");
        }
    }

    @Test
    void testVariantSimpleMakesSimpleTestPromptsOnly() {
        Task task = Prompts.task(Map.of("N", 8, "test-variant", "simple"), 5);
        RngStream stream = RngStream.of(2, "test");
        Prompts test = Prompts.draw(task, "reference", Task.Split.TEST, stream, 0, 100);
        Prompts train = Prompts.draw(task, "reference", Task.Split.TRAIN, stream, 0, 100);
        int trainSimple = 0;
        for (int p = 0; p < 100; p++) {
            for (int i = 1; i < 8; i++) {
                assertEquals(test.label(p, 0), test.label(p, i));
                assertArrayEquals(test.pointerCode(p, 0, 0), test.pointerCode(p, i, 0));
            }
            Set<Double> labels = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                labels.add(train.label(p, i));
            }
            trainSimple += labels.size() == 1 ? 1 : 0;
        }
        assertEquals(0, trainSimple);
        Task same = Prompts.task(Map.of("N", 8), 5);
        Prompts general = Prompts.draw(same, "reference", Task.Split.TEST, stream, 0, 1);
        Set<Double> labels = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            labels.add(general.label(0, i));
        }
        assertTrue(labels.size() > 1, "test-variant same keeps general test prompts");
    }

    private static double chiSquare(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double expected = (double) total / counts.length;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        return chi2;
    }

    private static double critical(int df) {
        double z = 4.753;
        double h = 2.0 / (9 * df);
        return df * Math.pow(1 - h + z * Math.sqrt(h), 3);
    }
}
