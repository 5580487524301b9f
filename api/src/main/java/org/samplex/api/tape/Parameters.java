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
    private boolean closed;

    private Parameters(Backend backend, Map<String, Slot> slots, long count) {
        this.backend = backend;
        this.slots = Collections.unmodifiableMap(slots);
        this.count = count;
        Buffer v = null;
        Buffer g = null;
        Buffer m = null;
        try {
            v = backend.allocate(count);
            g = backend.allocate(count);
            m = backend.allocate(count);
            this.secondMoment = backend.allocate(count);
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
        for (Slot s : slots.values()) {
            tensors.put(s.name(), new Tensor(values.slice(s.offset(), s.size()), grads.slice(s.offset(), s.size()),
                    true, s.shape()));
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

    /** Total number of scalar parameters. */
    public long count() {
        return count;
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
        double[] out = new double[Math.toIntExact(count)];
        backend.copyToHost(values(), out);
        return out;
    }

    /** A copy of every gradient, in layout order. */
    public double[] gradsToHost() {
        double[] out = new double[Math.toIntExact(count)];
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
        if (closed) {
            throw new IllegalStateException("parameters are closed");
        }
    }
}
