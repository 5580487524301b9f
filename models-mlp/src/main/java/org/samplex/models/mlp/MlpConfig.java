package org.samplex.models.mlp;

import org.samplex.api.config.Config;
import org.samplex.api.learn.TaskShape;

/**
 * Widths of the feedforward learner (docs/qstr.md section 3): Linear(N*D -> width1) ReLU, Linear(-> width2) ReLU,
 * Linear(-> N).
 *
 * @param width1 first hidden width; the paper's N*d*q when not given
 * @param width2 second hidden width (1000)
 */
record MlpConfig(int width1, int width2) {

    static MlpConfig from(Config config, TaskShape shape) {
        int width1 = config.has("width1") ? config.getInt("width1")
                : Math.multiplyExact(Math.multiplyExact(shape.positions(), shape.contentWidth()), shape.pointers());
        return new MlpConfig(width1, config.getInt("width2"));
    }
}
