package org.samplex.api.tape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * Records coarse ops (one kernel family call each) in execution order and replays their backward closures in
 * reverse, in the manner of micrograd at the granularity of llm.c's layer calls.
 *
 * <p>Ops (see {@link Ops} and {@link SequenceOps}) hand their forward kernels to {@link #forward}, which runs them
 * at once, and register a {@link Node} that adds into the gradients of their inputs. Activation values and
 * gradients come from the tape's {@link Arena}; {@link #reset} clears the record and the arena for the next step.
 * The tape owns no backend memory itself: the arena does, and the caller owns the arena.
 *
 * <h2>Capture and replay</h2>
 * A training step whose kernel sequence does not depend on the data (see
 * {@link org.samplex.api.learn.Learner#replayable}) can be recorded once and replayed, in the manner of a CUDA
 * graph: {@link #beginCapture}, the forward ops, then {@link #endCapture} with the loss, which runs the backward
 * once and returns a {@link Graph}. {@link Graph#replay} re-runs every recorded forward kernel in order on the
 * same buffers, zeroes every gradient buffer the tape created during the capture, seeds d(loss) = 1 and runs the
 * backward nodes in reverse: the same backend calls with the same arguments as running the ops again, so the same
 * bits come out, and no Java object is allocated. New inputs are written into the captured input buffers between
 * replays (for example with {@link org.samplex.api.learn.Task#refill}). Gradients the tape did not create
 * (parameters') are not zeroed by a replay: backward adds into them, so the caller zeroes them first, as before
 * {@link #backward}.
 *
 * <p>The closures keep the buffers they were recorded on: the arena of a live graph must not be reset (nor this
 * tape, which resets it) or closed, and the caller keeps the input buffers valid. A replay after the arena was
 * reset or closed throws {@link IllegalStateException}. Allocating more from the arena is allowed.
 *
 * <p>Not thread-safe: one training loop uses one tape.
 */
public final class Tape {

    /** The backward half of one recorded op. */
    @FunctionalInterface
    public interface Node {
        /** Adds into the gradients of this op's inputs; reads the gradient of its output. */
        void backward();
    }

    /**
     * The forward half of one op: backend calls that overwrite the op's outputs from its inputs (buffers fixed
     * when the op was called). It must allocate nothing and keep no state between runs, so that a replay gives
     * what the first run gave on the same inputs.
     */
    @FunctionalInterface
    public interface Kernel {
        /** Runs the op's forward kernels. */
        void run();
    }

    private record Entry(String op, Node node) {
    }

    private final Backend backend;
    private final Arena arena;
    private final List<Entry> entries = new ArrayList<>();
    private boolean gradEnabled = true;
    /** The forward kernels run since {@link #beginCapture}, in order; null when not capturing. */
    private List<Kernel> capturedForwards;
    /** The gradient buffers {@link #grad} created during the capture. */
    private List<Buffer> capturedGrads;
    /** The arena's generation when the capture began. */
    private long captureGeneration;
    /** True while a graph of this tape replays: every gradient must then exist already. */
    private boolean replaying;

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

    /**
     * Whether an op with these inputs must record a backward.
     *
     * @throws IllegalArgumentException for a packed tensor ({@link Tensor#pack}): only the ops of
     *                                  {@link PackedOps} take one
     */
    public boolean needsGrad(Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t != null && t.pack() > 1) {
                throw new IllegalArgumentException("a parameter of a packed model (" + t + ") reached an op that "
                        + "takes no packed tensors; only linear and biasAdd do (a learner that packs may use its "
                        + "parameters only there)");
            }
        }
        return needsGradPacked(inputs);
    }

    /** {@link #needsGrad}, packed tensors allowed. */
    boolean needsGradPacked(Tensor... inputs) {
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

    /**
     * Runs an op's forward kernels now and, while capturing, keeps them for {@link Graph#replay}. Every op writes
     * its forward through here (also with gradients off), so that a captured step misses no kernel.
     */
    public void forward(Kernel kernel) {
        kernel.run();
        if (capturedForwards != null) {
            capturedForwards.add(kernel);
        }
    }

    /** Registers the backward of an op named {@code op} (recorded only when gradients are enabled). */
    public void record(String op, Node node) {
        if (gradEnabled) {
            entries.add(new Entry(op, node));
        }
    }

    /**
     * The gradient buffer of {@code t}, zero-filled from the arena on first use; null when t needs no gradient,
     * so backward kernels skip it. During a capture the buffers created here are remembered, so that a replay
     * zeroes them again.
     *
     * @throws IllegalStateException during a replay, when t has no gradient buffer yet (the captured step never
     *                               needed it, so the replay does not match its capture)
     */
    public Buffer grad(Tensor t) {
        if (t == null || !t.requiresGrad()) {
            return null;
        }
        Buffer g = t.gradOrNull();
        if (g == null) {
            if (replaying) {
                throw new IllegalStateException("a replayed graph needs a gradient for " + t
                        + " that its capture never created");
            }
            g = arena.zeros(t.size());
            t.setGrad(g);
            if (capturedGrads != null) {
                capturedGrads.add(g);
            }
        }
        return g;
    }

    /**
     * Seeds d(loss) = 1 for a one-element loss (every element of a packed model's per-run losses, rank 1) and runs
     * every recorded backward in reverse order.
     *
     * @throws IllegalStateException while capturing: {@link #endCapture} runs the captured step's backward
     */
    public void backward(Tensor loss) {
        if (capturedForwards != null) {
            throw new IllegalStateException("backward during a capture: endCapture(loss) runs the backward");
        }
        seed(loss);
        runBackward();
    }

    private void seed(Tensor loss) {
        if (loss.size() != 1 && loss.rank() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss or one loss per run of a packed model "
                    + "(rank 1), got " + loss);
        }
        if (!loss.requiresGrad()) {
            throw new IllegalStateException("the loss does not depend on anything that requires a gradient");
        }
        backend.fill(grad(loss), 1.0);
    }

    /**
     * Runs every recorded backward in reverse, using gradients already placed on outputs (for custom seeds).
     *
     * @throws IllegalStateException while capturing (a replay seeds only d(loss) = 1)
     */
    public void backwardFromSeededGrads() {
        if (capturedForwards != null) {
            throw new IllegalStateException("backwardFromSeededGrads during a capture: a graph seeds d(loss) = 1");
        }
        runBackward();
    }

    private void runBackward() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            entries.get(i).node().backward();
        }
    }

    /** The names of the recorded ops, in execution order. */
    public List<String> ops() {
        return entries.stream().map(Entry::op).toList();
    }

    /** Whether a capture is in progress. */
    public boolean capturing() {
        return capturedForwards != null;
    }

    /**
     * Starts recording a step for replay: from now on every forward kernel is kept, and every gradient buffer the
     * tape creates is remembered. Call it on a fresh record (after {@link #reset} or on a new tape), after the
     * step's inputs are in place.
     *
     * @throws IllegalStateException when already capturing, or when the record is not empty
     */
    public void beginCapture() {
        if (capturedForwards != null) {
            throw new IllegalStateException("already capturing: call endCapture first");
        }
        if (!entries.isEmpty()) {
            throw new IllegalStateException("beginCapture needs an empty record, this tape holds " + entries.size()
                    + " ops: reset it first");
        }
        capturedForwards = new ArrayList<>();
        capturedGrads = new ArrayList<>();
        captureGeneration = arena.generation();
    }

    /**
     * Ends the capture with the step's loss: runs the backward once, exactly as {@link #backward} would (zero
     * the parameters' gradients before), and returns the recorded step. The record stays on the tape until
     * {@link #reset}, which ends the graph's life.
     *
     * @param loss a one-element tensor computed by the captured ops
     * @throws IllegalStateException    when no capture is in progress, the arena was reset during it, or the loss
     *                                  requires no gradient
     * @throws IllegalArgumentException when the loss has more than one element
     */
    public Graph endCapture(Tensor loss) {
        if (capturedForwards == null) {
            throw new IllegalStateException("endCapture without beginCapture");
        }
        List<Kernel> forwards = capturedForwards;
        List<Buffer> grads = capturedGrads;
        try {
            if (arena.generation() != captureGeneration) {
                throw new IllegalStateException("the arena was reset or closed during the capture");
            }
            seed(loss);
            runBackward();
        } finally {
            capturedForwards = null;
            capturedGrads = null;
        }
        return new Graph(this, forwards.toArray(Kernel[]::new), entries.toArray(Entry[]::new),
                grads.toArray(Buffer[]::new), loss.gradOrNull(), loss, captureGeneration);
    }

    /** Forgets the record and takes back the arena's slices: call once per step. Ends any capture and graph. */
    public void reset() {
        entries.clear();
        arena.reset();
        gradEnabled = true;
        capturedForwards = null;
        capturedGrads = null;
    }

    /**
     * One captured training step (forward, loss, backward) on fixed buffers, replayed without allocating. See the
     * class comment for the contract; valid until the tape's arena is reset or closed.
     */
    public static final class Graph {
        private final Tape tape;
        private final Kernel[] forwards;
        private final Entry[] backwards;
        private final Buffer[] grads;
        private final Buffer lossGrad;
        private final Tensor loss;
        private final long generation;

        private Graph(Tape tape, Kernel[] forwards, Entry[] backwards, Buffer[] grads, Buffer lossGrad, Tensor loss,
                      long generation) {
            this.tape = tape;
            this.forwards = forwards;
            this.backwards = backwards;
            this.grads = grads;
            this.lossGrad = lossGrad;
            this.loss = loss;
            this.generation = generation;
        }

        /** The captured loss tensor (one element): after each replay it holds that replay's loss. */
        public Tensor loss() {
            return loss;
        }

        /** The names of the captured ops whose backward the graph runs, in execution order. */
        public List<String> ops() {
            return Arrays.stream(backwards).map(Entry::op).toList();
        }

        /** Forward kernels the graph runs per replay. */
        public int forwardKernels() {
            return forwards.length;
        }

        /** Whether the graph can still replay (its arena was neither reset nor closed since the capture). */
        public boolean valid() {
            return !tape.arena.isClosed() && tape.arena.generation() == generation;
        }

        /**
         * Runs the captured step again on the current contents of its input buffers: every forward kernel in
         * order, then zeroes the gradients the capture created, seeds d(loss) = 1 and runs every backward in
         * reverse. Allocates nothing on the Java heap or the backend.
         *
         * @throws IllegalStateException when the arena was reset or closed since the capture, or during a replay
         *                               of the same tape
         */
        public void replay() {
            if (!valid()) {
                throw new IllegalStateException("the captured step's arena was reset or closed: capture again");
            }
            if (tape.replaying) {
                throw new IllegalStateException("replay during a replay of the same tape");
            }
            Backend be = tape.backend;
            tape.replaying = true;
            try {
                for (Kernel k : forwards) {
                    k.run();
                }
                for (Buffer g : grads) {
                    be.fill(g, 0.0);
                }
                be.fill(lossGrad, 1.0);
                for (int i = backwards.length - 1; i >= 0; i--) {
                    backwards[i].node().backward();
                }
            } finally {
                tape.replaying = false;
            }
        }
    }
}
