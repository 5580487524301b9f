package org.samplex.api.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {

    /** Known-answer vectors of Random123 (kat_vectors, philox4x32 with 10 rounds). */
    @Test
    void matchesRandom123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void streamsAreDeterministicAndDistinctByNameAndSeed() {
        RngStream a = RngStream.of(7, "train");
        assertEquals(a, RngStream.of(7, "train"));
        assertNotEquals(a.k0(), RngStream.of(7, "test").k0());
        assertNotEquals(a.k0(), RngStream.of(8, "train").k0());
        assertEquals(a.uniform(3, 12345), RngStream.of(7, "train").uniform(3, 12345));
        assertNotEquals(a.uniform(3, 12345), a.uniform(4, 12345));
    }

    @Test
    void elementMappingFollowsTheSpecifiedCounterLayout() {
        RngStream s = RngStream.of(1, "E");
        int[] w = new int[4];
        long i = 4L * 1_000_000_007L + 2; // block index above 2^32 / 4 checks the high counter word
        s.block(i / 4, 9, w);
        assertEquals(RngStream.uniformFromWord(w[2]), s.uniform(9, i));
        assertEquals(RngStream.intFromWord(w[2], 10), s.uniformInt(9, i, 10));
        s.block(5, 9, w);
        assertEquals(RngStream.normalFromWords(w[2], w[3]), s.normal(9, 11));
    }

    @Test
    void uniformHasTheMomentsOfU01() {
        RngStream s = RngStream.of(42, "u");
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        double min = 1;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double u = s.uniform(0, i);
            sum += u;
            sq += u * u;
            min = Math.min(min, u);
            max = Math.max(max, u);
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        // standard errors: sqrt(1/12/n) = 6.5e-4 for the mean; 5 sigma bounds
        assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / n));
        assertEquals(1.0 / 12, var, 5 * Math.sqrt(1.0 / 180 / n));
        assertTrue(min >= 0 && max < 1, "range [" + min + ", " + max + "]");
    }

    @Test
    void normalHasMeanZeroVarianceOneAndGaussianTails() {
        RngStream s = RngStream.of(42, "x");
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; i++) {
            double z = s.normal(5, i);
            sum += z;
            sq += z * z;
            if (Math.abs(z) > 2) {
                beyond2++;
            }
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        assertEquals(0, mean, 5 / Math.sqrt(n));
        assertEquals(1, var, 5 * Math.sqrt(2.0 / n));
        double p2 = 0.0455; // P(|Z| > 2)
        assertEquals(p2, beyond2 / (double) n, 5 * Math.sqrt(p2 * (1 - p2) / n));
    }

    @Test
    void integersAreUniformByChiSquare() {
        RngStream s = RngStream.of(3, "pointers");
        int bound = 7;
        int n = 70_000;
        long[] counts = new long[bound];
        for (int i = 0; i < n; i++) {
            counts[s.uniformInt(0, i, bound)]++;
        }
        double expected = (double) n / bound;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 6 degrees of freedom: P(chi2 > 22.46) = 0.001
        assertTrue(chi2 < 22.46, "chi-square " + chi2 + " for counts " + java.util.Arrays.toString(counts));
        assertThrows(IllegalArgumentException.class, () -> s.uniformInt(0, 0, 0));
    }
}
