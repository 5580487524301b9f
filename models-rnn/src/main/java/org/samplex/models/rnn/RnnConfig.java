package org.samplex.models.rnn;

import org.samplex.api.config.Config;
import org.samplex.api.learn.TaskShape;

/**
 * Sizes of a recurrent learner (docs/qstr.md section 3).
 *
 * @param hidden        h, the hidden width per direction; the paper's 500 * q when not given
 * @param bidirectional whether a second, reversed scan runs and its state joins the readout
 */
record RnnConfig(int hidden, boolean bidirectional) {

    /** The paper's hidden width per pointer. */
    static final int HIDDEN_PER_POINTER = 500;

    static RnnConfig from(Config config, TaskShape shape) {
        int hidden = config.has("hidden") ? config.getInt("hidden")
                : Math.multiplyExact(HIDDEN_PER_POINTER, shape.pointers());
        return new RnnConfig(hidden, config.getBoolean("bidirectional"));
    }

    /** 1 or 2. */
    int directions() {
        return bidirectional ? 2 : 1;
    }
}
