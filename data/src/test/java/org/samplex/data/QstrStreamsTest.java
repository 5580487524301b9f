package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.learn.Task;
import org.samplex.api.rng.RngStream;

/** Prompts are pure functions of (task seed, stream, prompt index): chunking, backends and streams. */
class QstrStreamsTest {
    private static final RngStream TRAIN = RngStream.of(1, "train");
    /** Every random field in use: pointers, resampled codes and label noise. */
    private static final Map<String, Object> ALL_FIELDS = Map.of("N", 12, "q", 2, "link", "he2",
            "positional", "resampled", "noise", 0.3);

    @Test
    void promptsDoNotDependOnChunking() {
        for (Map<String, ?> settings : List.of(Map.of("N", 12), ALL_FIELDS)) {
            Task task = Prompts.task(settings, 3);
            Prompts whole = draw(task, 0, 64);
            Prompts first = draw(task, 0, 32);
            Prompts second = draw(task, 32, 32);
            assertArrayEquals(concat(first.input(), second.input()), whole.input());
            assertArrayEquals(concat(first.labels(), second.labels()), whole.labels());
            Prompts middle = draw(task, 10, 7);
            int promptSize = whole.n() * whole.width();
            assertArrayEquals(Arrays.copyOfRange(whole.input(), 10 * promptSize, 17 * promptSize), middle.input());
        }
    }

    @Test
    void largeBatchesStagedInPiecesMatchSmallOnes() {
        // 3000 prompts of 12 x 34 numbers exceed one host staging piece, so the batch is uploaded in parts
        Task task = Prompts.task(Map.of("N", 12), 3);
        Prompts whole = draw(task, 0, 3000);
        Prompts first = draw(task, 0, 1500);
        Prompts second = draw(task, 1500, 1500);
        assertArrayEquals(concat(first.input(), second.input()), whole.input());
        assertArrayEquals(concat(first.labels(), second.labels()), whole.labels());
    }

    @Test
    void cpuGivesTheReferencePromptsRoundedToFloat() {
        for (Map<String, ?> settings : List.of(Map.of("N", 12), ALL_FIELDS)) {
            Task task = Prompts.task(settings, 3);
            Prompts ref = Prompts.draw(task, "reference", Task.Split.TRAIN, TRAIN, 5, 50);
            Prompts cpu = Prompts.draw(task, "cpu", Task.Split.TRAIN, TRAIN, 5, 50);
            // rounding a double to the nearest float changes it by at most 2^-24 of its magnitude
            assertWithinFloatRounding(ref.input(), cpu.input());
            assertWithinFloatRounding(ref.labels(), cpu.labels());
        }
    }

    @Test
    void trainAndTestStreamsDiffer() {
        Task task = Prompts.task(Map.of("N", 12), 3);
        Prompts train = Prompts.draw(task, "reference", Task.Split.TRAIN, RngStream.of(1, "train"), 0, 4);
        Prompts test = Prompts.draw(task, "reference", Task.Split.TEST, RngStream.of(1, "test"), 0, 4);
        for (int p = 0; p < 4; p++) {
            assertFalse(Arrays.equals(train.content(p, 0), test.content(p, 0)), "prompt " + p);
        }
        assertFalse(Arrays.equals(train.labels(), test.labels()));
        // different repetitions of one experiment: another data stream, same task randomness
        Prompts other = Prompts.draw(task, "reference", Task.Split.TRAIN, RngStream.of(2, "train"), 0, 4);
        assertFalse(Arrays.equals(train.content(0, 0), other.content(0, 0)));
        assertArrayEquals(train.ownCode(0, 5), other.ownCode(0, 5));
    }

