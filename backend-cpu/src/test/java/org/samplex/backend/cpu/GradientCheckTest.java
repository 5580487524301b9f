package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.samplex.api.Backend;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.testkit.conformance.CaseRun;
import org.samplex.testkit.conformance.KernelCase;
import org.samplex.testkit.conformance.KernelCase.Operand;
import org.samplex.testkit.conformance.KernelCase.Role;
import org.samplex.testkit.conformance.KernelCatalog;

/**
 * Central finite differences against every backward of the reference backend, kernel by kernel and through the
 * api's composite tape ops.
 *
 * <p>For a kernel with outputs out_o, L = sum_o &lt;R_o, out_o&gt; with random R_o, so the analytic gradient of
 * L is exactly what the backward adds into d&lt;Input&gt; given dOut_o = R_o. The numeric gradient of every
 * input element is (L(x + h) - L(x - h)) / (2h), h = 1e-6: its truncation error is O(h^2 L''') ~ 1e-12 and its
 * rounding error about 1e-16 |out| / h ~ 1e-10 per output that moves, both below the 1e-6 threshold on
 * |a - n| / max(|a|, |n|, 1e-3) (1e-7 relative at the floor). The 1e-3 floor judges gradients near zero,
 * which finite differences cannot resolve relatively, by their absolute error instead. The table of worst
 * errors is printed and written to target/gradient-check.md.
 */
class GradientCheckTest {
    static final double H = 1e-6;
    static final double THRESHOLD = 1e-6;
    static final double FLOOR = 1e-3;

    private static final Map<String, Double> TABLE = Collections.synchronizedMap(new LinkedHashMap<>());

