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

    /** Steps between test evaluations when the user does not say (the paper: 10 for general, 100 for simple). */
    default int defaultCheckEvery() {
        return 10;
    }

    /** The task's settings and derived sizes for provenance ("N" -> 8, "d_e" -> 10, ...). */
    java.util.Map<String, Object> describe();
}