    @Test
    void taskSeedFixesCodesAndDirectionsButNotContent() {
        Prompts a = draw(Prompts.task(Map.of("N", 12), 3), 0, 8);
        Prompts b = draw(Prompts.task(Map.of("N", 12), 3), 0, 8);
        Prompts c = draw(Prompts.task(Map.of("N", 12), 4), 0, 8);
        assertArrayEquals(a.input(), b.input());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.content(2, 3), c.content(2, 3));
        assertFalse(Arrays.equals(a.ownCode(0, 0), c.ownCode(0, 0)) && Arrays.equals(a.ownCode(0, 1),
                c.ownCode(0, 1)), "codes depend on the task seed");
        assertFalse(Arrays.equals(a.labels(), c.labels()), "directions depend on the task seed");
    }

    /**
     * The numbers are the documented draws of {@link QstrSampler}'s class comment, element for element, computed
     * here with {@link RngStream}'s own element functions: the contract an on-device generator must meet.
     */
    @Test
    void promptsFollowTheDocumentedDraws() {
        long seed = 6;
        int n = 7;
        int de = 24;
        double sigma = 0.25;
        Task task = Prompts.task(Map.of("N", n, "d-e", de, "noise", sigma), seed);
        Prompts ps = Prompts.draw(task, "reference", Task.Split.TRAIN, TRAIN, 40, 3);
        RngStream fixedCode = RngStream.of(seed, "E");
        RngStream dirs = RngStream.of(seed, "u");
        double[] u = new double[10];
        for (int c = 0; c < 10; c++) {
            u[c] = dirs.normal(0, c);
        }
        double un = Prompts.norm(u);
        for (int c = 0; c < 10; c++) {
            u[c] /= un;
        }
        for (int b = 0; b < 3; b++) {
            long base = 8L * (40 + b);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 10; c++) {
                    assertEquals(TRAIN.normal(base, i * 10L + c), ps.content(b, i)[c]);
                }
                for (int c = 0; c < de; c++) {
                    double sign = fixedCode.uniform(0, (long) i * de + c) < 0.5 ? -1 : 1;
                    assertEquals(sign / Math.sqrt(de), ps.ownCode(b, i)[c]);
                }
                int t = TRAIN.uniformInt(base + 1, i, n);
                assertEquals(t, ps.pointer(b, i, 0));
                double clean = Prompts.dot(u, ps.content(b, t));
                assertEquals(clean + sigma * TRAIN.normal(base + 3, i), ps.label(b, i), 1e-12);
            }
        }
        Task resampled = Prompts.task(Map.of("N", n, "d-e", de, "positional", "resampled", "variant", "simple"),
                seed);
        Prompts rs = Prompts.draw(resampled, "reference", Task.Split.TRAIN, TRAIN, 9, 1);
        int shared = TRAIN.uniformInt(8 * 9 + 1, 0, n);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < de; c++) {
                double sign = TRAIN.uniform(8 * 9 + 2, (long) i * de + c) < 0.5 ? -1 : 1;
                assertEquals(sign / Math.sqrt(de), rs.ownCode(0, i)[c]);
            }
            assertEquals(shared, rs.pointer(0, i, 0));
        }
    }

    @Test
    void distinctPointersFollowThePartialFisherYatesScheme() {
        int n = 9;
        int q = 4;
        Task task = Prompts.task(Map.of("N", n, "q", q, "link", "mean", "pointers", "distinct", "d-e", 24), 2);
        Prompts ps = Prompts.draw(task, "reference", Task.Split.TRAIN, TRAIN, 17, 2);
        for (int b = 0; b < 2; b++) {
            long sub = 8L * (17 + b) + 1;
            for (int i = 0; i < n; i++) {
                int[] perm = new int[n];
                for (int k = 0; k < n; k++) {
                    perm[k] = k;
                }
                for (int j = 0; j < q; j++) {
                    int r = j + TRAIN.uniformInt(sub, (long) i * q + j, n - j);
                    int tmp = perm[j];
                    perm[j] = perm[r];
                    perm[r] = tmp;
                    assertEquals(perm[j], ps.pointer(b, i, j), "prompt " + b + " token " + i + " slot " + j);
                }
            }
        }
    }

    private static Prompts draw(Task task, long first, int count) {
        return Prompts.draw(task, "reference", Task.Split.TRAIN, TRAIN, first, count);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void assertWithinFloatRounding(double[] ref, double[] got) {
        assertEquals(ref.length, got.length);
        for (int k = 0; k < ref.length; k++) {
            double bound = Math.abs(ref[k]) * 0x1.0p-24;
            assertTrue(Math.abs(got[k] - ref[k]) <= bound, "element " + k + ": " + got[k] + " vs " + ref[k]);
        }
    }
}
