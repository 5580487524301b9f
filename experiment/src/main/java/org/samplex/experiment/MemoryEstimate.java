package org.samplex.experiment;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;

/**
 * What a run will hold on its backend, worked out from shapes before anything is allocated, so that a run that
 * cannot fit is refused with the estimate and the parameter to change instead of ending in an OutOfMemoryError.
 *
 * <p>The learner's part is exact: the learner is built on a sizing backend whose buffers hold no memory and whose
 * kernels do nothing, and its allocations are added up (the parameter slabs: values, gradients and AdamW's two
 * moments). The test set's part is its shape: test size x N x (D + 1) values (inputs and labels). Activations of
 * a step and of an evaluation chunk are left out, so the estimate is a lower bound.
 *
 * @param parameters     the learner's scalar parameters, or -1 when the learner could not be sized
 * @param learnerBytes   bytes the learner allocates (0 when it could not be sized)
 * @param largestBuffer  elements of its largest single buffer
 * @param positions      N of the task, for messages
 * @param testSetBytes   bytes of the test set
 */
public record MemoryEstimate(long parameters, long learnerBytes, long largestBuffer, long testSetBytes,
                             int positions) {

    /** Bytes of everything estimated. */
    public long totalBytes() {
        return learnerBytes + testSetBytes;
    }

    /**
     * The estimate for {@code runs} such runs packed into one model ({@link PackedSession}): every part, the
     * largest buffer included (the packed parameter slabs), {@code runs} times this one's.
     */
    public MemoryEstimate times(int runs) {
        return new MemoryEstimate(parameters < 0 ? parameters : parameters * runs, learnerBytes * runs,
                largestBuffer * runs, testSetBytes * runs, positions);
    }

    /**
     * Whether this estimate fits {@code backend}: no buffer longer than it holds and, when it can tell, no more
     * bytes than it has free (the test {@link #check} makes, without its collection and its message).
     */
    public boolean fits(Backend backend) {
        long available = backend.memoryAvailable();
        return largestBuffer <= backend.maxBufferLength() && (available < 0 || totalBytes() <= available);
    }

    /** The estimate for a resolved spec on a backend of float type {@code dtype}. */
    public static MemoryEstimate of(RunSpec resolved, Task task, LearnerProvider learner, Config learnerConfig,
                                    DType dtype) {
        TaskShape shape = task.shape();
        long testSet = (long) resolved.testSize() * shape.positions() * (shape.inputWidth() + 1L) * dtype.bytes();
        Sizing sizing = new Sizing(dtype);
        Backend backend = sizing.backend();
        long parameters = -1;
        try (Learner l = learner.create(shape, learnerConfig, backend, resolved.seed())) {
            parameters = l.parameters().count();
        } catch (RuntimeException cannotBeSized) {
            // A learner that reads its buffers back while it is built cannot be sized without memory; its part
            // of the estimate is left out (the allocation itself still fails cleanly, or an OutOfMemoryError is
            // told in one line).
            return new MemoryEstimate(-1, 0, 0, testSet, shape.positions());
        }
        return new MemoryEstimate(parameters, sizing.bytes, sizing.largest, testSet, shape.positions());
    }

    /**
     * Refuses a run that cannot fit on {@code backend}: a single buffer longer than the backend allows, or more
     * bytes than it has free ({@link Backend#memoryAvailable}; not checked when it cannot tell).
     *
     * @throws IllegalArgumentException naming the estimate and the option to change
     */
    public void check(RunSpec resolved, Backend backend) {
        String n = String.valueOf(positions);
        String learnerSize = "lower --N (now " + n + ") or the learner's size options (samplex list learners)";
        if (largestBuffer > backend.maxBufferLength()) {
            throw new IllegalArgumentException("learner " + resolved.learner() + " at N = " + n + " needs one "
                    + "buffer of " + count(largestBuffer) + " values (its " + count(parameters) + " parameters), "
                    + "more than a buffer of backend " + backend.name() + " holds (" + count(backend.maxBufferLength())
                    + "): " + learnerSize);
        }
        long available = backend.memoryAvailable();
        if (available < 0 || totalBytes() <= available) {
            return;
        }
        // Garbage counts as used in a heap's free figure: look again after a collection before refusing.
        System.gc();
        available = backend.memoryAvailable();
        if (available < 0 || totalBytes() <= available) {
            return;
        }
        String change = testSetBytes >= learnerBytes
                ? "lower --test-size (now " + count(resolved.testSize()) + ")"
                : learnerSize;
        throw new IllegalArgumentException("the run does not fit in memory: it needs at least "
                + gib(totalBytes()) + " (learner " + resolved.learner() + ": " + (parameters < 0 ? "not sized"
                : count(parameters) + " parameters, " + gib(learnerBytes) + " with gradients and AdamW moments")
                + "; test set: "
                + count(resolved.testSize()) + " prompts, " + gib(testSetBytes) + ") and backend " + backend.name()
                + " has about " + gib(available) + " free: " + change + ", or give it more memory (the cpu and "
                + "reference backends use the Java heap: SAMPLEX_JAVA_OPTS=-Xmx" + suggestedHeap() + ")");
    }

    /** A heap that would hold the estimate with room for activations and the JVM's own needs. */
    private String suggestedHeap() {
        return (long) Math.ceil(totalBytes() * 1.5 / (1L << 30)) + "g";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A backend that allocates nothing: buffers are lengths, kernels do nothing; it adds up what was asked. */
    private static final class Sizing {
        private final DType dtype;
        long bytes;
        long largest;

        Sizing(DType dtype) {
            this.dtype = dtype;
        }

        Backend backend() {
            return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "allocate" -> allocate(args.length == 2 ? (DType) args[0] : dtype,
                                (Long) args[args.length - 1]);
                        case "name" -> "sizing";
                        case "dtype" -> dtype;
                        case "threads" -> 1;
                        case "maxBufferLength" -> Long.MAX_VALUE;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "sizing backend";
                        default -> defaultValue(method.getReturnType());
                    });
        }

        private Buffer allocate(DType type, long length) {
            bytes += length * type.bytes();
            largest = Math.max(largest, length);
            return new SizedBuffer(type, length);
        }

        private static Object defaultValue(Class<?> type) {
            if (!type.isPrimitive() || type == void.class) {
                return type == List.class ? List.of() : null;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == double.class) {
                return 0.0;
            }
            if (type == float.class) {
                return 0f;
            }
            if (type == long.class) {
                return 0L;
            }
            return type == int.class ? 0 : type == short.class ? (short) 0 : type == byte.class ? (byte) 0 : '\0';
        }
    }

    /** A buffer that is only a length. */
    private static final class SizedBuffer implements Buffer {
        private final DType type;
        private final long length;
        private boolean closed;

        SizedBuffer(DType type, long length) {
            this.type = type;
            this.length = length;
        }

        @Override
        public DType dtype() {
            return type;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public Buffer slice(long offset, long sliceLength) {
            return new SizedBuffer(type, sliceLength);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
