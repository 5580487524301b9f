package org.samplex.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.CheckedBackend;
import org.samplex.api.QstrPrompts;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.RefillChecks;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tensor;

/**
 * A configured qSTR task: its fixed positional code and link directions, drawn from the task seed, and prompt
 * generation as specified exactly in {@link QstrSampler}. Immutable and thread-safe (the staging that
 * {@link #refill} reuses is per thread).
 */
final class QstrTask implements Task {
    /** Host staging per upload, in doubles (8 MiB): bounds host memory for large test sets. */
    private static final int STAGING_ELEMENTS = 1 << 20;

    private final QstrConfig config;
    private final long taskSeed;
    private final QstrSampler sampler;
    private final TaskShape shape;
    /** Host staging of {@link #refill}, one per thread, so that a task shared by several runs stays safe. */
    private final ThreadLocal<Staging> staging;
    /** This task as a backend that generates qSTR prompts needs it, for each variant a split may ask for. */
    private final QstrPrompts generalPrompts;
    private final QstrPrompts simplePrompts;

    QstrTask(QstrConfig config, long taskSeed) {
        this.config = config;
        this.taskSeed = taskSeed;
        this.sampler = new QstrSampler(config, taskSeed);
        this.shape = new TaskShape(config.positions(), config.inputWidth(), config.contentWidth(), config.pointers());
        this.staging = ThreadLocal.withInitial(() -> new Staging(sampler.scratch()));
        this.generalPrompts = devicePrompts(false);
        this.simplePrompts = devicePrompts(true);
    }

    private QstrPrompts devicePrompts(boolean simpleVariant) {
        QstrConfig c = config;
        return new QstrPrompts(c.positions(), c.contentWidth(), c.pointers(), c.codeWidth(), c.link().ordinal(),
                simpleVariant, c.distinct(), c.resampled(), c.halfContent(), sampler.codeAmplitude(), c.noise(),
                sampler.scaledCode(), sampler.directions());
    }

    /**
     * Whether the backend generates these prompts itself ({@link Backend#generatesQstr}; distinct pointers only
     * up to {@link CheckedBackend#QSTR_MAX_DISTINCT} per token), so they never cross from the host.
     */
    private boolean onDevice(Backend backend) {
        return backend.generatesQstr() && !(config.distinct() && config.pointers() > CheckedBackend.QSTR_MAX_DISTINCT);
    }

    @Override
    public TaskShape shape() {
        return shape;
    }

    /**
     * Generates the prompts on the host in double precision and uploads them. On the CPU backends host memory is
     * the backend's memory, so the upload is a copy (rounded to float on {@code cpu}). A backend that generates
     * qSTR prompts itself (cuda: qstr.cu) writes them in place instead ({@link Backend#qstrPrompts}), the numbers
     * {@link QstrSampler} specifies.
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
        if (onDevice(backend)) {
            QstrPrompts task = config.simpleFor(split) ? simplePrompts : generalPrompts;
            backend.qstrPrompts(task, input, labels, stream, firstPrompt, count);
            return new Batch(Tensor.constant(input, count, n, width), Tensor.constant(labels, count, n));
        }
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

    /**
     * Generates the prompts on the host exactly as {@link #batch} does and uploads them into {@code into}'s buffers,
     * so the bits are those {@link #batch} returns. The host arrays are kept per thread and reused: once a thread
     * has refilled a batch of this size, a refill allocates nothing on the Java heap or the backend. They hold
     * B N (D + 1) doubles, the size of the batch.
     */
    @Override
    public void refill(Backend backend, Batch into, Split split, RngStream stream, long firstPrompt, long cycle) {
        int count = RefillChecks.check(shape, into, firstPrompt, cycle);
        long start = firstPrompt % cycle;
        long last = cycle - start <= count ? cycle - 1 : start + count - 1; // the largest prompt index drawn
        if (last >= (Long.MAX_VALUE >>> 4)) {
            throw new IllegalArgumentException("prompt indices must stay below 2^59, got up to " + last);
        }
        int n = shape.positions();
        int promptSize = n * shape.inputWidth();
        if (onDevice(backend)) {
            refillOnDevice(backend, into, split, stream, start, cycle, count);
            return;
        }
        Staging s = staging.get();
        checkStaging(count, promptSize);
        double[] hostInput = s.input(count * promptSize);
        double[] hostLabels = s.labels(count * n);
        boolean simple = config.simpleFor(split);
        for (int done = 0; done < count; ) {
            int m = (int) Math.min(count - done, cycle - start);
            sampler.prompts(stream, simple, start, m, hostInput, hostLabels, done, s.scratch);
            done += m;
            start = 0;
        }
        backend.copyFromHost(into.input().value(), hostInput);
        backend.copyFromHost(into.labels().value(), hostLabels);
    }

