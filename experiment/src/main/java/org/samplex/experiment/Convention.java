package org.samplex.experiment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Which settings a paper reproduction follows where the paper's text and the authors' released code differ
 * (docs/qstr.md section 4.1). The paper's plotted numbers were produced by the authors' code, so numbers put beside
 * them are measured under {@link #AUTHORS_CODE}; {@link #PAPER_TEXT} is what the text states.
 *
 * <p>A convention sets defaults, not laws: {@link RunSpecBuilder#convention} sets the weight decay and the test-set
 * size, and {@link OnlineProtocol#resolve} adds the test variant to a task that has a {@code test-variant} option and
 * was not given one; a value given explicitly after the convention wins. The spec records the convention by name.
 *
 * <table>
 *   <caption>What each convention sets</caption>
 *   <tr><th>setting</th><th>paper-text</th><th>authors-code</th></tr>
 *   <tr><td>AdamW weight decay</td><td>0.1</td><td>0.01</td></tr>
 *   <tr><td>test-set size</td><td>10,000</td><td>5,000</td></tr>
 *   <tr><td>task option test-variant</td><td>same (the training variant)</td><td>simple, whatever the training
 *       variant</td></tr>
 * </table>
 */
public enum Convention {
    /** The settings the paper's text states. */
    PAPER_TEXT(0.1, 10_000, "same"),
    /** The settings of the authors' released code, which produced the paper's plotted numbers. */
    AUTHORS_CODE(0.01, 5_000, "simple");

    /** The task option a convention fills in when the task has it. */
    public static final String TEST_VARIANT = "test-variant";

    private final double weightDecay;
    private final int testSize;
    private final String testVariant;

    Convention(double weightDecay, int testSize, String testVariant) {
        this.weightDecay = weightDecay;
        this.testSize = testSize;
        this.testVariant = testVariant;
    }

    /** The word used on the command line, in plans and in specs: "paper-text" or "authors-code". */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** AdamW's weight decay under this convention. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Prompts in the fixed test set under this convention. */
    public int testSize() {
        return testSize;
    }

    /** The task options this convention fills in when the task has them and they were not given. */
    public Map<String, Object> taskOptionDefaults() {
        return Map.of(TEST_VARIANT, testVariant);
    }

    /**
     * The convention of a word.
     *
     * @throws IllegalArgumentException naming the word and the accepted ones
     */
    public static Convention of(String word) {
        for (Convention c : values()) {
            if (c.word().equals(word == null ? null : word.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("option 'convention' must be one of "
                + Arrays.stream(values()).map(Convention::word).toList() + ", got '" + word + "'");
    }
}
