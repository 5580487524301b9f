package org.samplex.api.learn;

import org.samplex.api.tape.Tensor;

/** The argument checks of {@link Task#refill}, shared by the default and by overrides. */
public final class RefillChecks {
    private RefillChecks() {
    }

    /**
     * Checks a refill's arguments against the task's shape.
     *
     * @return B, the number of prompts {@code into} holds
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static int check(TaskShape shape, Batch into, long firstPrompt, long cycle) {
        int count = checkShape(shape, into);
        if (firstPrompt < 0) {
            throw new IllegalArgumentException("firstPrompt must be at least 0, got " + firstPrompt);
        }
        if (cycle < 1) {
            throw new IllegalArgumentException("cycle must be at least 1, got " + cycle);
        }
        return count;
    }

    /**
     * Checks the arguments of a refill by prompt indices against the task's shape.
     *
     * @return B, the number of prompts {@code into} holds
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static int check(TaskShape shape, Batch into, long[] prompts) {
        int count = checkShape(shape, into);
        if (prompts.length != count) {
            throw new IllegalArgumentException("prompts must list one index per row of into (" + count + "), got "
                    + prompts.length);
        }
        for (long p : prompts) {
            if (p < 0) {
                throw new IllegalArgumentException("prompt indices must be at least 0, got " + p);
            }
        }
        return count;
    }

    private static int checkShape(TaskShape shape, Batch into) {
        Tensor input = into.input();
        Tensor labels = into.labels();
        int n = shape.positions();
        if (input.rank() != 3 || input.dim(1) != n || input.dim(2) != shape.inputWidth()) {
            throw new IllegalArgumentException("into.input must be (B, " + n + ", " + shape.inputWidth()
                    + "), got " + input);
        }
        int count = input.dim(0);
        if (labels.rank() != 2 || labels.dim(0) != count || labels.dim(1) != n) {
            throw new IllegalArgumentException("into.labels must be (" + count + ", " + n + "), got " + labels);
        }
        return count;
    }
}
