package org.samplex.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * R runs of one packable learner ({@link LearnerProvider#packable}) training as one packed model on one backend:
 * one forward, one loss per run, one backward and one AdamW update per run for all R each step, each run in a slot
 * r of its own with its own spec, task, prompts, optimizer and test set. Slot r's prompts are rows [r B, (r + 1) B)
 * of the packed batch and its parameters run r of the packed slabs ({@link Parameters#pack}); the ops compute each
 * slot as its run would alone ({@code org.samplex.api.tape.PackedOps}), so slot r's step s trains on the prompts and
 * makes the kernel calls of step s of its run in a {@link TrainingSession}, and a backend whose kernels give each
 * row and each batched product the bits they give alone gives each run the same bits packed as alone.
 *
 * <p>Runs that may share a pack have one {@link PackKeys#key}: the same learner and options, task shape, batch, test-set
 * size, check interval, backend and threads, the online protocol and no {@code inspect}. Seeds, task options that
 * keep the shape, the optimizer's settings, the cap and the thresholds may differ.
 *
 * <p>Slots are refilled ({@link #load}): a finished run's slot takes a new run, whose parameters, moments, step
 * count, optimizer and test set start afresh while the other slots go on. A run that ends with none to follow
 * ({@link #retire}) gives up its slot: the last live slot's run moves into it (parameters, moments, test set, step
 * count, optimizer) and the pack trains one run fewer, so the live runs are always slots [0, live) and nothing is
 * computed for runs that have ended. A moved run computes the same bits in its new slot.
 *
 * <p>Every step is captured once per pack size (at the first step and after each retirement, through views of
 * the first {@code live} runs: {@link Parameters#prefix}) and replayed (packable learners are replayable). Ownership: the packed model, its
 * arenas and the slots' test sets are this session's and {@link #close} closes them; the backend is the caller's.
 */
public final class PackedSession implements AutoCloseable {

    /** One slot's run: what a {@link TrainingSession} would hold for it. */
    private static final class Slot {
        final RunSpec given;
        final RunSpec spec;
        final Task task;
        final TrainBatches batches;
        final AdamW optimizer;
        long steps;

        Slot(RunSpec given, TrainingSession.Setup setup, Backend backend) {
            this.given = given;
            this.spec = setup.spec();
            this.task = setup.task();
            this.batches = new TrainBatches(spec, task, backend);
            this.optimizer = new AdamW(spec.adamW());
        }
    }

    private final Backend backend;
    private final LearnerProvider learnerProvider;
    private final TaskProvider taskProvider;
    private final String key;
    private final int runs;
    private final int batch;
    private final TaskShape shape;
    private final Slot[] slots;
    private final Learner model;
    private final Arena fixedArena;
    private final Arena stepArena;
    private final Arena evalArena;
    private final Tape tape;
    private final Tape evalTape;
    /** The packed batch (R B, N, D) and (R B, N), and each slot's rows of it. */
    private final Batch packedBatch;
    private final Batch[] slotBatches;
    /** The packed test set: per chunk, (R m, N, D) and (R m, N); slot r's prompts at rows [r m, (r + 1) m). */
    private final List<Batch> testChunks = new ArrayList<>();
    /** Runs training: slots [0, live). */
    private int live;
    /** The captured step of the live runs; null before the first step and after a retirement. */
    private Tape.Graph graph;
    /** The live runs' model (the packed model, or a view of its first runs), batch and test chunks. */
    private Learner liveModel;
    private Parameters liveView;
    private Batch liveBatch;
    private final List<Batch> liveTests = new ArrayList<>();

    private PackedSession(List<RunSpec> given, List<TrainingSession.Setup> setups, LearnerProvider learnerProvider,
                          TaskProvider taskProvider, Backend backend, Learner model, Arena fixedArena,
                          Arena stepArena, Arena evalArena) {
        this.backend = backend;
        this.learnerProvider = learnerProvider;
        this.taskProvider = taskProvider;
        this.key = PackKeys.key(setups.getFirst().spec(), setups.getFirst().task().shape(), learnerProvider);
        this.runs = setups.size();
        this.batch = setups.getFirst().spec().batch();
        this.shape = setups.getFirst().task().shape();
        this.model = model;
        this.fixedArena = fixedArena;
        this.stepArena = stepArena;
        this.evalArena = evalArena;
        this.tape = new Tape(backend, stepArena);
        this.evalTape = new Tape(backend, evalArena);
        this.slots = new Slot[runs];
        this.live = runs;
        int n = shape.positions();
        int d = shape.inputWidth();
        Buffer input = fixedArena.allocate((long) runs * batch * n * d);
        Buffer labels = fixedArena.allocate((long) runs * batch * n);
        this.packedBatch = new Batch(Tensor.constant(input, runs * batch, n, d), Tensor.constant(labels, runs * batch, n));
        this.slotBatches = new Batch[runs];
        for (int r = 0; r < runs; r++) {
            slotBatches[r] = runRows(packedBatch, r, 1);
        }
        int testSize = setups.getFirst().spec().testSize();
        int chunk = OnlineProtocol.testChunk(n);
        for (long first = 0; first < testSize; first += chunk) {
            int m = (int) Math.min(chunk, testSize - first);
            testChunks.add(new Batch(
                    Tensor.constant(fixedArena.allocate((long) runs * m * n * d), runs * m, n, d),
                    Tensor.constant(fixedArena.allocate((long) runs * m * n), runs * m, n)));
        }
        for (int r = 0; r < runs; r++) {
            fill(r, given.get(r), setups.get(r));
        }
    }

    /**
     * Opens a pack of {@code specs.size()} (at least 1) runs with equal {@link PackKeys#key}s on a backend the caller owns:
     * each set up as {@link TrainingSession#setUp}, the pack's memory checked ({@link MemoryEstimate}, R times one
     * run's), each run's learner initialized from its seed and packed.
     *
     * @throws IllegalArgumentException for bad options, no runs, runs that cannot share a pack, or a pack that
     *                                  does not fit ({@link PackKeys#runsThatFit} says how many do)
     */
    public static PackedSession open(List<RunSpec> specs, LearnerProvider learnerProvider,
                                     TaskProvider taskProvider, Backend backend) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a pack needs at least 1 run");
        }
        List<TrainingSession.Setup> setups = new ArrayList<>();
        for (RunSpec s : specs) {
            setups.add(TrainingSession.setUp(s, learnerProvider, taskProvider));
        }
        TrainingSession.Setup first = setups.getFirst();
        String key = PackKeys.key(first.spec(), first.task().shape(), learnerProvider);
        for (TrainingSession.Setup s : setups) {
            PackKeys.require(key, s, learnerProvider);
        }

        MemoryEstimate.of(first.spec(), first.task(), learnerProvider, first.learnerConfig(), backend.dtype())
                .times(specs.size()).check(first.spec(), backend);
        Learner model = null;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            try (Learner one = first.createLearner(learnerProvider, backend)) {
                if (!one.replayable()) {
                    throw new IllegalArgumentException("learner " + first.spec().learner() + " is packable but "
                            + "not replayable: a pack replays its captured step");
                }
                // the pack starts as R copies of run 0; fill() loads every slot's own parameters
                Parameters packed = Parameters.pack(Collections.nCopies(specs.size(), one.parameters()));
                try {
                    model = one.packed(packed);
                } catch (RuntimeException e) {
                    packed.close();
                    throw e;
                }
            }
            opened.add(model);
            Arena fixed = new Arena(backend);
            opened.add(fixed);
            Arena step = new Arena(backend);
            opened.add(step);
            Arena eval = new Arena(backend);
            opened.add(eval);
            return new PackedSession(specs, setups, learnerProvider, taskProvider, backend, model, fixed, step, eval);
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : opened.reversed()) {
                Closing.quietly(c, e);
            }
            throw e;
        }
    }

    /** Slots in the pack. */
    public int runs() {
        return runs;
    }

    /** Slot r's run's spec as {@link #open} or {@link #load} got it (the same object). */
    public RunSpec given(int r) {
        return slots[r].given;
    }

    /** The resolved spec of slot r's run. */
    public RunSpec spec(int r) {
        return slots[r].spec;
    }

    public Task task(int r) {
        return slots[r].task;
    }

    /** Steps slot r's run has taken. */
    public long steps(int r) {
        return slots[r].steps;
    }

    /** Runs training: they are slots [0, live()). */
    public int live() {
        return live;
    }

    /** The parameters of one run: the packed model's count over R. */
    public long parametersPerRun() {
        return model.parameters().count();
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Starts a new run in slot r (its run ended): set up, its key checked, its learner initialized from its seed
     * and loaded into run r of the packed parameters, its optimizer, step count and test set new.
     *
     * @throws IllegalArgumentException for bad options or a run that cannot share this pack
     */
    public void load(int r, RunSpec spec) {
        if (r < 0 || r >= live) {
            throw new IllegalArgumentException("load slot " + r + " of " + live + " live");
        }
        TrainingSession.Setup setup = TrainingSession.setUp(spec, learnerProvider, taskProvider);
        PackKeys.require(key, setup, learnerProvider);
        fill(r, spec, setup);
    }

    /**
     * Ends slot r's run with none to follow: the last live slot's run moves into slot r (its parameters, AdamW
     * moments and step count, optimizer, prompts and test set) and the pack trains one run fewer from the next
     * step on. Returns the slot whose run moved into r, or -1 when r was the last live slot.
     */
    public int retire(int r) {
        if (r < 0 || r >= live) {
            throw new IllegalArgumentException("retire slot " + r + " of " + live + " live");
        }
        int last = live - 1;
        int moved = -1;
        if (r != last) {
            model.parameters().moveRun(last, r);
            for (Batch chunk : testChunks) {
                copy(runRows(chunk, r, 1), runRows(chunk, last, 1));
            }
            slots[r] = slots[last];
            moved = last;
        }
        slots[last] = null;
        live--;
        graph = null;
        return moved;
    }

    /** The model, batch and test chunks of the first {@code live} runs: the packed ones, or views of them. */
    private void viewLiveRuns() {
        if (liveView != null) {
            liveView.close();
        }
        liveView = live == runs ? null : model.parameters().prefix(live);
        liveModel = liveView == null ? model : model.packed(liveView);
        liveBatch = runRows(packedBatch, 0, live);
        liveTests.clear();
        for (Batch chunk : testChunks) {
            liveTests.add(runRows(chunk, 0, live));
        }
    }

    /**
     * Views of runs [first, first + count) of a batch laid out run after run: (R m, N, D) and (R m, N), run r's
     * prompts at rows [r m, (r + 1) m).
     */
    private Batch runRows(Batch packed, int first, int count) {
        int m = packed.labels().dim(0) / runs;
        int n = shape.positions();
        int d = shape.inputWidth();
        return new Batch(
                Tensor.constant(packed.input().value().slice((long) first * m * n * d, (long) count * m * n * d),
                        count * m, n, d),
                Tensor.constant(packed.labels().value().slice((long) first * m * n, (long) count * m * n),
                        count * m, n));
    }

    private void copy(Batch into, Batch from) {
        backend.copy(into.input().value(), from.input().value());
        backend.copy(into.labels().value(), from.labels().value());
    }

    private void fill(int r, RunSpec given, TrainingSession.Setup setup) {
        try (Learner one = setup.createLearner(learnerProvider, backend)) {
            model.parameters().load(r, one.parameters());
        }
        slots[r] = new Slot(given, setup, backend);
        RngStream test = RngStream.of(setup.spec().seed(), "test");
        long first = 0;
        try (Arena scratch = new Arena(backend)) {
            for (Batch chunk : testChunks) {
                int m = chunk.labels().dim(0) / runs;
                copy(runRows(chunk, r, 1), setup.task().batch(backend, scratch, Task.Split.TEST, test, first, m));
                first += m;
                scratch.reset();
            }
        }
    }

    /**
     * Takes the next step of every live run: writes each one's prompts of its step into its rows, runs (after a
     * change of pack size: captures) forward, the per-run losses and backward, and updates each live run with its
     * own AdamW. Returns the live runs' losses, valid until the next step; reading them ({@link #values})
     * synchronizes with the backend.
     *
     * @throws IllegalStateException when no run is live
     */
    public Tensor step() {
        if (live == 0) {
            throw new IllegalStateException("every run of the pack has ended");
        }
        for (int r = 0; r < live; r++) {
            slots[r].batches.refill(slotBatches[r], slots[r].steps);
        }
        Parameters params = model.parameters();
        if (graph == null) {
            tape.reset();                                                      // drops the last size's graph
            viewLiveRuns();
            tape.beginCapture();
            Tensor pred = liveModel.forward(tape, liveBatch.input());           // (live B, N)
            Tensor loss = Ops.mse(tape, pred, liveBatch.labels(), live);        // (live)
            params.zeroGrad();
            graph = tape.endCapture(loss);                                     // runs the backward
        } else {
            params.zeroGrad();
            graph.replay();                                                    // forward, losses, backward
        }
        for (int r = 0; r < live; r++) {
            slots[r].optimizer.step(params, r);
            slots[r].steps++;
        }
        return graph.loss();
    }

    /** The values of a per-run tensor, copied to the host. */
    public double[] values(Tensor perRun) {
        double[] host = new double[(int) perRun.size()];
        backend.copyToHost(perRun.value(), host);
        return host;
    }

    /**
     * Each live run's test MSE on its test set, as {@link TrainingSession#testMse()} computes it alone: per chunk
     * the mean over the run's prompts, times their count, summed in double and divided by the total. Call it after
     * a {@link #step} (which sizes the pack to the live runs).
     */
    public double[] testMse() {
        if (graph == null) {
            throw new IllegalStateException("testMse needs a step first: the pack is sized to its live runs there");
        }
        double[] sums = new double[live];
        long count = 0;
        for (Batch chunk : liveTests) {
            evalTape.reset();
            evalTape.gradEnabled(false);
            Tensor pred = liveModel.forward(evalTape, chunk.input());                  // (live m, N)
            double[] mse = values(Ops.mse(evalTape, pred, chunk.labels(), live));       // (live)
            long perRun = pred.size() / live;
            for (int r = 0; r < live; r++) {
                sums[r] += mse[r] * perRun;
            }
            count += perRun;
        }
        evalTape.reset();
        for (int r = 0; r < live; r++) {
            sums[r] /= count;
        }
        return sums;
    }

    /** Closes the packed model and the arenas (not the backend). */
    @Override
    public void close() {
        Closing.all(evalArena, stepArena, fixedArena, model);
    }

    @Override
    public String toString() {
        return "pack of " + runs + " (" + Objects.requireNonNullElse(key, "?") + ")";
    }
}
