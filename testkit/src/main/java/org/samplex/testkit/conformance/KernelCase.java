package org.samplex.testkit.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * One kernel call on tiny named operands, runnable on any backend: the unit of the gradient check and of the
 * conformance suite.
 *
 * <p>Operands are inputs (differentiated or constant), outputs (differentiated, or saved for the backward pass
 * only) and their gradients, named {@code d<Name>} ({@code q} -> {@code dQ}). {@link #forward} runs the kernel;
 * {@link #backward}, given upstream gradients in {@code d<Output>}, adds into {@code d<Input>}. A gradient buffer
 * the caller does not want is passed as null, which exercises the kernels' skipping of null gradients.
 *
 * <p>An operand may have dead elements (the gaps of a padded or strided matrix): they are NaN in every input,
 * output and gradient, kernels must neither read them into a result nor write them, and comparisons skip them.
 *
 * @param name            unique, for reports: family and variant ("gemm NT", "attention causal H=2")
 * @param operands        inputs first, then outputs, in the kernel's order
 * @param reductionLength the longest chain of additions feeding one output element, forward or backward
 *                        (composed reductions add up: attention counts head width and positions twice over)
 * @param pointwiseDepth  rounded pointwise steps (products, exp, tanh, divisions) on the longest path outside
 *                        the reductions; with the reduction length it sizes the float32 tolerance
 * @param forward         overwrites the outputs from the inputs
 * @param backward        adds into the gradients of the inputs; null when the kernel has no backward (AdamW,
 *                        fills)
 * @param sampled         null for a case the reference backend runs whole; else the case is too large for it
 *                        (attention at long N) and this gives the upstream gradients' pattern and the expected
 *                        values of a sample of its elements
 */
public record KernelCase(String name, List<Operand> operands, int reductionLength, int pointwiseDepth,
                         Kernel forward, Kernel backward, SampledReference sampled) {

    public KernelCase {
        operands = List.copyOf(operands);
    }

    /** What an operand is to the kernel. */
    public enum Role {
        /** A float input that is differentiated: the backward adds into {@code d<name>}. */
        INPUT,
        /** An input that is not differentiated (targets, optimizer state, indices). */
        CONSTANT,
        /** An output whose upstream gradient {@code d<name>} the backward reads. */
        OUTPUT,
        /** An output without a gradient: kept for the backward (log-sum-exp, gates) or final (AdamW, fills). */
        SAVED
    }

    /** Element type: the backend's float type, or INT32 for indices. */
    public enum Kind {
        FLOAT, INT
    }

    /** Draws one live element of an input. */
    @FunctionalInterface
    public interface Values {
        double draw(SplittableRandom random);

        /** Uniform in [lo, hi). */
        static Values uniform(double lo, double hi) {
            return r -> lo + (hi - lo) * r.nextDouble();
        }

        /** Uniform in [-1, -min] or [min, 1]: keeps ReLU inputs off its kink, so finite differences hold. */
        static Values awayFromZero(double min) {
            return r -> (r.nextBoolean() ? 1 : -1) * (min + (1 - min) * r.nextDouble());
        }

        /** Integers in [0, bound), stored as doubles until upload. */
        static Values indices(int bound) {
            return r -> r.nextInt(bound);
        }
    }

    /**
     * A named operand.
     *
     * @param live   which elements belong to the tensor (null: all); the others are dead gaps
     * @param values how to draw its live elements when it is an input (null for outputs)
     */
    public record Operand(String name, Role role, Kind kind, int length, boolean[] live, Values values) {

        public boolean isLive(int element) {
            return live == null || live[element];
        }

        public boolean isInput() {
            return role == Role.INPUT || role == Role.CONSTANT;
        }

        /** Whether this operand has a gradient buffer: a differentiated input or output. */
        public boolean hasGradient() {
            return role == Role.INPUT || role == Role.OUTPUT;
        }

        public String gradName() {
            return KernelCase.gradName(name);
        }
    }

    /** The arguments of one kernel call: operand and gradient buffers by name. */
    @FunctionalInterface
    public interface Args {
        /** The buffer called {@code name}; null for a gradient that is not wanted in this call. */
        Buffer get(String name);
    }

    /** Forward or backward half of a case. */
    @FunctionalInterface
    public interface Kernel {
        void run(Backend backend, Args args);
    }

    /** {@code q} -> {@code dQ}, {@code hPrev} -> {@code dHPrev}. */
    public static String gradName(String name) {
        return "d" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    public boolean hasBackward() {
        return backward != null;
    }

    public Operand operand(String operandName) {
        for (Operand o : operands) {
            if (o.name().equals(operandName)) {
                return o;
            }
        }
        throw new IllegalArgumentException(name + " has no operand '" + operandName + "'");
    }

    public List<Operand> withRole(Role role) {
        return operands.stream().filter(o -> o.role() == role).toList();
    }

    /**
     * Random input values: live elements drawn by each operand's {@link Values}, dead ones NaN. With
     * {@code roundToFloat} every value is first rounded to float32, so a float32 backend and the float64
     * reference compute on exactly the same numbers.
     */
    public Map<String, double[]> randomInputs(long seed, boolean roundToFloat) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Operand o : operands) {
            if (o.isInput()) {
                out.put(o.name(), draw(o, o.values(), random, roundToFloat));
            }
        }
        return out;
    }

    /**
     * Random upstream gradients d&lt;Output&gt; in [-1, 1) (dead elements NaN); in a sampled case, each live
     * value passes through {@link SampledReference#upstream} (0 outside its sample).
     */
    public Map<String, double[]> randomUpstream(long seed, boolean roundToFloat) {
        Map<String, double[]> out = randomGradients(Role.OUTPUT, seed, roundToFloat);
        if (sampled != null) {
            for (Operand o : withRole(Role.OUTPUT)) {
                double[] d = out.get(o.gradName());
                for (int e = 0; e < d.length; e++) {
                    if (o.isLive(e)) {
                        d[e] = sampled.upstream(o.name(), e, d[e]);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Random starting values of the input gradients d&lt;Input&gt;: backward kernels add into them, so a nonzero
     * start checks that they add rather than overwrite.
     */
    public Map<String, double[]> randomGradientBase(long seed, boolean roundToFloat) {
        return randomGradients(Role.INPUT, seed, roundToFloat);
    }

    private Map<String, double[]> randomGradients(Role role, long seed, boolean roundToFloat) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Operand o : withRole(role)) {
            out.put(o.gradName(), draw(o, Values.uniform(-1, 1), random, roundToFloat));
        }
        return out;
    }

    private static double[] draw(Operand o, Values values, SplittableRandom random, boolean roundToFloat) {
        double[] v = new double[o.length()];
        for (int e = 0; e < v.length; e++) {
            double x = o.isLive(e) ? values.draw(random) : Double.NaN;
            v[e] = roundToFloat ? (float) x : x;
        }
        return v;
    }

    /** Allocates this case's operands on {@code backend}; the caller closes the run. */
    public CaseRun open(Backend backend) {
        return new CaseRun(this, backend);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a case operand by operand. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private final List<Operand> operands = new ArrayList<>();
        private int reductionLength;
        private int pointwiseDepth = 1;
        private Kernel forward;
        private Kernel backward;
        private SampledReference sampled;

        private Builder(String name) {
            this.name = name;
        }

        /** A differentiated float input drawn uniformly from [-1, 1). */
        public Builder input(String operand, int length) {
            return input(operand, length, null, Values.uniform(-1, 1));
        }

        public Builder input(String operand, int length, Values values) {
            return input(operand, length, null, values);
        }

        public Builder input(String operand, int length, boolean[] live, Values values) {
            operands.add(new Operand(operand, Role.INPUT, Kind.FLOAT, length, live, values));
            return this;
        }

        /** A float input that is not differentiated. */
        public Builder constant(String operand, int length, Values values) {
            operands.add(new Operand(operand, Role.CONSTANT, Kind.FLOAT, length, null, values));
            return this;
        }

        /** An INT32 input of indices in [0, bound). */
        public Builder indices(String operand, int length, int bound) {
            operands.add(new Operand(operand, Role.CONSTANT, Kind.INT, length, null, Values.indices(bound)));
            return this;
        }

        public Builder output(String operand, int length) {
            return output(operand, length, null);
        }

        public Builder output(String operand, int length, boolean[] live) {
            operands.add(new Operand(operand, Role.OUTPUT, Kind.FLOAT, length, live, null));
            return this;
        }

        /** An output without a gradient. */
        public Builder saved(String operand, int length) {
            operands.add(new Operand(operand, Role.SAVED, Kind.FLOAT, length, null, null));
            return this;
        }

        /** An INT32 output (fillUniformInt). */
        public Builder intOutput(String operand, int length) {
            operands.add(new Operand(operand, Role.SAVED, Kind.INT, length, null, null));
            return this;
        }

        public Builder reduction(int length) {
            this.reductionLength = length;
            return this;
        }

        public Builder depth(int steps) {
            this.pointwiseDepth = steps;
            return this;
        }

        public Builder forward(Kernel kernel) {
            this.forward = kernel;
            return this;
        }

        public Builder backward(Kernel kernel) {
            this.backward = kernel;
            return this;
        }

        /** Compares a sample of elements against {@code reference} instead of running the reference backend. */
        public Builder sampled(SampledReference reference) {
            this.sampled = reference;
            return this;
        }

        public KernelCase build() {
            return new KernelCase(name, operands, reductionLength, pointwiseDepth, forward, backward, sampled);
        }
    }
}