    @TestFactory
    Stream<DynamicTest> kernelBackwards() {
        return KernelCatalog.small().stream().filter(KernelCase::hasBackward)
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    double worst = checkKernel(c);
                    TABLE.put(c.name(), worst);
                    assertTrue(worst < THRESHOLD, c.name() + ": max relative error " + worst);
                }));
    }

    @TestFactory
    Stream<DynamicTest> tapeOps() {
        return TapeProblems.all().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
            double worst = checkTape(p);
            TABLE.put(p.name(), worst);
            assertTrue(worst < THRESHOLD, p.name() + ": max relative error " + worst);
        }));
    }

    static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(FLOOR, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    /** The worst relative error over every live element of every differentiated input of one kernel case. */
    private static double checkKernel(KernelCase c) {
        long seed = c.name().hashCode();
        Map<String, double[]> inputs = c.randomInputs(seed, false);
        Map<String, double[]> upstream = c.randomUpstream(seed + 1, false);
        Map<String, double[]> base = c.randomGradientBase(seed + 2, false);
        try (Backend be = new ReferenceBackend(); CaseRun run = c.open(be)) {
            run.upload(inputs);
            run.forward();
            run.upload(upstream);
            run.upload(base);
            run.backward();
            run.checkUntouched();
            Map<String, double[]> analytic = new LinkedHashMap<>();
            for (Operand o : c.withRole(Role.INPUT)) {
                double[] after = run.read(o.gradName());
                double[] added = new double[after.length];
                for (int e = 0; e < after.length; e++) {
                    added[e] = after[e] - base.get(o.gradName())[e];
                }
                analytic.put(o.name(), added);
            }
            checkNullGradients(c, run, base, analytic);
            Map<String, double[]> unperturbed = new LinkedHashMap<>();
            for (Operand o : c.withRole(Role.OUTPUT)) {
                unperturbed.put(o.name(), run.read(o.name()));
            }
            double worst = 0;
            for (Operand o : c.withRole(Role.INPUT)) {
                double[] x = inputs.get(o.name()).clone();
                for (int e = 0; e < x.length; e++) {
                    if (!o.isLive(e)) {
                        continue;
                    }
                    double x0 = x[e];
                    x[e] = x0 + H;
                    double plus = objective(c, run, o.name(), x, upstream, unperturbed);
                    double xPlus = x[e];
                    x[e] = x0 - H;
                    double minus = objective(c, run, o.name(), x, upstream, unperturbed);
                    double numeric = (plus - minus) / (xPlus - x[e]);
                    x[e] = x0;
                    worst = Math.max(worst, relativeError(analytic.get(o.name())[e], numeric));
                }
                run.upload(o.name(), x);
            }
            return worst;
        }
    }

    /**
     * L - L0 = sum over differentiated outputs of &lt;R_o, out_o - out0_o&gt;, after the forward with one input
     * replaced; out0 is the unperturbed output. Summing the O(h) changes rather than the O(1) outputs keeps the
     * rounding of the sum itself out of the difference quotient.
     */
    private static double objective(KernelCase c, CaseRun run, String input, double[] values,
                                    Map<String, double[]> upstream, Map<String, double[]> unperturbed) {
        run.upload(input, values);
        run.forward();
        double sum = 0;
        for (Operand o : c.withRole(Role.OUTPUT)) {
            double[] out = run.read(o.name());
            double[] out0 = unperturbed.get(o.name());
            double[] r = upstream.get(o.gradName());
            for (int e = 0; e < out.length; e++) {
                if (o.isLive(e)) {
                    sum += r[e] * (out[e] - out0[e]);
                }
            }
        }
        return sum;
    }

    /**
     * With one input gradient asked for at a time (the others null), the reference adds the same increment into
     * it and leaves the others alone.
     */
    private static void checkNullGradients(KernelCase c, CaseRun run, Map<String, double[]> base,
                                           Map<String, double[]> analytic) {
        List<Operand> inputs = c.withRole(Role.INPUT);
        for (Operand only : inputs) {
            run.upload(base);
            run.backward(Set.of(only.name()));
            for (Operand o : inputs) {
                double[] after = run.read(o.gradName());
                double[] expected = base.get(o.gradName()).clone();
                if (o == only) {
                    for (int e = 0; e < expected.length; e++) {
                        expected[e] += analytic.get(o.name())[e];
                    }
                }
                assertArrayEquals(expected, after, 1e-14, c.name() + ": " + o.gradName() + " with only "
                        + only.gradName() + " asked for");
            }
        }
    }

    /** The worst relative error over every parameter element of a tape problem. */
    private static double checkTape(TapeProblems.Problem problem) {
        try (Backend be = new ReferenceBackend();
             Parameters params = problem.parameters().build(be);
             Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena);
            SplittableRandom random = new SplittableRandom(problem.name().hashCode());
            double[] values = new double[(int) params.count()];
            for (int e = 0; e < values.length; e++) {
                values[e] = random.nextDouble(-1, 1);
            }
            be.copyFromHost(params.values(), values);
            params.zeroGrad();
            tape.reset();
            tape.backward(problem.loss().build(tape, params));
            double[] analytic = params.gradsToHost();
            double worst = 0;
            for (int e = 0; e < values.length; e++) {
                double x0 = values[e];
                values[e] = x0 + H;
                double plus = tapeLoss(problem, tape, params, values);
                double xPlus = values[e];
                values[e] = x0 - H;
                double minus = tapeLoss(problem, tape, params, values);
                double numeric = (plus - minus) / (xPlus - values[e]);
                values[e] = x0;
                worst = Math.max(worst, relativeError(analytic[e], numeric));
            }
            return worst;
        }
    }

    private static double tapeLoss(TapeProblems.Problem problem, Tape tape, Parameters params, double[] values) {
        params.backend().copyFromHost(params.values(), values);
        tape.reset();
        tape.gradEnabled(false);
        Tensor loss = problem.loss().build(tape, params);
        double[] out = new double[1];
        params.backend().copyToHost(loss.value(), out);
        return out[0];
    }

    /** Prints the table and writes it to target/gradient-check.md for the notes. */
    @AfterAll
    static void writeTable() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("| op | max relative error |");
        lines.add("|---|---|");
        synchronized (TABLE) {
            TABLE.forEach((op, err) -> lines.add("| " + op + " | " + String.format("%.2e", err) + " |"));
        }
        String table = String.join("\n", lines) + "\n";
        System.out.print(table);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("gradient-check.md"), "# Gradient check (reference backend, h = " + H
                + ", relative error |a - n| / max(|a|, |n|, " + FLOOR + "), threshold " + THRESHOLD + ")\n\n"
                + table);
    }
}
