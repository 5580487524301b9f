package org.samplex.backend.cpu;

import jdk.incubator.vector.FloatVector;
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

    /**
     * c[co, co + len) = alpha * acc[0, len) + beta * c[...]; with beta == 0, c is written without being read, so
     * NaNs already there do not survive.
     */
    static void scaleStore(float[] c, int co, float alpha, float[] acc, float beta, int len) {
        int j = 0;
        int bound = SPECIES.loopBound(len);
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
        if (beta == 0f) {
            for (; j < bound; j += LANES) {
                av.mul(FloatVector.fromArray(SPECIES, acc, j)).intoArray(c, co + j);
            }
            for (; j < len; j++) {
                c[co + j] = alpha * acc[j];
            }
            return;
        }
        FloatVector bv = FloatVector.broadcast(SPECIES, beta);
        for (; j < bound; j += LANES) {
            FloatVector scaled = av.mul(FloatVector.fromArray(SPECIES, acc, j));
            bv.fma(FloatVector.fromArray(SPECIES, c, co + j), scaled).intoArray(c, co + j);
        }
        for (; j < len; j++) {
            c[co + j] = Math.fma(beta, c[co + j], alpha * acc[j]);
        }
    }
}
