package org.samplex.testkit.conformance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.testkit.conformance.KernelCase.Kind;
import org.samplex.testkit.conformance.KernelCase.Operand;

/**
 * A {@link KernelCase} allocated on one backend. Every float operand and gradient is a slice of one slab, with
 * {@value #GUARD} NaN guard elements before, between and after them (so slices start at odd offsets, and a
 * kernel writing out of bounds is caught); INT32 operands likewise live in one slab guarded by
 * {@link Integer#MIN_VALUE}. Outputs start as NaN, so a forward that reads its output is caught too.
 * The run owns both slabs and closes them.
 */
public final class CaseRun implements AutoCloseable {
    static final int GUARD = 3;
    private static final int INT_GUARD = Integer.MIN_VALUE;

    private final KernelCase kase;
    private final Backend backend;
    private final Buffer floatSlab;
    private final Buffer intSlab;
    private final int floatLength;
    private final int intLength;
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    /** Every float buffer with the operand whose layout (dead elements) it shares. */
    private final Map<String, Operand> layouts = new LinkedHashMap<>();

    CaseRun(KernelCase kase, Backend backend) {
        this.kase = kase;
        this.backend = backend;
        int floats = GUARD;
        int ints = GUARD;
        for (Operand o : kase.operands()) {
            if (o.kind() == Kind.INT) {
                ints += o.length() + GUARD;
            } else {
                floats += (o.hasGradient() ? 2 : 1) * (o.length() + GUARD);
            }
        }
        this.floatLength = floats;
        this.intLength = ints;
        this.floatSlab = backend.allocate(floats);
        this.intSlab = ints > GUARD ? backend.allocate(DType.INT32, ints) : null;
        try {
            carve();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void carve() {
        double[] nan = new double[floatLength];
        Arrays.fill(nan, Double.NaN);
        backend.copyFromHost(floatSlab, nan);
        if (intSlab != null) {
            int[] guard = new int[intLength];
            Arrays.fill(guard, INT_GUARD);
            backend.copyFromHost(intSlab, guard);
        }
        long nextFloat = GUARD;
        long nextInt = GUARD;
        for (Operand o : kase.operands()) {
            if (o.kind() == Kind.INT) {
                buffers.put(o.name(), intSlab.slice(nextInt, o.length()));
                nextInt += o.length() + GUARD;
                continue;
            }
            buffers.put(o.name(), floatSlab.slice(nextFloat, o.length()));
            layouts.put(o.name(), o);
            nextFloat += o.length() + GUARD;
            if (o.hasGradient()) {
                buffers.put(o.gradName(), floatSlab.slice(nextFloat, o.length()));
                layouts.put(o.gradName(), o);
                nextFloat += o.length() + GUARD;
            }
        }
    }

    public Backend backend() {
        return backend;
    }

    /** Copies the named arrays (operands or gradients) to their buffers. */
    public void upload(Map<String, double[]> values) {
        values.forEach(this::upload);
    }

    public void upload(String name, double[] values) {
        Buffer b = buffer(name);
        if (b.dtype() == DType.INT32) {
            int[] ints = new int[values.length];
            for (int e = 0; e < ints.length; e++) {
                ints[e] = (int) values[e];
            }
            backend.copyFromHost(b, ints);
        } else {
            backend.copyFromHost(b, values);
        }
    }

    /** The named buffer's contents (INT32 as doubles). */
    public double[] read(String name) {
        Buffer b = buffer(name);
        double[] out = new double[(int) b.length()];
        if (b.dtype() == DType.INT32) {
            int[] ints = new int[out.length];
            backend.copyToHost(b, ints);
            for (int e = 0; e < ints.length; e++) {
                out[e] = ints[e];
            }
        } else {
            backend.copyToHost(b, out);
        }
        return out;
    }

    public void forward() {
        kase.forward().run(backend, this::buffer);
    }

    /** Runs the backward with every input gradient. */
    public void backward() {
        backward(null);
    }

    /** Runs the backward with the gradients of {@code inputs} only (null: all); the others are passed as null. */
    public void backward(Set<String> inputs) {
        if (!kase.hasBackward()) {
            throw new IllegalStateException(kase.name() + " has no backward");
        }
        kase.backward().run(backend, name -> {
            for (Operand o : kase.withRole(KernelCase.Role.INPUT)) {
                if (o.gradName().equals(name) && inputs != null && !inputs.contains(o.name())) {
                    return null;
                }
            }
            return buffer(name);
        });
    }

    private Buffer buffer(String name) {
        Buffer b = buffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(kase.name() + " has no buffer '" + name + "'");
        }
        return b;
    }

    /** The operand whose layout the named float buffer has (an operand or its gradient). */
    public Operand layout(String name) {
        return layouts.get(name);
    }

    /**
     * Checks that no kernel wrote a guard or a dead element: they must still be NaN (INT32 guards
     * {@link Integer#MIN_VALUE}).
     *
     * @throws AssertionError naming the first buffer and element found changed
     */
    public void checkUntouched() {
        double[] all = new double[floatLength];
        backend.copyToHost(floatSlab, all);
        boolean[] inside = new boolean[floatLength];
        long at = GUARD;
        for (Map.Entry<String, Operand> e : layouts.entrySet()) {
            Operand o = e.getValue();
            for (int k = 0; k < o.length(); k++) {
                inside[(int) at + k] = true;
                if (!o.isLive(k) && !Double.isNaN(all[(int) at + k])) {
                    throw new AssertionError(kase.name() + " on " + backend.name() + ": dead element " + k + " of "
                            + e.getKey() + " was written: " + all[(int) at + k]);
                }
            }
            at += o.length() + GUARD;
        }
        for (int k = 0; k < floatLength; k++) {
            if (!inside[k] && !Double.isNaN(all[k])) {
                throw new AssertionError(kase.name() + " on " + backend.name() + ": guard element " + k
                        + " of the slab was written: " + all[k]);
            }
        }
        if (intSlab != null) {
            checkIntGuards();
        }
    }

    private void checkIntGuards() {
        int[] all = new int[intLength];
        backend.copyToHost(intSlab, all);
        boolean[] inside = new boolean[intLength];
        int at = GUARD;
        for (Operand o : kase.operands()) {
            if (o.kind() == Kind.INT) {
                Arrays.fill(inside, at, at + o.length(), true);
                at += o.length() + GUARD;
            }
        }
        for (int k = 0; k < intLength; k++) {
            if (!inside[k] && all[k] != INT_GUARD) {
                throw new AssertionError(kase.name() + " on " + backend.name() + ": INT32 guard element " + k
                        + " was written: " + all[k]);
            }
        }
    }

    /** Names of the case's outputs (float and INT32), in declaration order. */
    public List<String> outputNames() {
        return kase.operands().stream().filter(o -> !o.isInput()).map(Operand::name).toList();
    }

    @Override
    public void close() {
        floatSlab.close();
        if (intSlab != null) {
            intSlab.close();
        }
    }
}
