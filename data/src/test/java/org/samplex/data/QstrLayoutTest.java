package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.learn.Task;

/** The input layout z_i = [x_i, E_i, E_{t_i1}, ..., E_{t_iq}] and the positional codes, read from the outside. */
class QstrLayoutTest {

    @Test
    void fixedCodesAreUnitRademacherRowsSharedByAllPrompts() {
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 12), 4), 20);
        double entry = 1 / Math.sqrt(ps.de());
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                double[] e = ps.ownCode(p, i);
                checkCode(e, entry, 1.0);
                assertArrayEquals(ps.ownCode(0, i), e, "E_" + i + " is fixed per task");
                assertTrue(isRow(ps, p, ps.pointerCode(p, i, 0)), "pointer block is a row of E");
            }
        }
        Prompts sameSeed = Prompts.train(Prompts.task(Map.of("N", 12), 4), 1);
        Prompts otherSeed = Prompts.train(Prompts.task(Map.of("N", 12), 5), 1);
        assertArrayEquals(ps.ownCode(0, 3), sameSeed.ownCode(0, 3));
        assertFalse(Arrays.equals(codeMatrix(ps, 0), codeMatrix(otherSeed, 0)), "E depends on the task seed");
    }

    @Test
    void positionalScaleMultipliesEveryCodeBlockBySqrtDOverQ() {
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 8, "q", 2, "link", "mean", "pos-scale", true), 4), 10);
        double scale = Math.sqrt(10 / 2.0);
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                checkCode(ps.ownCode(p, i), scale / Math.sqrt(ps.de()), scale);
                checkCode(ps.pointerCode(p, i, 0), scale / Math.sqrt(ps.de()), scale);
                checkCode(ps.pointerCode(p, i, 1), scale / Math.sqrt(ps.de()), scale);
            }
        }
    }

    @Test
    void resampledCodesAreFreshUnitCodesPerPrompt() {
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 8, "positional", "resampled", "d-e", 24), 4), 20);
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                checkCode(ps.ownCode(p, i), 1 / Math.sqrt(24), 1.0);
                ps.pointer(p, i, 0); // the pointer block is exactly one row of this prompt's E
            }
            if (p > 0) {
                assertFalse(Arrays.equals(codeMatrix(ps, 0), codeMatrix(ps, p)), "prompt " + p + " has prompt 0's E");
            }
        }
        Prompts scaled = Prompts.train(Prompts.task(Map.of("N", 8, "positional", "resampled", "pos-scale", true),
                4), 5);
        for (int p = 0; p < scaled.count(); p++) {
            checkCode(scaled.ownCode(p, 2), Math.sqrt(10) / Math.sqrt(scaled.de()), Math.sqrt(10));
        }
    }

    @Test
    void linearLabelIsTheProjectionOfThePointedToken() {
        for (String positional : new String[] {"fixed", "resampled"}) {
            Task task = Prompts.task(Map.of("N", 12, "d-e", 24, "positional", positional), 8);
            Prompts ps = Prompts.train(task, 40);
            double[][] features = new double[ps.count() * ps.n()][];
            double[] y = new double[features.length];
            for (int p = 0; p < ps.count(); p++) {
                for (int i = 0; i < ps.n(); i++) {
                    features[p * ps.n() + i] = ps.content(p, ps.pointer(p, i, 0));
                    y[p * ps.n() + i] = ps.label(p, i);
                }
            }
            double[] u = leastSquares(features, y);
            assertTrue(maxResidual(features, y, u) < 1e-9, positional + ": labels are exactly <u, x_t>");
            assertEquals(1.0, Prompts.norm(u), 1e-9, "u is a unit vector");
            assertArrayEquals(((QstrTask) task).directions(), u, 1e-9);
        }
    }

    @Test
    void sumOfLinearSlotsUsesOrthonormalDirections() {
        int q = 2;
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 10, "q", q, "link", "sumlinear", "d-e", 24), 8), 40);
        double[][] features = new double[ps.count() * ps.n()][];
        double[] y = new double[features.length];
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                double[] f = new double[q * ps.d()];
                for (int l = 0; l < q; l++) {
                    System.arraycopy(ps.content(p, ps.pointer(p, i, l)), 0, f, l * ps.d(), ps.d());
                }
                features[p * ps.n() + i] = f;
                y[p * ps.n() + i] = ps.label(p, i);
            }
        }
        double[] w = leastSquares(features, y);
        assertTrue(maxResidual(features, y, w) < 1e-9, "labels are linear in the pointed tokens");
        // w = (u_1, u_2) / sqrt(q)
        double[] u1 = Arrays.copyOfRange(w, 0, ps.d());
        double[] u2 = Arrays.copyOfRange(w, ps.d(), 2 * ps.d());
        assertEquals(1.0, Math.sqrt(q) * Prompts.norm(u1), 1e-9);
        assertEquals(1.0, Math.sqrt(q) * Prompts.norm(u2), 1e-9);
        assertEquals(0.0, Prompts.dot(u1, u2), 1e-9);
    }

    @Test
    void meanLinkProjectsTheAverageOfThePointedTokens() {
        int q = 3;
        Prompts ps = Prompts.train(Prompts.task(Map.of("N", 10, "q", q, "link", "mean", "d-e", 24), 8), 40);
        double[][] features = new double[ps.count() * ps.n()][];
        double[] y = new double[features.length];
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                double[] f = new double[ps.d()];
                for (int l = 0; l < q; l++) {
                    double[] x = ps.content(p, ps.pointer(p, i, l));
                    for (int c = 0; c < ps.d(); c++) {
                        f[c] += x[c] / q;
                    }
                }
                features[p * ps.n() + i] = f;
                y[p * ps.n() + i] = ps.label(p, i);
            }
        }
        double[] u = leastSquares(features, y);
        assertTrue(maxResidual(features, y, u) < 1e-9, "labels are <u, mean of pointed x>");
        assertEquals(1.0, Prompts.norm(u), 1e-9);
    }

    @Test
    void he2LabelsFollowTheSpecFormula() {
        int q = 3;
        Task task = Prompts.task(Map.of("N", 10, "q", q, "link", "he2", "d-e", 24), 8);
        double[] dirs = ((QstrTask) task).directions();
        int d = task.shape().contentWidth();
        double[][] u = new double[q][];
        for (int l = 0; l < q; l++) {
            u[l] = Arrays.copyOfRange(dirs, l * d, (l + 1) * d);
        }
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                assertEquals(a == b ? 1.0 : 0.0, Prompts.dot(u[a], u[b]), 1e-12, "u_" + a + " . u_" + b);
            }
        }
        Prompts ps = Prompts.train(task, 20);
        for (int p = 0; p < ps.count(); p++) {
            for (int i = 0; i < ps.n(); i++) {
                double sum = 0;
                for (int l = 0; l < q; l++) {
                    double z = Prompts.dot(u[l], ps.content(p, ps.pointer(p, i, l)));
                    sum += (z * z - 1) / Math.sqrt(2);
                }
                assertEquals(sum / Math.sqrt(q), ps.label(p, i), 1e-12);
            }
        }
    }

    private static void checkCode(double[] e, double entry, double norm) {
        for (double v : e) {
            assertEquals(entry, Math.abs(v), 1e-12, "code entries are +-" + entry);
        }
        assertEquals(norm, Prompts.norm(e), 1e-12);
    }

    private static boolean isRow(Prompts ps, int p, double[] code) {
        for (int k = 0; k < ps.n(); k++) {
            if (Arrays.equals(code, ps.ownCode(p, k))) {
                return true;
            }
        }
        return false;
    }

    /** Prompt p's code matrix E (N, d_e), read from the E_i blocks. */
    private static double[] codeMatrix(Prompts ps, int p) {
        double[] m = new double[ps.n() * ps.de()];
        for (int i = 0; i < ps.n(); i++) {
            System.arraycopy(ps.ownCode(p, i), 0, m, i * ps.de(), ps.de());
        }
        return m;
    }

    /** argmin_w |F w - y|^2 by the normal equations, Gaussian elimination with partial pivoting. */
    private static double[] leastSquares(double[][] f, double[] y) {
        int k = f[0].length;
        double[][] a = new double[k][k + 1];
        for (int r = 0; r < f.length; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += f[r][i] * f[r][j];
                }
                a[i][k] += f[r][i] * y[r];
            }
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double factor = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= factor * a[col][c];
                    }
                }
            }
        }
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
            w[i] = a[i][k] / a[i][i];
        }
        return w;
    }

    private static double maxResidual(double[][] f, double[] y, double[] w) {
        double worst = 0;
        for (int r = 0; r < f.length; r++) {
            worst = Math.max(worst, Math.abs(Prompts.dot(f[r], w) - y[r]));
        }
        return worst;
    }
}
