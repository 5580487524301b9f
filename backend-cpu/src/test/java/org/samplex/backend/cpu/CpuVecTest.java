package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cpu backend's own exp: accurate, and the same bits in vector lanes and in the scalar tail. */
class CpuVecTest {

    @Test
    void expIsWithinTwoUlpsOfTheCorrectlyRoundedValueDownToTheSmallestNormal() {
        SplittableRandom r = new SplittableRandom(3);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = (float) r.nextDouble(-87.3, 88);
            double exact = Math.exp(x);
            float got = CpuVec.exp(x);
            worst = Math.max(worst, Math.abs(got - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
        assertEquals(1f, CpuVec.exp(0f));
        assertTrue(Float.isNaN(CpuVec.exp(Float.NaN)));
        assertEquals(CpuVec.exp(-87.33654f), CpuVec.exp(-1000f), "clamped below");
        assertTrue(CpuVec.exp(-1000f) > 0 && CpuVec.exp(-1000f) < 1.2e-38f);
    }

    @Test
    void vectorLanesAndTheScalarTailGiveTheSameBits() {
        SplittableRandom r = new SplittableRandom(4);
        int len = 5 * CpuVec.LANES + 3;
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) r.nextDouble(-30, 5);
        }
        float shift = 1.25f;
        float[] y = x.clone();
        CpuVec.expShifted(y, len, shift);
        for (int i = 0; i < len; i++) {
            assertEquals(Float.floatToRawIntBits(CpuVec.exp(x[i] - shift)), Float.floatToRawIntBits(y[i]),
                    "element " + i + " (x = " + x[i] + ")");
        }
    }
}
