package org.samplex.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tensor;

/**
 * A configured qSTR task: its fixed positional code and link directions, drawn from the task seed, and prompt
 * generation as specified exactly in {@link QstrSampler}. Immutable and thread-safe.
 */
final class QstrTask implements Task {
    /** Host staging per upload, in doubles (8 MiB): bounds host memory for large test sets. */
    private static final int STAGING_ELEMENTS = 1 << 20;

    private final QstrConfig config;
    private final long taskSeed;
    private final QstrSampler sampler;
    private final TaskShape shape;

    QstrTask(QstrConfig config, long taskSeed) {
        this.config = config;
        this.taskSeed = taskSeed;
        this.sampler = new QstrSampler(config, taskSeed);
        this.shape = new TaskShape(config.positions(), config.inputWidth(), config.contentWidth(), config.pointers());
    }

    @Override
    public TaskShape shape() {
        return shape;
    }

    /**
     * Generates the prompts on the host in double precision and uploads them. On the CPU backends host memory is
     * the backend's memory, so the upload is a copy (rounded to float on {@code cpu}); the CUDA backend is to add
     * an on-device generator that reproduces exactly the numbers {@link QstrSampler} specifies.
     *
     * @return input (count, N, D) and labels (count, N), in arena memory
     */
    @Override
    public Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        if (firstPrompt < 0 || firstPrompt > (Long.MAX_VALUE >>> 4) - count) {
            throw new IllegalArgumentException("firstPrompt must be in [0, 2^59 - count), got " + firstPrompt);
        }
        int n = shape.positions();
        int width = shape.inputWidth();
        long promptSize = (long) n * width;
        Buffer input = arena.allocate(count * promptSize);   // (count, N, D)
        Buffer labels = arena.allocate((long) count * n);     // (count, N)
        boolean simple = config.simpleFor(split);
        int chunk = (int) Math.max(1, Math.min(count, STAGING_ELEMENTS / promptSize));
        double[] hostInput = new double[(int) (chunk * promptSize)];
        double[] hostLabels = new double[chunk * n];
        for (int start = 0; start < count; start += chunk) {
            int m = Math.min(chunk, count - start);
            if (m < chunk) {
                // copyFromHost takes whole arrays: the last, shorter chunk gets arrays of its own size
                hostInput = new double[(int) (m * promptSize)];
                hostLabels = new double[m * n];
            }
            sampler.prompts(stream, simple, firstPrompt + start, m, hostInput, hostLabels);
            backend.copyFromHost(input.slice(start * promptSize, m * promptSize), hostInput);
            backend.copyFromHost(labels.slice((long) start * n, (long) m * n), hostLabels);
        }
        return new Batch(Tensor.constant(input, count, n, width), Tensor.constant(labels, count, n));
    }

    /** The paper's evaluation interval: 100 steps for the simple variant, 10 for the general one. */
    @Override
    public int defaultCheckEvery() {
        return config.simple() ? 100 : 10;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(config.describe());
        m.put("task-seed", taskSeed);
        return Collections.unmodifiableMap(m);
    }

    /** The link directions u_l, (L, d) row-major (for tests). */
    double[] directions() {
        return sampler.directions();
    }

    /** L, the number of link directions (for tests). */
    int directionCount() {
        return sampler.directionCount();
    }
}
