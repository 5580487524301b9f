package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * The oracle's forward semantics on hand-checked values and properties: what finite differences cannot see
 * (they only check that each backward matches its own forward).
 */
class ReferenceBackendTest {
    private final Backend be = new ReferenceBackend();

    @AfterEach
    void close() {
        be.close();
    }

    private Buffer of(double... values) {
        Buffer b = be.allocate(values.length);
        be.copyFromHost(b, values);
        return b;
    }

    private double[] host(Buffer b) {
        double[] out = new double[(int) b.length()];
        be.copyToHost(b, out);
        return out;
    }

    @Test
    void describesItself() {
        assertEquals("reference", be.name());
        assertEquals(DType.FLOAT64, be.dtype());
        assertEquals(1, be.threads());
    }

    @Test
    void fillsReproduceTheStreamElementByElement() {
        RngStream stream = RngStream.of(3, "test");
        Buffer slab = be.allocate(14);
        Buffer u = slab.slice(3, 11);
        be.fillUniform(u, stream, 5, -2, 4);
        Buffer z = be.allocate(11);
        be.fillNormal(z, stream, 5, 1, 3);
        Buffer k = be.allocate(DType.INT32, 11);
        be.fillUniformInt(k, stream, 5, 7);
        int[] ints = new int[11];
        be.copyToHost(k, ints);
        for (int i = 0; i < 11; i++) {
            assertEquals(-2 + 6 * stream.uniform(5, i), host(u)[i], 0.0, "uniform " + i);
            assertEquals(1 + 3 * stream.normal(5, i), host(z)[i], 0.0, "normal " + i);
            assertEquals(stream.uniformInt(5, i, 7), ints[i], "uniformInt " + i);
        }
        assertEquals(0.0, host(slab)[0], "the slice's neighbours are untouched");
    }

