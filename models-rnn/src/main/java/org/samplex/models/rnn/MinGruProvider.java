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
 * Provides the {@code mingru} learner: the minimal GRU ({@link ScanBlock.MinGru}), its gates from the input only
 * so each layer is one linear scan, bidirectional by default, with a linear readout per position
 * ({@link ScanNet}). Defaults: hidden 128 per direction, two layers: 147,713 parameters at qSTR's d = 10, N = 8
 * (input width D = 30), against 1,597,001 for the bi-GRU with hidden 500 (the paper's) and 123,137 for hidden 128.
 */
public final class MinGruProvider implements LearnerProvider {
    private final Schema schema = new Schema("learner 'mingru'", List.of(
            Hyperparameter.integer("hidden", 128, 1, 100_000, "hidden width per direction"),
            Hyperparameter.integer("layers", 2, 1, 16, "stacked layers; each reads the previous one's states"),
            Hyperparameter.bool("bidirectional", true,
                    "also scan the prompt backwards and concatenate both states, as the bi-GRU")));

    @Override
    public String name() {
        return "mingru";
    }

    @Override
    public String description() {
        return "minimal GRU (gates from the input, one scan per layer), hidden 128, 2 layers, bidirectional, "
                + "linear readout per position";
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        ScanBlock block = new ScanBlock.MinGru(config.getInt("hidden"));
        return new ScanNet(shape, block, config.getInt("layers"), config.getBoolean("bidirectional"), backend, seed);
    }
}
