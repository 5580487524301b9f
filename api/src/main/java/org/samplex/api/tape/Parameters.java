package org.samplex.api.tape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.rng.RngStream;

/**
 * A model's parameters: four slabs (values, gradients, AdamW first and second moments), each one backend
 * buffer, with named slices. The model owns this object and closes it; the slabs are never left to the GC.
 * Declaration order fixes the layout, so the same model declares the same slab on every backend.
 *
 * <p>Packed ({@link #pack(List)}): the parameters of R runs of one model in slabs of R times the count, run r's
 * parameters at [r count, (r + 1) count) in the layout of one run, so run r's update is one AdamW call on its
 * slice ({@link #slice}) and each named tensor is packed with stride count ({@link Tensor#pack}).
 */
public final class Parameters implements AutoCloseable {

    /** One named slice: its offset in the slabs and its shape. */
    public record Slot(String name, long offset, int[] shape, long size) {
    }

    private final Backend backend;
    private final Map<String, Slot> slots;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Buffer values;
    private final Buffer grads;
    private final Buffer firstMoment;
    private final Buffer secondMoment;
    private final long count;
    private final int pack;
    /** The packed set a {@link #prefix} view shows the first runs of; null for slabs of its own. */
    private final Parameters viewOf;
    private boolean closed;

    private Parameters(Backend backend, Map<String, Slot> slots, long count) {
        this(backend, slots, count, 1);
    }

    /** Slabs of {@code pack} runs' parameters, run r's at {@code r * count}. */
    private Parameters(Backend backend, Map<String, Slot> slots, long count, int pack) {
        this.backend = backend;
        this.slots = Collections.unmodifiableMap(slots);
        this.count = count;
        this.pack = pack;
        long total = count * pack;
        Buffer v = null;
        Buffer g = null;
        Buffer m = null;
        try {
            v = backend.allocate(total);
            g = backend.allocate(total);
            m = backend.allocate(total);
            this.secondMoment = backend.allocate(total);
        } catch (RuntimeException e) {
            for (Buffer b : new Buffer[] {v, g, m}) {
                if (b != null) {
                    b.close();
                }
            }
            throw e;
        }
        this.values = v;
        this.grads = g;
        this.firstMoment = m;
        this.viewOf = null;
        addTensors();
    }

    /** A view of the first {@code runs} runs of {@code of}'s slabs ({@link #prefix}). */
    private Parameters(Parameters of, int runs) {
        this.backend = of.backend;
        this.slots = of.slots;
        this.count = of.count;
        this.pack = runs;
        this.viewOf = of;
        this.values = of.values.slice(0, runs * count);
        this.grads = of.grads.slice(0, runs * count);
        this.firstMoment = of.firstMoment.slice(0, runs * count);
        this.secondMoment = of.secondMoment.slice(0, runs * count);
        addTensors();
    }

    private void addTensors() {
        for (Slot s : slots.values()) {
            long span = (pack - 1) * count + s.size();
            tensors.put(s.name(), new Tensor(values.slice(s.offset(), span), grads.slice(s.offset(), span), true,
                    pack, count, s.shape()));
        }
    }

    /** Starts a declaration of parameters. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects named shapes; {@link #build} allocates the slabs. */
    public static final class Builder {
        private final Map<String, Slot> slots = new LinkedHashMap<>();
        private long next;

        public Builder add(String name, int... shape) {
            long n = 1;
            for (int s : shape) {
                if (s <= 0) {
                    throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(shape));
                }
                n *= s;
            }
            if (slots.putIfAbsent(name, new Slot(name, next, shape.clone(), n)) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' declared twice");
            }
            next += n;
            return this;
        }

