package org.samplex.api;

/**
 * A qSTR task as a backend that generates its prompts itself needs it ({@link Backend#qstrPrompts}): the sizes, the
 * choices and the task's fixed randomness, which together with a stream and prompt indices fix every number of a
 * prompt as docs/qstr.md section 2 and data's {@code QstrSampler} specify them. The task makes one per split and
 * keeps it, so a backend may keep what it uploads of one (the tables) until it closes.
 *
 * @param positions     N
 * @param contentWidth  d
 * @param pointers      q
 * @param codeWidth     d_e, the width of a positional code
 * @param link          the link's ordinal in data's {@code QstrConfig.Link}: 0 linear, 1 sumlinear, 2 he2, 3 mean,
 *                      4 sqnorm
 * @param simple        the simple variant (one pointer tuple per prompt) for this split
 * @param distinct      pointers of a token without repetition (a partial Fisher-Yates draw) rather than iid
 * @param resampled     positional codes drawn per prompt rather than the fixed table
 * @param halfContent   tokens i with 2 i >= N have no content (x_i = 0)
 * @param codeAmplitude the scale of a resampled code's entries
 * @param noise         the label noise's standard deviation (0: none)
 * @param code          the fixed positional code table (N, d_e) row-major, scaled; read when not resampled
 * @param directions    the link directions (L, d) row-major
 */
public record QstrPrompts(int positions, int contentWidth, int pointers, int codeWidth, int link, boolean simple,
                          boolean distinct, boolean resampled, boolean halfContent, double codeAmplitude,
                          double noise, double[] code, double[] directions) {

    /** The width D = d + (q + 1) d_e of a token's input row. */
    public int inputWidth() {
        return contentWidth + (pointers + 1) * codeWidth;
    }
}
