package org.samplex.models.rnn;

import java.util.ArrayList;
import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;

/** What the three recurrent providers share: the hidden and bidirectional settings and the network around the cell. */
abstract class RecurrentProvider implements LearnerProvider {
    private final Schema schema;

    /** @param extra the cell's own settings, listed after the shared ones */
    RecurrentProvider(String name, Hyperparameter... extra) {
        List<Hyperparameter> all = new ArrayList<>(List.of(
                Hyperparameter.integer("hidden", null, 1, 100_000,
                        "hidden width per direction (default " + RnnConfig.HIDDEN_PER_POINTER
                                + "*q, as the paper)"),
                Hyperparameter.bool("bidirectional", true, "also scan the prompt backwards and read out both states")));
        all.addAll(List.of(extra));
        this.schema = new Schema("learner '" + name + "'", all);
    }

    /** The step function for a validated config. */
    abstract Cell cell(Config config);

    @Override
    public final Schema schema() {
        return schema;
    }

    /** Parameters meet only linear layers and bias adds; cells, concat and slices act on each prompt's rows. */
    @Override
    public boolean packable() {
        return true;
    }

    @Override
    public final Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        return new RecurrentNet(shape, cell(config), RnnConfig.from(config, shape), backend, seed);
    }
}
