package org.samplex.models.transformer;

import org.samplex.api.config.Config;
import org.samplex.api.learn.TaskShape;

/**
 * Sizes and options of the Transformer learner (docs/qstr.md section 3), resolved against a task's shape.
 *
 * @param heads         H, attention heads
 * @param splitHeads    PyTorch-style heads of width D/H (true) or full-width heads of width D (false)
 * @param outProjection whether a Linear(H*hd -> D) follows the attention
 * @param mlpWidth      m, the hidden width of the position-wise MLP
 */
record TransformerConfig(int heads, boolean splitHeads, boolean outProjection, int mlpWidth) {

    /** The most heads any schema or derived default accepts. */
    static final int MAX_HEADS = 64;

    /**
     * Resolves derived defaults: H = q when {@code heads} is absent, and out-proj "auto" = on exactly when the
     * attention is PyTorch's nn.MultiheadAttention (H = 1, or split heads), which always has an output projection.
     *
     * @throws IllegalArgumentException naming 'heads' when H is out of range or does not divide D for split heads
     */
    static TransformerConfig from(Config config, TaskShape shape) {
        int heads = config.has("heads") ? config.getInt("heads") : shape.pointers();
        if (heads < 1 || heads > MAX_HEADS) {
            throw new IllegalArgumentException("learner 'transformer': parameter 'heads' must be in [1, " + MAX_HEADS
                    + "], got " + heads + (config.has("heads") ? "" : " (derived from q = " + shape.pointers() + ")"));
        }
        boolean split = config.getBoolean("split-heads");
        int width = shape.inputWidth();
        if (split && width % heads != 0) {
            throw new IllegalArgumentException("learner 'transformer': 'split-heads' needs parameter 'heads' (H = "
                    + heads + ") to divide the token width D = " + width);
        }
        boolean outProjection = switch (config.getChoice("out-proj")) {
            case "on" -> true;
            case "off" -> false;
            default -> heads == 1 || split;
        };
        return new TransformerConfig(heads, split, outProjection, config.getInt("mlp-width"));
    }

    /** hd, the width of one head: D for full-width heads, D/H for split heads. */
    int headWidth(TaskShape shape) {
        return splitHeads ? shape.inputWidth() / heads : shape.inputWidth();
    }

    /** H*hd, the width of the concatenated heads. */
    int attentionWidth(TaskShape shape) {
        return heads * headWidth(shape);
    }
}
