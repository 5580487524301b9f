package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cpu backend's own exp, sigmoid and tanh: accurate, and the same bits in vector lanes and in the scalar tail. */
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

    @Test
    void sigmoidAndTanhAreWithinAFewUnitRoundoffsOfTheExactValues() {
        SplittableRandom r = new SplittableRandom(5);
        double worstSigmoid = 0;
        double worstTanh = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = (float) r.nextDouble(-20, 20);
            double sigmoid = 1 / (1 + Math.exp(-x));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(CpuVec.sigmoid(x) - sigmoid) / Math.ulp((float) sigmoid));
            // tanh: absolute error in units of float32 roundoff at 1 (the cell's outputs are O(1))
            worstTanh = Math.max(worstTanh, Math.abs(CpuVec.tanh(x) - Math.tanh(x)) / 0x1p-24);
        }
        assertTrue(worstSigmoid <= 4, "sigmoid: worst error " + worstSigmoid + " ulp");
        assertTrue(worstTanh <= 8, "tanh: worst absolute error " + worstTanh + " u");
        assertEquals(0.5f, CpuVec.sigmoid(0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(CpuVec.tanh(-0f)), "odd at -0");
        assertEquals(1f, CpuVec.tanh(30f));
        assertEquals(-1f, CpuVec.tanh(-30f));
        assertEquals(-CpuVec.tanh(0.3f), CpuVec.tanh(-0.3f));
    }

    @Test
    void sigmoidAndTanhLanesAndTailGiveTheSameBits() {
        SplittableRandom r = new SplittableRandom(6);
        int off = 3;
        int len = 4 * CpuVec.LANES + 5;
        float[] x = new float[off + len];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-12, 12);
        }
        float[] s = x.clone();
        float[] t = x.clone();
        CpuVec.sigmoid(s, off, len);
        CpuVec.tanh(t, off, len);
        for (int i = 0; i < x.length; i++) {
            boolean inside = i >= off;
            assertEquals(Float.floatToRawIntBits(inside ? CpuVec.sigmoid(x[i]) : x[i]), Float.floatToRawIntBits(s[i]),
                    "sigmoid element " + i);
            assertEquals(Float.floatToRawIntBits(inside ? CpuVec.tanh(x[i]) : x[i]), Float.floatToRawIntBits(t[i]),
                    "tanh element " + i);
        }
    }
}
