package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuVec.LANES;
import static org.samplex.backend.cpu.CpuVec.SPECIES;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * One AdamW step in float32, in torch.optim.AdamW's order of operations: {@code p *= 1 - lr wd};
 * {@code m = b1 m + (1 - b1) g}; {@code v = b2 v + (1 - b2) g^2};
 * {@code p -= stepSize m / (sqrt(v) / sqrt(1 - b2^t) + eps)} with {@code stepSize = lr / (1 - b1^t)}. The scalar
 * coefficients (decay, bias corrections, step size) are computed in double and rounded to float once; the
 * per-element update runs in float, in fixed chunks of {@link CpuPointwise#CHUNK} elements, one task each.
 *
 * <p>Allocation: none per call; the step's operands and coefficients are fields of this per-backend object (calls
 * on a backend are serial), read by one reusable task.
 */
final class CpuAdamW {
    private static final int CHUNK = CpuPointwise.CHUNK;

    private final CpuParallel par;
    private final IntConsumer task = this::chunk;

    // ---- the step in progress ---------------------------------------------------------------------------------
    private int n;
    private float[] p;
    private int po;
    private float[] g;
    private int go;
    private float[] m;
    private int mo;
    private float[] v;
    private int vo;
    private float decay;
    private float beta1;
    private float oneMinusBeta1;
    private float beta2;
    private float oneMinusBeta2;
    private float stepSize;
    private float biasCorrection2Sqrt;
    private float eps;

    CpuAdamW(CpuParallel par) {
        this.par = par;
    }

    void update(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n, double lr,
                double beta1, double beta2, double eps, double weightDecay, long step) {
        this.decay = (float) (1.0 - lr * weightDecay);
        this.beta1 = (float) beta1;
        this.oneMinusBeta1 = (float) (1.0 - beta1);
        this.beta2 = (float) beta2;
        this.oneMinusBeta2 = (float) (1.0 - beta2);
        this.stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        this.biasCorrection2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        this.eps = (float) eps;
        this.n = n;
        this.p = p;
        this.po = po;
        this.g = g;
        this.go = go;
        this.m = m;
        this.mo = mo;
        this.v = v;
        this.vo = vo;
        try {
            par.forEach((n - 1) / CHUNK + 1, (long) n * 8, task);
        } finally {
            this.p = null;
            this.g = null;
            this.m = null;
            this.v = null;
        }
    }

    /** Elements of chunk t. */
    private void chunk(int t) {
        int lo = t * CHUNK;
        int hi = lo + Math.min(CHUNK, n - lo);
        float[] p = this.p;
        float[] g = this.g;
        float[] m = this.m;
        float[] v = this.v;
        int po = this.po;
        int go = this.go;
        int mo = this.mo;
        int vo = this.vo;
        float decay = this.decay;
        float beta1 = this.beta1;
        float oneMinusBeta1 = this.oneMinusBeta1;
        float beta2 = this.beta2;
        float oneMinusBeta2 = this.oneMinusBeta2;
        float stepSize = this.stepSize;
        float biasCorrection2Sqrt = this.biasCorrection2Sqrt;
        float eps = this.eps;
        // the vector loop performs the same operations as the scalar tail, one vector of lanes at a time
        FloatVector b1 = FloatVector.broadcast(SPECIES, oneMinusBeta1);
        FloatVector b2 = FloatVector.broadcast(SPECIES, oneMinusBeta2);
        int j = lo;
        for (int bound = lo + SPECIES.loopBound(hi - lo); j < bound; j += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, go + j);
            FloatVector mv = gv.fma(b1, FloatVector.fromArray(SPECIES, m, mo + j).mul(beta1));
            FloatVector vv = gv.mul(gv).fma(b2, FloatVector.fromArray(SPECIES, v, vo + j).mul(beta2));
            FloatVector denom = vv.sqrt().div(biasCorrection2Sqrt).add(eps);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, po + j).mul(decay);
            pv.sub(mv.div(denom).mul(stepSize)).intoArray(p, po + j);
            mv.intoArray(m, mo + j);
            vv.intoArray(v, vo + j);
        }
        for (; j < hi; j++) {
            float gj = g[go + j];
            float mj = Math.fma(oneMinusBeta1, gj, beta1 * m[mo + j]);
            float vj = Math.fma(oneMinusBeta2, gj * gj, beta2 * v[vo + j]);
            float denom = (float) Math.sqrt(vj) / biasCorrection2Sqrt + eps;
            float pj = p[po + j] * decay;
            p[po + j] = pj - stepSize * (mj / denom);
            m[mo + j] = mj;
            v[vo + j] = vj;
        }
    }
}
