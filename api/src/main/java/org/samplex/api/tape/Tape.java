package org.samplex.api.tape;

import java.util.ArrayList;
import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * Records coarse ops (one kernel family call each) in execution order and replays their backward closures in
 * reverse, in the manner of micrograd at the granularity of llm.c's layer calls.
 *
 * <p>Ops (see {@link Ops} and {@link SequenceOps}) compute their forward on the backend at once and register a
 * {@link Node} that adds into the gradients of their inputs. Activation values and gradients come from the
 * tape's {@link Arena}; {@link #reset} clears the record and the arena for the next step. The tape owns no
 * backend memory itself: the arena does, and the caller owns the arena.
 */
public final class Tape {

    /** The backward half of one recorded op. */
    @FunctionalInterface
    public interface Node {
        /** Adds into the gradients of this op's inputs; reads the gradient of its output. */
        void backward();
    }

    private record Entry(String op, Node node) {
    }

    private final Backend backend;
    private final Arena arena;
    private final List<Entry> entries = new ArrayList<>();
    private boolean gradEnabled = true;

    public Tape(Backend backend, Arena arena) {
        if (arena.backend() != backend) {
            throw new IllegalArgumentException("the arena belongs to another backend");
        }
        this.backend = backend;
        this.arena = arena;
    }

    public Backend backend() {
        return backend;
    }

    public Arena arena() {
        return arena;
    }

    /**
     * Turns recording off (evaluation): ops still compute forward values but register nothing and their outputs
     * do not require gradients.
     */
    public Tape gradEnabled(boolean enabled) {
        this.gradEnabled = enabled;
        return this;
    }

    public boolean gradEnabled() {
        return gradEnabled;
    }

    /** A new arena-backed output of the given shape; it requires a gradient when any input does. */
    public Tensor output(boolean requiresGrad, int... shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return new Tensor(arena.allocate(n), null, requiresGrad && gradEnabled, shape);
    }

    /** Whether an op with these inputs must record a backward. */
    public boolean needsGrad(Tensor... inputs) {
        if (!gradEnabled) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Registers the backward of an op named {@code op} (recorded only when gradients are enabled). */
    public void record(String op, Node node) {
        if (gradEnabled) {
            entries.add(new Entry(op, node));
        }
    }

    /**
     * The gradient buffer of {@code t}, zero-filled from the arena on first use; null when t needs no gradient,
     * so backward kernels skip it.
     */
    public Buffer grad(Tensor t) {
        if (t == null || !t.requiresGrad()) {
            return null;
        }
        Buffer g = t.gradOrNull();
        if (g == null) {
            g = arena.zeros(t.size());
            t.setGrad(g);
        }
        return g;
    }

    /** Seeds d(loss) = 1 for a one-element loss and runs every recorded backward in reverse order. */
    public void backward(Tensor loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got " + loss);
        }
        if (!loss.requiresGrad()) {
            throw new IllegalStateException("the loss does not depend on anything that requires a gradient");
        }
        backend.fill(grad(loss), 1.0);
        backwardFromSeededGrads();
    }

    /** Runs every recorded backward in reverse, using gradients already placed on outputs (for custom seeds). */
    public void backwardFromSeededGrads() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            entries.get(i).node().backward();
        }
    }

    /** The names of the recorded ops, in execution order. */
    public List<String> ops() {
        return entries.stream().map(Entry::op).toList();
    }

    /** Forgets the record and takes back the arena's slices: call once per step. */
    public void reset() {
        entries.clear();
        arena.reset();
        gradEnabled = true;
    }
}
