package org.samplex.api.learn;

import org.samplex.api.Backend;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;

/**
 * A configured task: a distribution of prompts that can be sampled on any backend.
 *
 * <p>Prompts are indexed: prompt p of a stream is a pure function of (the task's fixed randomness, the stream,
 * p), so a batch is the same whatever batch size or chunking produced it, and training step s of a protocol
 * with batch size B sees prompts [s B, (s + 1) B) of the run's "train" stream.
 */
public interface Task {

    /** Which part of a protocol asks for prompts; a task may draw them differently (e.g. a test variant). */
    enum Split {
        /** Training prompts. */
        TRAIN,
        /** Test prompts. */
        TEST
    }

    TaskShape shape();

    /**
     * Prompts [firstPrompt, firstPrompt + count) of {@code stream}, generated on the backend into the arena.
     * The same (task, stream, prompt indices) gives the same prompts on every backend, up to float rounding.
     *
     * @return input (count, N, D) and labels (count, N)
     */
    Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt, int count);

    /**
     * Writes prompts into the buffers of a batch this task made earlier ({@link #batch}, on the same backend), so
     * that a captured training step can be replayed on them: row i of {@code into} gets prompt
     * {@code firstPrompt + i} of {@code stream}. The buffers hold afterwards the same bits that {@link #batch}
     * would return for those prompts. Equivalent to {@link #refill(Backend, Batch, Split, RngStream, long, long)}
     * with an unreachable cycle.
     */
    default void refill(Backend backend, Batch into, Split split, RngStream stream, long firstPrompt) {
        refill(backend, into, split, stream, firstPrompt, Long.MAX_VALUE);
    }

    /**
     * Writes prompts into the buffers of a batch this task made earlier ({@link #batch}, on the same backend):
     * row i of {@code into} gets prompt {@code (firstPrompt + i) mod cycle} of {@code stream}, so a fixed set of
     * {@code cycle} prompts can be walked through epoch after epoch. The buffers hold afterwards the same bits that
     * {@link #batch} would return for those prompts, drawn as the runs of consecutive indices between wrap-arounds
     * and stacked.
     *
     * <p>The default draws each run with {@link #batch} into a temporary arena and copies it on the backend, which
     * allocates; a task overrides it to write in place. An override must keep the task's thread-safety: a task may
     * be shared by runs on several threads, so any reusable staging belongs to a thread or to the call.
     *
     * @param into   input (B, N, D) and labels (B, N) of this task's shape, B >= 1
     * @param cycle  the number of prompts to cycle through, at least 1
     * @throws IllegalArgumentException for a batch of another shape, a negative first prompt or a cycle below 1
     */
    default void refill(Backend backend, Batch into, Split split, RngStream stream, long firstPrompt, long cycle) {
        int count = RefillChecks.check(shape(), into, firstPrompt, cycle);
        TaskShape s = shape();
        long promptSize = (long) s.positions() * s.inputWidth();
        try (Arena scratch = new Arena(backend)) {
            long start = firstPrompt % cycle;
            for (int done = 0; done < count; ) {
                int m = (int) Math.min(count - done, cycle - start);
                Batch part = batch(backend, scratch, split, stream, start, m);
                backend.copy(into.input().value().slice(done * promptSize, m * promptSize), part.input().value());
                backend.copy(into.labels().value().slice((long) done * s.positions(), (long) m * s.positions()),
                        part.labels().value());
                done += m;
                start = 0;
            }
        }
    }

    /**
     * Writes the listed prompts into the buffers of a batch this task made earlier ({@link #batch}, on the same
     * backend): row i of {@code into} gets prompt {@code prompts[i]} of {@code stream}, with the same bits that
     * {@link #batch} returns for it. The fixed-n protocol's shuffled epochs use it.
     *
     * <p>The default draws each prompt with {@link #batch} into a temporary arena and copies it on the backend,
     * which allocates; a task overrides it to write in place, keeping its thread-safety as for {@link #refill}.
     *
     * @param prompts one prompt index (at least 0) per row of {@code into}
     * @throws IllegalArgumentException for a batch of another shape, a count that is not the batch's rows, or a
     *                                  negative index
     */
    default void refill(Backend backend, Batch into, Split split, RngStream stream, long[] prompts) {
        int count = RefillChecks.check(shape(), into, prompts);
        TaskShape s = shape();
        long promptSize = (long) s.positions() * s.inputWidth();
        try (Arena scratch = new Arena(backend)) {
            for (int i = 0; i < count; i++) {
                Batch part = batch(backend, scratch, split, stream, prompts[i], 1);
                backend.copy(into.input().value().slice(i * promptSize, promptSize), part.input().value());
                backend.copy(into.labels().value().slice((long) i * s.positions(), s.positions()),
                        part.labels().value());
            }
        }
    }

    /**
     * The variance of one label over prompts: the test MSE of the best constant prediction, so a threshold at or
     * above it is crossed by a learner that learned nothing (a protocol refuses such a threshold). NaN when the
     * task cannot tell; the default cannot.
     */
    default double labelVariance() {
        return Double.NaN;
    }

    /** Steps between test evaluations when the user does not say (the paper: 10 for general, 100 for simple). */
    default int defaultCheckEvery() {
        return 10;
    }

    /** The task's settings and derived sizes for provenance ("N" -> 8, "d_e" -> 10, ...). */
    java.util.Map<String, Object> describe();
}
