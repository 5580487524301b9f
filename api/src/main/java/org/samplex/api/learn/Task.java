package org.samplex.api.learn;

import org.samplex.api.Backend;
import org.samplex.api.tape.Arena;

/** A configured task: a distribution of prompts that can be sampled on any backend. */
public interface Task {

    /** Which named random stream a batch is drawn from. */
    enum Split {
        /** The training stream, one fresh batch per step. */
        TRAIN,
        /** The fixed test set. */
        TEST
    }

    TaskShape shape();

    /**
     * Draws batch number {@code index} of {@code split} with {@code size} prompts, generated on the backend into
     * the arena. The same (seed, split, index, size) gives the same prompts on every backend.
     */
    Batch batch(Backend backend, Arena arena, Split split, long index, int size);
}
