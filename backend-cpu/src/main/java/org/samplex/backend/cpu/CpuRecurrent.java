package org.samplex.backend.cpu;

/**
 * GRU and LSTM cells in float32, PyTorch's gate order and equations (see {@link org.samplex.api.Backend}). One
 * task per batch row; every element is computed by scalar code in a fixed order, so results do not depend on the
 * thread count. Transcendentals are evaluated in double and rounded once.
 */
final class CpuRecurrent {
    /** Rough scalar cost of one hidden unit of one row (a few exp/tanh). */
    private static final int UNIT_COST = 40;

    private CpuRecurrent() {
    }

    private static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    /** r, z, n, h' = (1 - z) n + z h for every row; gates (B, 3h) keep r, z, n. */
    static void gruForward(CpuParallel par, CpuView hNew, CpuView gates, CpuView gi, CpuView gh, CpuView hPrev,
                           int batch, int hidden) {
        par.forEach(batch, (long) batch * hidden * UNIT_COST, b -> {
            int g3 = b * 3 * hidden;
            for (int j = 0; j < hidden; j++) {
                int ir = g3 + j;
                int iz = ir + hidden;
                int in = iz + hidden;
                float r = CpuPointwise.sigmoid(gi.x()[gi.off() + ir] + gh.x()[gh.off() + ir]);
                float z = CpuPointwise.sigmoid(gi.x()[gi.off() + iz] + gh.x()[gh.off() + iz]);
                float n = tanh(gi.x()[gi.off() + in] + r * gh.x()[gh.off() + in]);
                float h = hPrev.x()[hPrev.off() + b * hidden + j];
                hNew.x()[hNew.off() + b * hidden + j] = (1f - z) * n + z * h;
                gates.x()[gates.off() + ir] = r;
                gates.x()[gates.off() + iz] = z;
                gates.x()[gates.off() + in] = n;
            }
        });
    }

    /**
     * Adds into dGi, dGh (B, 3h) and dHPrev (B, h); null ones are skipped. From h' = (1 - z) n + z h:
     * dn = dh' (1 - z), dz = dh' (h - n), dh += dh' z; n = tanh(gi_n + r gh_n): dn_pre = dn (1 - n^2), dgh_n =
     * dn_pre r, dr = dn_pre gh_n; r, z = sigmoid(gi + gh): d_pre = d s (1 - s) into both dGi and dGh.
     */
    static void gruBackward(CpuParallel par, CpuView dGi, CpuView dGh, CpuView dHPrev, CpuView dHNew,
                            CpuView gates, CpuView gh, CpuView hPrev, int batch, int hidden) {
        par.forEach(batch, (long) batch * hidden * UNIT_COST, b -> {
            int g3 = b * 3 * hidden;
            for (int j = 0; j < hidden; j++) {
                int ir = g3 + j;
                int iz = ir + hidden;
                int in = iz + hidden;
                float r = gates.x()[gates.off() + ir];
                float z = gates.x()[gates.off() + iz];
                float n = gates.x()[gates.off() + in];
                float h = hPrev.x()[hPrev.off() + b * hidden + j];
                float dh = dHNew.x()[dHNew.off() + b * hidden + j];
                float dnPre = dh * (1f - z) * (1f - n * n);
                float dzPre = dh * (h - n) * (z * (1f - z));
                float drPre = dnPre * gh.x()[gh.off() + in] * (r * (1f - r));
                if (dGi != null) {
                    dGi.x()[dGi.off() + ir] += drPre;
                    dGi.x()[dGi.off() + iz] += dzPre;
                    dGi.x()[dGi.off() + in] += dnPre;
                }
                if (dGh != null) {
                    dGh.x()[dGh.off() + ir] += drPre;
                    dGh.x()[dGh.off() + iz] += dzPre;
                    dGh.x()[dGh.off() + in] += dnPre * r;
                }
                if (dHPrev != null) {
                    dHPrev.x()[dHPrev.off() + b * hidden + j] += dh * z;
                }
            }
        });
    }

    /** i, f, g, o of pre = gi + gh; c' = f c + i g; h' = o tanh(c'); gates (B, 4h) keep the activated i, f, g, o. */
    static void lstmForward(CpuParallel par, CpuView hNew, CpuView cNew, CpuView gates, CpuView gi, CpuView gh,
                            CpuView cPrev, int batch, int hidden) {
        par.forEach(batch, (long) batch * hidden * UNIT_COST, b -> {
            int g4 = b * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                int ii = g4 + j;
                int ifo = ii + hidden;
                int ig = ifo + hidden;
                int io = ig + hidden;
                float i = CpuPointwise.sigmoid(gi.x()[gi.off() + ii] + gh.x()[gh.off() + ii]);
                float f = CpuPointwise.sigmoid(gi.x()[gi.off() + ifo] + gh.x()[gh.off() + ifo]);
                float g = tanh(gi.x()[gi.off() + ig] + gh.x()[gh.off() + ig]);
                float o = CpuPointwise.sigmoid(gi.x()[gi.off() + io] + gh.x()[gh.off() + io]);
                float c = f * cPrev.x()[cPrev.off() + b * hidden + j] + i * g;
                cNew.x()[cNew.off() + b * hidden + j] = c;
                hNew.x()[hNew.off() + b * hidden + j] = o * tanh(c);
                gates.x()[gates.off() + ii] = i;
                gates.x()[gates.off() + ifo] = f;
                gates.x()[gates.off() + ig] = g;
                gates.x()[gates.off() + io] = o;
            }
        });
    }

    /**
     * Adds into dPre (B, 4h) and dCPrev (B, h); null ones (and a null dCNew, meaning zero) are skipped. From
     * h' = o tanh(c'): do = dh' tanh(c'), dc = dc' + dh' o (1 - tanh(c')^2); from c' = f c + i g: di = dc g,
     * df = dc c, dg = dc i, dc_prev += dc f; then through each gate's activation.
     */
    static void lstmBackward(CpuParallel par, CpuView dPre, CpuView dCPrev, CpuView dHNew, CpuView dCNew, CpuView gates,
                             CpuView cPrev, CpuView cNew, int batch, int hidden) {
        par.forEach(batch, (long) batch * hidden * UNIT_COST, b -> {
            int g4 = b * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                int ii = g4 + j;
                int ifo = ii + hidden;
                int ig = ifo + hidden;
                int io = ig + hidden;
                int e = b * hidden + j;
                float i = gates.x()[gates.off() + ii];
                float f = gates.x()[gates.off() + ifo];
                float g = gates.x()[gates.off() + ig];
                float o = gates.x()[gates.off() + io];
                float tc = tanh(cNew.x()[cNew.off() + e]);
                float dh = dHNew.x()[dHNew.off() + e];
                float dc = dh * o * (1f - tc * tc);
                if (dCNew != null) {
                    dc += dCNew.x()[dCNew.off() + e];
                }
                if (dPre != null) {
                    dPre.x()[dPre.off() + ii] += dc * g * (i * (1f - i));
                    dPre.x()[dPre.off() + ifo] += dc * cPrev.x()[cPrev.off() + e] * (f * (1f - f));
                    dPre.x()[dPre.off() + ig] += dc * i * (1f - g * g);
                    dPre.x()[dPre.off() + io] += dh * tc * (o * (1f - o));
                }
                if (dCPrev != null) {
                    dCPrev.x()[dCPrev.off() + e] += dc * f;
                }
            }
        });
    }
}
