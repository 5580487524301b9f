package org.samplex.api.learn;

/**
 * What a learner needs to know about a task's prompts.
 *
 * @param positions    N, tokens per prompt (one output per position)
 * @param inputWidth   D, width of each token's input vector
 * @param contentWidth d, width of the content part of a token
 * @param pointers     q, pointers per token
 */
public record TaskShape(int positions, int inputWidth, int contentWidth, int pointers) {

    /**
     * The axes along which samplex measures sample complexity: a sweep's {@code N} and {@code q}, the cli's
     * {@code --N}, a report's x axis. A task says which of its options sets each ({@link TaskProvider#axisOption});
     * a run record carries the shape its task had, so a report reads N and q from there.
     */
    public enum Axis {
        /** N, tokens per prompt (a plan's key {@code N}). */
        POSITIONS("N"),
        /** q, pointers per token: the sparsity of the target (a plan's key {@code q}). */
        POINTERS("q");

        private final String key;

        Axis(String key) {
            this.key = key;
        }

        /** The axis's plan key and letter: "N" or "q". */
        public String key() {
            return key;
        }

        /** This axis's size in a shape. */
        public int of(TaskShape shape) {
            return this == POSITIONS ? shape.positions() : shape.pointers();
        }
    }

    public TaskShape {
        if (positions < 1 || inputWidth < 1 || contentWidth < 1 || pointers < 1) {
            throw new IllegalArgumentException("task shape needs positive sizes, got N=" + positions + " D="
                    + inputWidth + " d=" + contentWidth + " q=" + pointers);
        }
    }
}