        /** Allocates zeroed slabs on the backend; the caller owns the result. */
        public Parameters build(Backend backend) {
            if (next == 0) {
                throw new IllegalStateException("no parameters declared");
            }
            return new Parameters(backend, new LinkedHashMap<>(slots), next);
        }
    }

    /** The parameter called {@code name}: a tensor whose value and gradient are slices of the slabs. */
    public Tensor get(String name) {
        ensureOpen();
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; declared: " + slots.keySet());
        }
        return t;
    }

    /** Declared names in layout order. */
    public List<String> names() {
        return new ArrayList<>(slots.keySet());
    }

    public Slot slot(String name) {
        get(name);
        return slots.get(name);
    }

    /** Total number of scalar parameters (of one run, when packed). */
    public long count() {
        return count;
    }

    /** Runs whose parameters these slabs hold: 1 unless made by {@link #pack(List)}. */
    public int pack() {
        return pack;
    }

    /**
     * The parameters of {@code runs.size()} runs of one model as one packed set: the same names and layout, run
     * r's values copied from {@code runs.get(r)} (which the caller still owns and closes), gradients and AdamW
     * moments zero (one run gives unpacked parameters, pack 1). The caller owns the result.
     *
     * @throws IllegalArgumentException when there are no runs, or they are packed, on other backends, or
     *                                  declare other names or shapes
     */
    public static Parameters pack(List<Parameters> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a pack needs at least 1 run");
        }
        Parameters first = runs.getFirst();
        for (Parameters p : runs) {
            p.ensureOpen();
            if (p.pack != 1 || p.backend != first.backend || !sameLayout(p, first)) {
                throw new IllegalArgumentException("packed runs must be unpacked parameters of one model on one "
                        + "backend; got " + p.slots.keySet() + " beside " + first.slots.keySet());
            }
        }
        Parameters packed = new Parameters(first.backend, new LinkedHashMap<>(first.slots), first.count, runs.size());
        try {
            for (int r = 0; r < runs.size(); r++) {
                packed.load(r, runs.get(r));
            }
        } catch (RuntimeException e) {
            packed.close();
            throw e;
        }
        return packed;
    }

    /**
     * The first {@code runs} runs of these packed parameters as a packed set of their own (runs 1 is one run's
     * parameters, unpacked), sharing these slabs: a pack that has lost its last runs trains the rest through it.
     * Closing the view does nothing; it is unusable once these are closed.
     */
    public Parameters prefix(int runs) {
        ensureOpen();
        if (runs < 1 || runs > pack) {
            throw new IllegalArgumentException("a prefix of 1 to " + pack + " runs, got " + runs);
        }
        return new Parameters(this, runs);
    }

    /**
     * Copies run {@code from}'s values and AdamW moments over run {@code to}'s (its gradients are zeroed), so that
     * the run in slot {@code from} can go on in slot {@code to}.
     */
    public void moveRun(int from, int to) {
        ensureOpen();
        if (from < 0 || from >= pack || to < 0 || to >= pack) {
            throw new IllegalArgumentException("moveRun " + from + " -> " + to + " in a pack of " + pack);
        }
        backend.copy(slice(values, to), slice(values, from));
        backend.copy(slice(firstMoment, to), slice(firstMoment, from));
        backend.copy(slice(secondMoment, to), slice(secondMoment, from));
        backend.fill(slice(grads, to), 0.0);
    }

    /**
     * Starts run {@code run} of a packed set afresh from {@code from}'s values (unpacked, same layout): its values
     * copied, its gradients and AdamW moments zeroed. The other runs are not touched.
     */
    public void load(int run, Parameters from) {
        ensureOpen();
        if (run < 0 || run >= pack || from.pack != 1 || !sameLayout(from, this)) {
            throw new IllegalArgumentException("load run " + run + " of a pack of " + pack + " from "
                    + from.slots.keySet() + " (declared here: " + slots.keySet() + ")");
        }
        backend.copy(slice(values, run), from.values());
        backend.fill(slice(grads, run), 0.0);
        backend.fill(slice(firstMoment, run), 0.0);
        backend.fill(slice(secondMoment, run), 0.0);
    }

    /** Run {@code run}'s part of a slab ({@link #values}, {@link #grads} or a moment): [run count, (run + 1) count). */
    public Buffer slice(Buffer slab, int run) {
        return slab.slice(run * count, count);
    }

    /**
     * Checks that these are parameters of runs of the model that {@code other} belongs to, packed or not (for
     * {@link org.samplex.api.learn.Learner#packed}).
     *
     * @throws IllegalArgumentException when they are laid out otherwise
     */
    public void requirePackOf(Parameters other) {
        if (!sameLayout(this, other)) {
            throw new IllegalArgumentException("expected the parameters of a model declaring "
                    + other.slots.keySet() + ", got " + pack + " run(s) of " + slots.keySet());
        }
    }

    private static boolean sameLayout(Parameters a, Parameters b) {
        if (a.count != b.count || !a.slots.keySet().equals(b.slots.keySet())) {
            return false;
        }
        for (Slot s : a.slots.values()) {
            Slot t = b.slots.get(s.name());
            if (s.offset() != t.offset() || !Arrays.equals(s.shape(), t.shape())) {
                return false;
            }
        }
        return true;
    }

    public Backend backend() {
        return backend;
    }

    public Buffer values() {
        ensureOpen();
        return values;
    }

    public Buffer grads() {
        ensureOpen();
        return grads;
    }

    public Buffer firstMoment() {
        ensureOpen();
        return firstMoment;
    }

    public Buffer secondMoment() {
        ensureOpen();
        return secondMoment;
    }

    /** Zeroes every gradient (backward kernels add into them). */
    public void zeroGrad() {
        backend.fill(grads(), 0.0);
    }

    /**
     * Fills parameter {@code name} with U(-bound, bound) from {@code stream}; the substream is the parameter's
     * position in declaration order, so each parameter's draw is independent of the others' sizes.
     */
    public void initializeUniform(String name, double bound, RngStream stream) {
        backend.fillUniform(get(name).value(), stream, names().indexOf(name), -bound, bound);
    }

    /**
     * torch.nn.Linear's default initialization of the layer {@code prefix}: "prefix.weight" (out, in) and
     * "prefix.bias" (out) both U(-1/sqrt(in), 1/sqrt(in)).
     */
    public void initializeLinear(String prefix, RngStream stream) {
        double bound = 1 / Math.sqrt(get(prefix + ".weight").dim(1));
        initializeUniform(prefix + ".weight", bound, stream);
        initializeUniform(prefix + ".bias", bound, stream);
    }

    /** Fills parameter {@code name} with a constant. */
    public void initializeConstant(String name, double value) {
        backend.fill(get(name).value(), value);
    }

    /** A copy of every parameter value, in layout order (for tests, checkpoints and parity checks). */
    public double[] valuesToHost() {
        double[] out = new double[Math.toIntExact(values().length())];
        backend.copyToHost(values(), out);
        return out;
    }

    /** A copy of every gradient, in layout order. */
    public double[] gradsToHost() {
        double[] out = new double[Math.toIntExact(grads().length())];
        backend.copyToHost(grads(), out);
        return out;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        values.close();
        grads.close();
        firstMoment.close();
        secondMoment.close();
    }

    private void ensureOpen() {
        if (closed || (viewOf != null && viewOf.closed)) {
            throw new IllegalStateException("parameters are closed");
        }
    }
}
