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

    /** out[oo, oo + len) = x[xo, xo + len) * y[yo, yo + len); out may alias x or y element for element. */
    static void mul(float[] out, int oo, float[] x, int xo, float[] y, int yo, int len) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xo + j).mul(FloatVector.fromArray(SPECIES, y, yo + j))
                    .intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = x[xo + j] * y[yo + j];
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
    /** The sign bit of a float. */
    private static final int SIGN = 0x80000000;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;

    /**
     * x[0, len) = exp(x[0, len) - shift), vectorized with basic IEEE operations only (fused multiply-adds, a
     * rounding by a magic constant, an exponent built from bits), so vector lanes, the scalar tail, the interpreter
     * and compiled code all give the same bits, which Math.exp and the Vector API's EXP (a library call once
     * compiled) do not promise. Accurate to about 2 ulp; arguments below -87.34 give 1.2e-38, not 0.
     */
    static void expShifted(float[] x, int len, float shift) {
        transcendental(x, 0, len, shift, EXP);
    }

    /** x[off, off + len) = exp(x), as {@link #expShifted} with no shift. */
    static void exp(float[] x, int off, int len) {
        transcendental(x, off, len, 0f, EXP);
    }

    /**
     * x[off, off + len) = sigmoid(x) = 1 / (1 + exp(-x)) with {@link #exp(float)}: the same bits in lanes and tail;
     * within a few float32 ulps of the exact value.
     */
    static void sigmoid(float[] x, int off, int len) {
        transcendental(x, off, len, 0f, SIGMOID);
    }

    /**
     * x[off, off + len) = tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2 |x|), with {@link #exp(float)}: the same
     * bits in lanes and tail; within a few float32 ulps of 1 absolutely (relative accuracy is lower below |x| of
     * about 0.1, where 1 - e cancels), odd and exact at 0.
     */
    static void tanh(float[] x, int off, int len) {
        transcendental(x, off, len, 0f, TANH);
    }

    private static final int EXP = 0;
    private static final int SIGMOID = 1;
    private static final int TANH = 2;

    /**
     * The loop of {@link #expShifted}, {@link #sigmoid(float[], int, int)} and {@link #tanh(float[], int, int)}:
     * one copy of the vector exp, written out in the loop (a vector handed to a method that C2 does not inline is
     * boxed, and the allocation tests saw that happen when exp was a method of its own).
     */
    private static void transcendental(float[] x, int off, int len, float shift, int mode) {
        int j = 0;
        int bound = SPECIES.loopBound(len);
        if (bound > 0) {
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            for (; j < bound; j += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, off + j);
                FloatVector arg = mode == EXP ? v.sub(shift) : mode == SIGMOID ? v.neg() : v.abs().mul(-2f);
                // exp(arg): the lanes of exp(float)
                FloatVector a = arg.max(EXP_MIN).min(EXP_MAX);
                FloatVector n = a.fma(LOG2E, ROUND).sub(ROUND);
                FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), a);
                r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
                FloatVector p = r.fma(1f / 5040, 1f / 720);
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6));
                p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
                p = p.fma(r, one);
                p = p.fma(r, one);
                IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127)
                        .lanewise(VectorOperators.LSHL, 23);
                FloatVector e = p.mul(bits.reinterpretAsFloats());
                FloatVector out = mode == EXP ? e
                        : mode == SIGMOID ? one.div(e.add(1f))
                        : one.sub(e).div(e.add(1f)).reinterpretAsInts().or(v.reinterpretAsInts().and(SIGN))
                                .reinterpretAsFloats();
                out.intoArray(x, off + j);
            }
        }
        for (; j < len; j++) {
            float v = x[off + j];
            x[off + j] = mode == EXP ? exp(v - shift) : mode == SIGMOID ? sigmoid(v) : tanh(v);
        }
    }

    /**
     * out[oo, oo + len) = softplus(x) = max(x, 0) + log1p(exp(-|x|)), scalar: {@link #exp(float)}, then
     * {@link StrictMath#log1p} in double rounded once, so the bits do not depend on the JIT (out may be x).
     */
    static void softplus(float[] out, int oo, float[] x, int xo, int len) {
        for (int j = 0; j < len; j++) {
            float v = x[xo + j];
            out[oo + j] = Math.max(v, 0f) + (float) StrictMath.log1p(exp(-Math.abs(v)));
        }
    }

    /**
     * dIn[dio, dio + len) += softplus'(in) dOut, the slope from out = softplus(in): sigmoid(in) = 1 - exp(-out),
     * computed as -expm1(-out) in double ({@link StrictMath}), rounded once, then one fused multiply-add.
     */
    static void softplusBackward(float[] dIn, int dio, float[] dOut, int doo, float[] out, int oo, int len) {
        for (int j = 0; j < len; j++) {
            float slope = (float) -StrictMath.expm1(-(double) out[oo + j]);
            dIn[dio + j] = Math.fma(slope, dOut[doo + j], dIn[dio + j]);
        }
    }

    /** One lane of {@link #sigmoid(float[], int, int)}. */
    static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** One lane of {@link #tanh(float[], int, int)}. */
    static float tanh(float x) {
        float e = exp(Math.abs(x) * -2f);
        float t = (1f - e) / (e + 1f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN));
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