    @Test
    void gemmMultipliesRowMajorMatricesInEveryStorage() {
        // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A B = [[19, 22], [43, 50]]
        double[] product = {19, 22, 43, 50};
        Buffer a = of(1, 2, 3, 4);
        Buffer aT = of(1, 3, 2, 4);
        Buffer b = of(5, 6, 7, 8);
        Buffer bT = of(5, 7, 6, 8);
        Buffer c = of(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        be.gemm(false, false, 2, 2, 2, 1.0, a, b, 0.0, c);
        assertArrayEquals(product, host(c), "beta 0 overwrites NaN");
        be.gemm(true, true, 2, 2, 2, 1.0, aT, bT, 0.0, c);
        assertArrayEquals(product, host(c));
        be.gemm(true, false, 2, 2, 2, 0.5, aT, b, -1.0, c);
        assertArrayEquals(new double[] {-9.5, -11, -21.5, -25}, host(c), "0.5 A B - C");
    }

    @Test
    void reluHasSlopeZeroAtZero() {
        Buffer in = of(-1, 0, 2);
        Buffer out = be.allocate(3);
        be.activationForward(Activation.RELU, out, in, 3);
        assertArrayEquals(new double[] {0, 0, 2}, host(out));
        Buffer dIn = of(10, 10, 10);
        be.activationBackward(Activation.RELU, dIn, of(1, 1, 1), in, out, 3);
        assertArrayEquals(new double[] {10, 10, 11}, host(dIn));
    }

    @Test
    void attentionWithZeroQueriesAveragesTheValuesItMaySee() {
        // B = 1, N = 3, H = 1, hd = 2: every score is 0, so the weights are uniform over the visible keys
        Buffer q = be.allocate(6);
        Buffer k = of(1, 2, 3, 4, 5, 6);
        Buffer v = of(1, 10, 2, 20, 6, 60);
        Buffer out = be.allocate(6);
        Buffer lse = be.allocate(3);
        be.attentionForward(out, lse, q, k, v, 1, 3, 1, 2, 0.7, false);
        assertArrayEquals(new double[] {3, 30, 3, 30, 3, 30}, host(out), 1e-12);
        assertArrayEquals(new double[] {Math.log(3), Math.log(3), Math.log(3)}, host(lse), 1e-12);
        be.attentionForward(out, lse, q, k, v, 1, 3, 1, 2, 0.7, true);
        assertArrayEquals(new double[] {1, 10, 1.5, 15, 3, 30}, host(out), 1e-12);
        assertArrayEquals(new double[] {0, Math.log(2), Math.log(3)}, host(lse), 1e-12);
    }

    @Test
    void attentionHeadsReadTheirOwnColumns() {
        // H = 2, hd = 1: head 1 has a large score on key 1 only, head 0 sees equal scores
        Buffer q = of(0, 1, 0, 1);
        Buffer k = of(0, 0, 0, 40);
        Buffer v = of(1, 5, 3, 7);
        Buffer out = be.allocate(4);
        be.attentionForward(out, be.allocate(4), q, k, v, 1, 2, 2, 1, 1.0, false);
        double[] o = host(out);
        assertEquals(2, o[0], 1e-12);
        assertEquals(7, o[1], 1e-12);
    }

    @Test
    void gruGatesComeInPyTorchOrder() {
        Buffer hNew = be.allocate(1);
        Buffer gates = be.allocate(3);
        Buffer hPrev = of(0.8);
        be.gruCellForward(hNew, gates, of(0, 0, 0), of(0, 0, 0), hPrev, 1, 1);
        assertEquals(0.4, host(hNew)[0], 1e-12, "r = z = 1/2, n = 0: h' = h / 2");
        be.gruCellForward(hNew, gates, of(0, 50, 0), of(0, 0, 0), hPrev, 1, 1);
        assertEquals(0.8, host(hNew)[0], 1e-12, "z (second) = 1 keeps h");
        be.gruCellForward(hNew, gates, of(-50, -50, 0.3), of(0, 0, 5), hPrev, 1, 1);
        assertEquals(Math.tanh(0.3), host(hNew)[0], 1e-12, "r (first) = 0 drops gh_n; z = 0 takes n");
        assertArrayEquals(new double[] {0, 0, Math.tanh(0.3)}, host(gates), 1e-12);
    }

    @Test
    void lstmGatesComeInPyTorchOrder() {
        Buffer hNew = be.allocate(1);
        Buffer cNew = be.allocate(1);
        Buffer gates = be.allocate(4);
        Buffer cPrev = of(0.6);
        be.lstmCellForward(hNew, cNew, gates, of(0, 0, 0, 0), of(0, 0, 0, 0), cPrev, 1, 1);
        assertEquals(0.3, host(cNew)[0], 1e-12, "f = 1/2, g = 0");
        assertEquals(0.5 * Math.tanh(0.3), host(hNew)[0], 1e-12);
        be.lstmCellForward(hNew, cNew, gates, of(50, -50, 0.2, 50), of(0, 0, 0.5, 0), cPrev, 1, 1);
        assertEquals(Math.tanh(0.7), host(cNew)[0], 1e-12, "i = 1, f = 0, g = tanh(gi_g + gh_g)");
        assertEquals(Math.tanh(Math.tanh(0.7)), host(hNew)[0], 1e-12, "o = 1");
    }

    @Test
    void mseIsTheMeanSquare() {
        Buffer loss = be.allocate(1);
        be.mseForward(loss, of(1, 2, 3), of(0, 0, 1), 3);
        assertEquals(3.0, host(loss)[0], 1e-15);
    }

    @Test
    void firstAdamWStepMovesEachParameterByTheLearningRate() {
        // step 1 from m = v = 0: m_hat = g, v_hat = g^2, so p -= lr g / (|g| + eps) after decay
        double lr = 0.01;
        double wd = 0.5;
        Buffer p = of(1, -2, 3);
        Buffer g = of(0.5, -4, 0);
        Buffer m = be.allocate(3);
        Buffer v = be.allocate(3);
        be.adamwUpdate(p, g, m, v, 3, lr, 0.9, 0.999, 1e-8, wd, 1);
        double decay = 1 - lr * wd;
        assertArrayEquals(new double[] {decay - lr * 0.5 / (0.5 + 1e-8), -2 * decay + lr * 4 / (4 + 1e-8), 3 * decay},
                host(p), 1e-12);
        assertArrayEquals(new double[] {0.05, -0.4, 0}, host(m), 1e-12);
        assertArrayEquals(new double[] {0.00025, 0.016, 0}, host(v), 1e-12);
    }

    @Test
    void gatherBackwardAddsRepeatedRows() {
        Buffer index = be.allocate(DType.INT32, 3);
        be.copyFromHost(index, new int[] {1, 0, 1});
        Buffer out = be.allocate(6);
        be.gatherRowsForward(out, of(1, 2, 3, 4), index, 3, 2);
        assertArrayEquals(new double[] {3, 4, 1, 2, 3, 4}, host(out));
        Buffer dTable = be.allocate(4);
        be.gatherRowsBackward(dTable, of(1, 1, 2, 2, 10, 10), index, 3, 2);
        assertArrayEquals(new double[] {2, 2, 11, 11}, host(dTable));
        be.gatherRowsBackward(null, of(1, 1, 2, 2, 10, 10), index, 3, 2);
        assertArrayEquals(new double[] {2, 2, 11, 11}, host(dTable), "a null dTable is skipped");
    }
}
