package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuVec.LANES;
import static org.samplex.backend.cpu.CpuVec.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * One AdamW step in float32, in torch.optim.AdamW's order of operations: {@code p *= 1 - lr wd};
 * {@code m = b1 m + (1 - b1) g}; {@code v = b2 v + (1 - b2) g^2};
 * {@code p -= stepSize m / (sqrt(v) / sqrt(1 - b2^t) + eps)} with {@code stepSize = lr / (1 - b1^t)}. The scalar
 * coefficients (decay, bias corrections, step size) are computed in double and rounded to float once; the
 * per-element update runs in float.
 */
final class CpuAdamW {
    private CpuAdamW() {
    }

    /** The per-step float coefficients. */
    private record Coefficients(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                                float stepSize, float biasCorrection2Sqrt, float eps) {
    }

    static void update(CpuParallel par, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                       int n, double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        Coefficients c = new Coefficients(
                (float) (1.0 - lr * weightDecay),
                (float) beta1, (float) (1.0 - beta1),
                (float) beta2, (float) (1.0 - beta2),
                (float) (lr / (1.0 - Math.pow(beta1, step))),
                (float) Math.sqrt(1.0 - Math.pow(beta2, step)),
                (float) eps);
        CpuPointwise.chunks(par, n, 8, (lo, hi) -> {
            int j = lo;
            for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
                vectorStep(c, p, po + j, g, go + j, m, mo + j, v, vo + j);
            }
            for (; j < hi; j++) {
                float gj = g[go + j];
                float mj = Math.fma(c.oneMinusBeta1, gj, c.beta1 * m[mo + j]);
                float vj = Math.fma(c.oneMinusBeta2, gj * gj, c.beta2 * v[vo + j]);
                float denom = (float) Math.sqrt(vj) / c.biasCorrection2Sqrt + c.eps;
                float pj = p[po + j] * c.decay;
                p[po + j] = pj - c.stepSize * (mj / denom);
                m[mo + j] = mj;
                v[vo + j] = vj;
            }
        });
    }

    /** The same operations as the scalar tail, one vector of lanes at a time. */
    private static void vectorStep(Coefficients c, float[] p, int pi, float[] g, int gi, float[] m, int mi,
                                   float[] v, int vi) {
        FloatVector gv = FloatVector.fromArray(SPECIES, g, gi);
        FloatVector mv = gv.fma(FloatVector.broadcast(SPECIES, c.oneMinusBeta1),
                FloatVector.fromArray(SPECIES, m, mi).mul(c.beta1));
        FloatVector vv = gv.mul(gv).fma(FloatVector.broadcast(SPECIES, c.oneMinusBeta2),
                FloatVector.fromArray(SPECIES, v, vi).mul(c.beta2));
        FloatVector denom = vv.sqrt().div(c.biasCorrection2Sqrt).add(c.eps);
        FloatVector pv = FloatVector.fromArray(SPECIES, p, pi).mul(c.decay);
        pv.sub(mv.div(denom).mul(c.stepSize)).intoArray(p, pi);
        mv.intoArray(m, mi);
        vv.intoArray(v, vi);
    }
}
