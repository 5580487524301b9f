package org.samplex.testkit;

import java.util.Arrays;
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
 * A task for the bench's and the sweep's tests: y_i = sum_k x_ik with x ~ N(0, I_d), options "N" (default 3) and
 * "d". A linear learner can learn it exactly. Each test package picks the name, the default d and, if it wants one
 * other than {@link Task}'s, the default check interval.
 */
public final class SumTask implements TaskProvider {
    private final String name;
    private final Schema schema;
    /** Steps between checks when the spec does not say; 0 keeps {@link Task#defaultCheckEvery()}. */
    private final int checkEvery;

    /** A task named {@code name} whose content width defaults to {@code defaultWidth}. */
    public SumTask(String name, int defaultWidth) {
        this(name, defaultWidth, 0);
    }

    private SumTask(String name, int defaultWidth, int checkEvery) {
        this.name = name;
        this.schema = Schema.of("task '" + name + "'",
                Hyperparameter.integer("N", 3, 1, 64, "positions"),
                Hyperparameter.integer("d", defaultWidth, 1, 64, "content width"));
        this.checkEvery = checkEvery;
    }

    /** This task, except that its tasks check every {@code steps} steps by default. */
    public SumTask checkingEvery(int steps) {
        return new SumTask(name, schema.defaults().getInt("d"), steps);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "y_i = sum of x_i";
    }

    @Override
    public Schema schema() {
        return schema;
    }

    /** N is option {@code N}; no option sets q. */
    @Override
    public String axisOption(TaskShape.Axis axis) {
        return axis == TaskShape.Axis.POSITIONS ? "N" : null;
    }

    @Override
    public Task create(Config config, long taskSeed) {
        TaskShape shape = new TaskShape(config.getInt("N"), config.getInt("d"), config.getInt("d"), 1);
        return new Task() {
            @Override
            public TaskShape shape() {
                return shape;
            }

            @Override
            public Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt,
                               int count) {
                int n = shape.positions();
                int d = shape.contentWidth();
                Buffer x = arena.allocate((long) count * n * d); // (count, N, d)
                for (int p = 0; p < count; p++) {
                    backend.fillNormal(x.slice((long) p * n * d, (long) n * d), stream, firstPrompt + p, 0, 1);
                }
                Buffer ones = arena.allocate(d);
                double[] host = new double[d];
                Arrays.fill(host, 1);
                backend.copyFromHost(ones, host);
                Buffer y = arena.allocate((long) count * n); // (count, N)
                backend.gemm(false, false, count * n, 1, d, 1.0, x, ones, 0.0, y);
                return new Batch(Tensor.constant(x, count, n, d), Tensor.constant(y, count, n));
            }

            @Override
            public int defaultCheckEvery() {
                return checkEvery > 0 ? checkEvery : Task.super.defaultCheckEvery();
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("N", shape.positions(), "d", shape.contentWidth());
            }
        };
    }
}
