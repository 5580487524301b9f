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

    public TaskShape {
        if (positions < 1 || inputWidth < 1 || contentWidth < 1 || pointers < 1) {
            throw new IllegalArgumentException("task shape needs positive sizes, got N=" + positions + " D="
                    + inputWidth + " d=" + contentWidth + " q=" + pointers);
        }
    }
}