    /** The runs of consecutive prompts of a refill (they wrap at {@code cycle}), each generated by the backend. */
    private void refillOnDevice(Backend backend, Batch into, Split split, RngStream stream, long start, long cycle,
                                int count) {
        QstrPrompts task = config.simpleFor(split) ? simplePrompts : generalPrompts;
        long promptSize = (long) shape.positions() * shape.inputWidth();
        for (int done = 0; done < count; ) {
            int m = (int) Math.min(count - done, cycle - start);
            if (m == count) {
                backend.qstrPrompts(task, into.input().value(), into.labels().value(), stream, start, m);
            } else {
                backend.qstrPrompts(task, into.input().value().slice(done * promptSize, m * promptSize),
                        into.labels().value().slice((long) done * shape.positions(), (long) m * shape.positions()),
                        stream, start, m);
            }
            done += m;
            start = 0;
        }
    }

    /** As {@link #refill(Backend, Batch, Split, RngStream, long, long)}, one listed prompt per row; in place. */
    @Override
    public void refill(Backend backend, Batch into, Split split, RngStream stream, long[] prompts) {
        int count = RefillChecks.check(shape, into, prompts);
        int n = shape.positions();
        int promptSize = n * shape.inputWidth();
        checkStaging(count, promptSize);
        Staging s = staging.get();
        double[] hostInput = s.input(count * promptSize);
        double[] hostLabels = s.labels(count * n);
        boolean simple = config.simpleFor(split);
        for (int i = 0; i < count; i++) {
            if (prompts[i] >= (Long.MAX_VALUE >>> 4)) {
                throw new IllegalArgumentException("prompt indices must stay below 2^59, got " + prompts[i]);
            }
            sampler.prompts(stream, simple, prompts[i], 1, hostInput, hostLabels, i, s.scratch);
        }
        backend.copyFromHost(into.input().value(), hostInput);
        backend.copyFromHost(into.labels().value(), hostLabels);
    }

    private static void checkStaging(int count, int promptSize) {
        if ((long) count * promptSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("into holds " + count + " prompts of " + promptSize
                    + " numbers, more than one host array can stage; refill smaller batches");
        }
    }

    /** One thread's host arrays for {@link #refill}: the batch's inputs and labels and the sampler's scratch. */
    private static final class Staging {
        final QstrSampler.Scratch scratch;
        private double[] input = new double[0];
        private double[] labels = new double[0];

        Staging(QstrSampler.Scratch scratch) {
            this.scratch = scratch;
        }

        /** An array of exactly {@code length} doubles (copyFromHost takes whole arrays), reused while it fits. */
        double[] input(int length) {
            if (input.length != length) {
                input = new double[length];
            }
            return input;
        }

        double[] labels(int length) {
            if (labels.length != length) {
                labels = new double[length];
            }
            return labels;
        }
    }

    /**
     * Exact from the definition ({@link QstrSampler}): every projection p = &lt;u_l, x_j&gt; is N(0, 1), and
     * projections on orthonormal directions or of other tokens are independent; (p^2 - 1) / sqrt(2) has variance
     * 1 too. So linear, sumlinear and he2 labels have variance 1; mean's (1/q) sum_l p_{t_l} has
     * (q + q (q - 1) c) / q^2, where c is the chance that two pointers of a token coincide (1/N iid, 0 distinct);
     * sqnorm's (q d)^-1/2 sum_l (|x_t|^2 - E|x_t|^2) has 2 (1 + (q - 1) c), as Var |x|^2 = 2 d. With content=half
     * a pointer finds content with chance f = ceil(N/2) / N, which scales each of these (he2 with half content is
     * not worked out: NaN); label noise adds sigma^2. The test split of the simple variant has the same marginals.
     */
    @Override
    public double labelVariance() {
        int n = config.positions();
        int q = config.pointers();
        // f: the chance that a pointer lands on a token with content; coincide: that two iid pointers are equal
        double f = config.halfContent() ? (double) ((n + 1) / 2) / n : 1;
        double coincide = config.distinct() ? 0 : 1.0 / n;
        double variance = switch (config.link()) {
            // orthonormal u_l: the slots are uncorrelated even when their pointers coincide
            case LINEAR, SUMLINEAR -> f;
            case MEAN -> f * (q + q * (q - 1.0) * coincide) / ((double) q * q);
            // with content=half a token without content gives He2(0) = -1/sqrt(2): not worked out
            case HE2 -> config.halfContent() ? Double.NaN : 1;
            // Var |x|^2 = 2 d, so y has 2 f per slot and 2 f coincide per ordered pair of slots, over q
            case SQNORM -> 2 * f * (1 + (q - 1) * coincide);
        };
        return variance + config.noise() * config.noise();
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
