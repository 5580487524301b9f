package org.samplex.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tensor;

/**
 * The training prompts of each step of a run (docs/qstr.md section 4): step s gets items [s B, (s + 1) B) of the
 * training order. Online, item k is prompt k of {@code RngStream.of(seed, "train")}; with a fixed set of n prompts
 * it is prompt pi_e(k mod n), as {@link FixedSetOrder} specifies (the identity unless shuffled). One per run.
 */
final class TrainBatches {
    private final RunSpec spec;
    private final Task task;
    private final Backend backend;
    private final RngStream train;
    /** The fixed set's order when shuffled, else null (the unshuffled order is k mod n, drawn in runs). */
    private final FixedSetOrder shuffled;
    private final long[] indices;

    TrainBatches(RunSpec spec, Task task, Backend backend) {
        this.spec = spec;
        this.task = task;
        this.backend = backend;
        this.train = RngStream.of(spec.seed(), "train");
        this.shuffled = spec.shuffle() ? new FixedSetOrder(spec.trainSet(), true, spec.seed()) : null;
        this.indices = new long[spec.shuffle() ? spec.batch() : 0];
    }

    /**
     * The batch of step {@code step}, drawn into the arena: online, prompts [s B, (s + 1) B); fixed and in order,
     * prompts (s B + i) mod n, drawn as the runs of consecutive indices between wrap-arounds and joined on the
     * backend; shuffled, buffers of the batch's shape written with the listed prompts (nothing drawn twice).
     */
    Batch draw(Arena arena, long step) {
        int batch = spec.batch();
        long first = step * batch;
        Long n = spec.trainSet();
        if (shuffled != null) {
            TaskShape s = task.shape();
            Batch b = new Batch(
                    Tensor.constant(arena.allocate((long) batch * s.positions() * s.inputWidth()), batch,
                            s.positions(), s.inputWidth()),                                           // (B, N, D)
                    Tensor.constant(arena.allocate((long) batch * s.positions()), batch, s.positions())); // (B, N)
            refill(b, step);
            return b;
        }
        if (n == null || first % n + batch <= n) {
            return task.batch(backend, arena, Task.Split.TRAIN, train, n == null ? first : first % n, batch);
        }
        List<Batch> runs = new ArrayList<>();
        for (int done = 0; done < batch; ) {
            long start = (first + done) % n;
            int count = (int) Math.min(batch - done, n - start);
            runs.add(task.batch(backend, arena, Task.Split.TRAIN, train, start, count));
            done += count;
        }
        return new Batch(join(arena, runs.stream().map(Batch::input).toList()),
                join(arena, runs.stream().map(Batch::labels).toList()));
    }

    /** Writes step {@code step}'s prompts, as {@link #draw} draws them, into a batch drawn earlier. */
    void refill(Batch into, long step) {
        long first = step * spec.batch();
        Long n = spec.trainSet();
        if (shuffled != null) {
            shuffled.prompts(first, indices);
            task.refill(backend, into, Task.Split.TRAIN, train, indices);
        } else if (n == null) {
            task.refill(backend, into, Task.Split.TRAIN, train, first);
        } else {
            task.refill(backend, into, Task.Split.TRAIN, train, first % n, n);
        }
    }

    /** Tensors stacked along their first axis: as row-major buffers, one row that is their concatenation. */
    private Tensor join(Arena arena, List<Tensor> parts) {
        int[] widths = new int[parts.size()];
        List<Buffer> buffers = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.toIntExact(parts.get(i).size());
            buffers.add(parts.get(i).value());
            rows += parts.get(i).dim(0);
        }
        Buffer out = arena.allocate(Arrays.stream(widths).asLongStream().sum());
        backend.concatLastForward(out, buffers, 1, widths);
        int[] shape = parts.getFirst().shape().clone();
        shape[0] = rows;
        return Tensor.constant(out, shape);
    }
}
