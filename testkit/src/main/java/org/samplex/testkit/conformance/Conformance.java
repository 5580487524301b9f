package org.samplex.testkit.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samplex.api.Backend;
import org.samplex.testkit.conformance.KernelCase.Kind;
import org.samplex.testkit.conformance.KernelCase.Operand;
import org.samplex.testkit.conformance.KernelCase.Role;

/**
 * The conformance suite: a fast float32 backend against the float64 reference, case by case, forward outputs
 * and backward gradients. Any backend module can run it (it is in samplex-testkit, a test-scoped dependency):
 * {@code Conformance.check(fast, reference)} or one case at a time with {@link #check(KernelCase, Backend,
 * Backend)}.
 *
 * <h2>Tolerance</h2>
 * Inputs are rounded to float32 before they are uploaded to either backend, so both compute on the same
 * numbers and input rounding contributes nothing. What remains is float32 arithmetic, unit roundoff
 * u = 2^-24. A sum of k rounded terms is off by at most gamma_k * sum|terms| with gamma_k = k u / (1 - k u)
 * (Higham, Accuracy and Stability of Numerical Algorithms, 3.1); each pointwise step (product, exp, tanh,
 * division, correctly or faithfully rounded) adds a relative error of about u times the condition number of
 * what follows it, which is at most 1 for the well-scaled functions used here (sigmoid, tanh, softmax are
 * 1-Lipschitz and our scores are O(1)). Storing the result in float32 adds u |result|, and adding into a
 * nonzero gradient another u |result|. Errors along composed reductions add up, so each case declares the
 * longest chain k of additions and d of pointwise steps feeding one element, and the bound is
 * <pre>
 *     |fast - reference| &lt;= c (k + d + 2) u scale
 * </pre>
 * where scale stands for sum|terms|. Every input, upstream gradient and gradient start is drawn from [-1, 1]
 * (gate projections from [-2, 2], activation inputs from [-3, 3]), so each term is a product of O(1) factors
 * and sum|terms| is of the order of the largest output magnitude: scale = max(1, max |reference| over the
 * buffer's live elements). The safety factor c = {@value #SAFETY} covers the gap between sum|terms| and that
 * maximum, and last-ulp differences of the fast exp/tanh; it is not tuned per case. INT32 outputs must be equal.
 *
 * <p>A case too large for the reference backend (attention at N = 4096) carries a {@link SampledReference}: its
 * float64 values for a sample of elements replace the reference backend's run, and only those elements are
 * compared, under the same bound.
 */
public final class Conformance {
    /** Unit roundoff of float32. */
    public static final double U = 0x1p-24;
    /** The documented safety factor c of the bound above. */
    public static final double SAFETY = 4;

    private Conformance() {
    }

    /**
     * The worst element of one compared buffer.
     *
     * @param ratio error / tolerance: at most 1 passes
     */
    public record Deviation(String kase, String buffer, int element, double fast, double reference, double error,
                            double tolerance, double ratio) {

        public boolean passes() {
            return ratio <= 1;
        }

        @Override
        public String toString() {
            return kase + ": " + buffer + "[" + element + "] fast " + fast + " reference " + reference + " error "
                    + String.format("%.3g", error) + " tolerance " + String.format("%.3g", tolerance);
        }
    }

    /** Runs every case of {@link KernelCatalog#all()} and throws one AssertionError listing all failures. */
    public static void check(Backend fast, Backend reference) {
        List<String> failures = new ArrayList<>();
        for (KernelCase c : KernelCatalog.all()) {
            try {
                check(c, fast, reference);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(fast.name() + " departs from the reference in " + failures.size() + " cases:\n"
                    + String.join("\n", failures));
        }
    }

    /** One case: forward outputs, backward gradients, and the backward with one input gradient at a time. */
    public static void check(KernelCase c, Backend fast, Backend reference) {
        List<Deviation> failed = compare(c, fast, reference).stream().filter(d -> !d.passes()).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError(c.name() + " on " + fast.name() + ": " + failed);
        }
    }

