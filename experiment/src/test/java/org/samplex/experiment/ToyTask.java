package org.samplex.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tensor;

/**
 * A task for the protocol's tests: y_i = scale * <u, x_i> with x_i ~ N(0, I_d) and a unit u from the task seed.
 * A linear learner can drive its error to 0, and a huge scale makes the squared error overflow. Prompt p of a
 * stream is substream p of that stream, so prompts are indexed as the Task contract requires.
 */
final class ToyTask implements Task {

    /** One call of {@link #batch}: which prompts of which split were drawn. */
    record Draw(Split split, String stream, long firstPrompt, int count) {
    }

    /** Every draw of every toy task, in order, so tests can see which prompts a protocol asked for. */
    static final List<Draw> DRAWS = Collections.synchronizedList(new ArrayList<>());

    /** Its provider, named "toy". */
    static final class Provider implements TaskProvider {
        private static final Schema SCHEMA = Schema.of("task 'toy'",
                Hyperparameter.integer("N", 3, 1, 64, "positions"),
                Hyperparameter.integer("d", 4, 1, 64, "content width"),
                Hyperparameter.real("scale", 1.0, 0, 1e300, "label scale"),
                Hyperparameter.integer("default-check-every", 5, 1, 1000, "what defaultCheckEvery() returns"));

        @Override
        public String name() {
            return "toy";
        }

        @Override
        public String description() {
            return "y_i = scale <u, x_i>";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Task create(Config config, long taskSeed) {
            return new ToyTask(config, taskSeed);
        }
    }

    private final TaskShape shape;
    private final double scale;
    private final int defaultCheckEvery;
    private final double[] u;

    private ToyTask(Config config, long taskSeed) {
        int n = config.getInt("N");
        int d = config.getInt("d");
        shape = new TaskShape(n, d, d, 1);
        scale = config.getReal("scale");
        defaultCheckEvery = config.getInt("default-check-every");
        RngStream stream = RngStream.of(taskSeed, "u");
        u = new double[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            u[i] = stream.normal(0, i);
            norm += u[i] * u[i];
        }
        for (int i = 0; i < d; i++) {
            u[i] /= Math.sqrt(norm);
        }
    }

    @Override
    public TaskShape shape() {
        return shape;
    }

    @Override
    public Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt, int count) {
        DRAWS.add(new Draw(split, stream.name(), firstPrompt, count));
        int n = shape.positions();
        int d = shape.contentWidth();
        Buffer x = arena.allocate((long) count * n * d); // (count, N, d)
        for (int p = 0; p < count; p++) {
            backend.fillNormal(x.slice((long) p * n * d, (long) n * d), stream, firstPrompt + p, 0, 1);
        }
        Buffer dir = arena.allocate(d);
        backend.copyFromHost(dir, u);
        Buffer y = arena.allocate((long) count * n); // (count, N)
        backend.gemm(false, false, count * n, 1, d, scale, x, dir, 0.0, y);
        return new Batch(Tensor.constant(x, count, n, d), Tensor.constant(y, count, n));
    }

    @Override
    public int defaultCheckEvery() {
        return defaultCheckEvery;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("N", shape.positions());
        m.put("d", shape.contentWidth());
        m.put("scale", scale);
        return m;
    }
}
