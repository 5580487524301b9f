package org.samplex.models.rnn;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;

/**
 * Provides the {@code mamba} learner: selective state-space blocks ({@link ScanBlock.Mamba}), bidirectional by
 * default, with a linear readout per position ({@link ScanNet}). Defaults: width 32, expand 2, state 16, one
 * layer, bidirectional: 19,393 parameters at qSTR's d = 10, N = 8 (input width D = 30), against 1,597,001 for the
 * bi-GRU with hidden 500 (the paper's) and 123,137 for hidden 128; width 16 (the small zoo's): 8,545.
 */
public final class MambaProvider implements LearnerProvider {
    private final Schema schema = new Schema("learner 'mamba'", List.of(
            Hyperparameter.integer("width", 32, 1, 4096, "output width of each block (Mamba's d_model)"),
            Hyperparameter.integer("expand", 2, 1, 16, "inner channels per output channel (e = expand * width)"),
            Hyperparameter.integer("state", 16, 1, 256, "state size S per inner channel (Mamba's d_state)"),
            Hyperparameter.integer("layers", 1, 1, 16, "stacked blocks; each reads the previous one's output"),
            Hyperparameter.bool("bidirectional", true,
                    "also scan the prompt backwards and concatenate both blocks' outputs, as the bi-GRU")));

    @Override
    public String name() {
        return "mamba";
    }

    @Override
    public String description() {
        return "Mamba selective state-space blocks (width 32, expand 2, state 16), bidirectional, linear readout "
                + "per position";
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        ScanBlock block = new ScanBlock.Mamba(config.getInt("width"), config.getInt("expand"), config.getInt("state"));
        return new ScanNet(shape, block, config.getInt("layers"), config.getBoolean("bidirectional"), backend, seed);
    }
}