    /**
     * The worst element of every compared buffer (no assertion on tolerances; structural faults such as a
     * written guard, a changed input or unequal INT32 outputs throw AssertionError at once).
     */
    public static List<Deviation> compare(KernelCase c, Backend fast, Backend reference) {
        long seed = c.name().hashCode();
        Map<String, double[]> inputs = c.randomInputs(seed, true);
        Map<String, double[]> upstream = c.randomUpstream(seed + 1, true);
        Map<String, double[]> base = c.randomGradientBase(seed + 2, true);
        Map<String, double[]> expected = c.sampled() == null ? run(c, reference, inputs, upstream, base, null)
                : c.sampled().expected(inputs, upstream, base);
        Map<String, double[]> actual = run(c, fast, inputs, upstream, base, null);
        List<Deviation> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            out.add(deviation(c, e.getKey(), actual.get(e.getKey()), e.getValue()));
        }
        List<Operand> differentiated = c.withRole(Role.INPUT);
        if (c.hasBackward() && differentiated.size() > 1) {
            // one gradient at a time: the others are null and must be skipped
            for (Operand only : differentiated) {
                Map<String, double[]> partial = run(c, fast, inputs, upstream, base, Set.of(only.name()));
                for (Operand other : differentiated) {
                    String g = other.gradName();
                    if (other == only) {
                        out.add(deviation(c, g + " alone", partial.get(g), expected.get(g)));
                    } else if (!bitsEqual(partial.get(g), base.get(g))) {
                        throw new AssertionError(c.name() + " on " + fast.name() + ": " + g + " was changed though "
                                + "it was passed as null (only " + only.gradName() + " was asked for)");
                    }
                }
            }
        }
        return out;
    }

    /**
     * The tolerance c (k + d + 2) u max(1, max |reference|) of one buffer (see the class comment); the maximum
     * runs over the compared elements.
     */
    public static double tolerance(KernelCase c, Operand layout, double[] reference) {
        double scale = 1;
        for (int e = 0; e < reference.length; e++) {
            if (compared(c, layout, reference, e)) {
                scale = Math.max(scale, Math.abs(reference[e]));
            }
        }
        return SAFETY * (c.reductionLength() + c.pointwiseDepth() + 2) * U * scale;
    }

    private static Deviation deviation(KernelCase c, String buffer, double[] fast, double[] reference) {
        String name = buffer.endsWith(" alone") ? buffer.substring(0, buffer.length() - " alone".length()) : buffer;
        Operand layout = layoutOf(c, name);
        if (layout.kind() == Kind.INT) {
            if (!bitsEqual(fast, reference)) {
                throw new AssertionError(c.name() + ": INT32 output " + buffer + " differs from the reference");
            }
            return new Deviation(c.name(), buffer, 0, 0, 0, 0, 0, 0);
        }
        double tol = tolerance(c, layout, reference);
        Deviation worst = new Deviation(c.name(), buffer, -1, 0, 0, 0, tol, 0);
        for (int e = 0; e < reference.length; e++) {
            if (!compared(c, layout, reference, e)) {
                continue;
            }
            double error = Math.abs(fast[e] - reference[e]);
            double ratio = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error / tol;
            if (ratio > worst.ratio() || worst.element() < 0) {
                worst = new Deviation(c.name(), buffer, e, fast[e], reference[e], error, tol, ratio);
            }
        }
        return worst;
    }

    /**
     * Whether element e is compared: it is live and, in a sampled case, in the sample (its expected value is not
     * NaN; a whole case's reference is never NaN at a live element, so a NaN there still fails).
     */
    private static boolean compared(KernelCase c, Operand layout, double[] reference, int e) {
        return layout.isLive(e) && (c.sampled() == null || !Double.isNaN(reference[e]));
    }

    /** The operand whose layout a buffer name (operand or d-gradient) has. */
    static Operand layoutOf(KernelCase c, String buffer) {
        for (Operand o : c.operands()) {
            if (o.name().equals(buffer) || (o.hasGradient() && o.gradName().equals(buffer))) {
                return o;
            }
        }
        throw new IllegalArgumentException(c.name() + " has no buffer '" + buffer + "'");
    }

    /**
     * Runs a case on one backend: forward, then (when it has one) backward from {@code upstream} into gradients
     * that start at {@code base}. Returns the outputs and the input gradients by name. Also checks that no guard or
     * dead element was written and that inputs and upstream gradients were left as uploaded.
     *
     * @param requested the inputs whose gradients are passed (null: all)
     */
    public static Map<String, double[]> run(KernelCase c, Backend backend, Map<String, double[]> inputs,
                                            Map<String, double[]> upstream, Map<String, double[]> base,
                                            Set<String> requested) {
        try (CaseRun r = c.open(backend)) {
            r.upload(inputs);
            r.forward();
            Map<String, double[]> out = new LinkedHashMap<>();
            for (String name : r.outputNames()) {
                out.put(name, r.read(name));
            }
            if (c.hasBackward()) {
                r.upload(upstream);
                r.upload(base);
                r.backward(requested);
                for (Operand o : c.withRole(Role.INPUT)) {
                    out.put(o.gradName(), r.read(o.gradName()));
                }
                unchanged(c, r, upstream, "upstream gradient");
            }
            unchanged(c, r, inputs, "input");
            r.checkUntouched();
            return out;
        }
    }

    private static void unchanged(KernelCase c, CaseRun r, Map<String, double[]> uploaded, String what) {
        for (Map.Entry<String, double[]> e : uploaded.entrySet()) {
            if (!bitsEqual(r.read(e.getKey()), e.getValue())) {
                throw new AssertionError(c.name() + " on " + r.backend().name() + ": " + what + " " + e.getKey()
                        + " was written");
            }
        }
    }

    /**
     * Same case, same inputs: every output and gradient bit-identical across two runs on {@code first} and one
     * on {@code second} (a backend opened with the same settings).
     */
    public static void checkDeterministic(KernelCase c, Backend first, Backend second) {
        long seed = c.name().hashCode();
        Map<String, double[]> inputs = c.randomInputs(seed, true);
        Map<String, double[]> upstream = c.randomUpstream(seed + 1, true);
        Map<String, double[]> base = c.randomGradientBase(seed + 2, true);
        Map<String, double[]> once = run(c, first, inputs, upstream, base, null);
        Map<String, double[]> again = run(c, first, inputs, upstream, base, null);
        Map<String, double[]> elsewhere = run(c, second, inputs, upstream, base, null);
        for (String name : once.keySet()) {
            if (!bitsEqual(once.get(name), again.get(name))) {
                throw new AssertionError(c.name() + " on " + first.name() + " with " + first.threads() + " threads: "
                        + name + " differs between two runs");
            }
            if (!bitsEqual(once.get(name), elsewhere.get(name))) {
                throw new AssertionError(c.name() + " on " + first.name() + " with " + first.threads() + " threads: "
                        + name + " differs between two backends opened alike");
            }
        }
    }

    static boolean bitsEqual(double[] x, double[] y) {
        if (x.length != y.length) {
            return false;
        }
        for (int e = 0; e < x.length; e++) {
            if (Double.doubleToLongBits(x[e]) != Double.doubleToLongBits(y[e])) {
                return false;
            }
        }
        return true;
    }
}
