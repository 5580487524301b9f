package org.samplex.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops shared by the cpu kernels. Every loop is lane-wise (no cross-lane reduction), and its scalar tail
 * performs the same IEEE operations as a vector lane, so an element's bits do not depend on whether it falls in a
 * vector or in the tail. (Float {@code reduceLanes(ADD)} is avoided on purpose: its order is unspecified and may
 * differ between the interpreter and compiled code, which would break same-inputs-same-bits.)
 */
final class CpuVec {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    private CpuVec() {
    }

    /** y[yo, yo + len) += s * x[xo, xo + len), each element one fused multiply-add. */
    static void axpy(float s, float[] x, int xo, float[] y, int yo, int len) {
        int j = 0;
        int bound = SPECIES.loopBound(len);
        if (bound > 0) {
            FloatVector sv = FloatVector.broadcast(SPECIES, s);
            for (; j < bound; j += LANES) {
                FloatVector yv = FloatVector.fromArray(SPECIES, y, yo + j);
                sv.fma(FloatVector.fromArray(SPECIES, x, xo + j), yv).intoArray(y, yo + j);
            }
        }
        for (; j < len; j++) {
            y[yo + j] = Math.fma(s, x[xo + j], y[yo + j]);
        }
    }

    /** x[xo, xo + len) *= s. */
    static void scale(float[] x, int xo, float s, int len) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xo + j).mul(s).intoArray(x, xo + j);
        }
        for (; j < len; j++) {
            x[xo + j] *= s;
        }
    }

    /** y[yo, yo + len) += x[xo, xo + len). */
    static void addInto(float[] y, int yo, float[] x, int xo, int len) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, y, yo + j).add(FloatVector.fromArray(SPECIES, x, xo + j))
                    .intoArray(y, yo + j);
        }
        for (; j < len; j++) {
            y[yo + j] += x[xo + j];
        }
    }

    /** out[oo, oo + len) = x[xo, xo + len) + y[yo, yo + len); out may alias x or y element for element. */
    static void add(float[] out, int oo, float[] x, int xo, float[] y, int yo, int len) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xo + j).add(FloatVector.fromArray(SPECIES, y, yo + j))
                    .intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = x[xo + j] + y[yo + j];
        }
    }

    /** Below this, exp's result would be subnormal: arguments are clamped here (exp = 1.2e-38 instead of less). */
    private static final float EXP_MIN = -87.33654f;
    private static final float EXP_MAX = 88f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split in two, the high part exact in few bits, so that x - n ln 2 is exact for |n| < 2^8. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;

    /**
     * x[0, len) = exp(x[0, len) - shift), vectorized with basic IEEE operations only (fused multiply-adds, a
     * rounding by a magic constant, an exponent built from bits), so vector lanes, the scalar tail, the interpreter
     * and compiled code all give the same bits, which Math.exp and the Vector API's EXP (a library call once
     * compiled) do not promise. Accurate to about 2 ulp; arguments below -87.34 give 1.2e-38, not 0.
     */
    static void expShifted(float[] x, int len, float shift) {
        int j = 0;
        int bound = SPECIES.loopBound(len);
        if (bound > 0) {
            FloatVector sv = FloatVector.broadcast(SPECIES, shift);
            for (; j < bound; j += LANES) {
                FloatVector a = FloatVector.fromArray(SPECIES, x, j).sub(sv).max(EXP_MIN).min(EXP_MAX);
                FloatVector n = a.fma(LOG2E, ROUND).sub(ROUND);
                FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), a);
                r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
                FloatVector p = r.fma(1f / 5040, 1f / 720);
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
                IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL,
                        23);
                p.mul(bits.reinterpretAsFloats()).intoArray(x, j);
            }
        }
        for (; j < len; j++) {
            x[j] = exp(x[j] - shift);
        }
    }

    /** One lane of {@link #expShifted}, the same operations in the same order. */
    static float exp(float x) {
        float a = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float n = Math.fma(a, LOG2E, ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, a);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1f / 5040, 1f / 720);
        p = Math.fma(p, r, 1f / 120);
        p = Math.fma(p, r, 1f / 24);
        p = Math.fma(p, r, 1f / 6);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
