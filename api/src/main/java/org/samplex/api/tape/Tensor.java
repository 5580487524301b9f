package org.samplex.api.tape;

import java.util.Arrays;
import org.samplex.api.Buffer;

/**
 * A value on a backend with its shape and, when it takes part in differentiation, a gradient buffer.
 *
 * <p>Tensors own nothing: the value and gradient belong to a {@link Parameters} slab, a step {@link Arena}, or
 * the caller that made a constant. Shapes are row-major; the last axis is contiguous.
 *
 * <p>A packed tensor ({@link #pack} R > 1) is a parameter of R runs trained as one packed model
 * ({@link Parameters#pack}): its shape is one run's, and run r's copy starts {@code r * packStride} elements
 * into the value (and gradient) buffer. Only the ops that take parameters of packed models accept one
 * ({@link Ops#linear}, {@link Ops#biasAdd}); every other op refuses it.
 */
public final class Tensor {
    private final Buffer value;
    private final int[] shape;
    private final boolean requiresGrad;
    private final int pack;
    private final long packStride;
    private final long size;
    private Buffer grad;

    Tensor(Buffer value, Buffer grad, boolean requiresGrad, int... shape) {
        this(value, grad, requiresGrad, 1, 0, shape);
    }

    /** A tensor holding {@code pack} copies of {@code shape}, copy r at element {@code r * packStride}. */
    Tensor(Buffer value, Buffer grad, boolean requiresGrad, int pack, long packStride, int... shape) {
        long n = 1;
        for (int s : shape) {
            if (s <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a non-positive axis");
            }
            n *= s;
        }
        if (pack < 1 || (pack > 1 && packStride < n)) {
            throw new IllegalArgumentException("pack " + pack + " with stride " + packStride + " for shape "
                    + Arrays.toString(shape));
        }
        if ((pack - 1) * packStride + n != value.length()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + (pack > 1 ? " packed " + pack
                    + " times at stride " + packStride : "") + " has " + ((pack - 1) * packStride + n)
                    + " elements but the buffer has " + value.length());
        }
        this.pack = pack;
        this.packStride = pack > 1 ? packStride : 0;
        this.size = n;
        this.value = value;
        this.grad = grad;
        this.requiresGrad = requiresGrad;
        this.shape = shape.clone();
    }

    /** A tensor that is not differentiated (inputs, labels). */
    public static Tensor constant(Buffer value, int... shape) {
        return new Tensor(value, null, false, shape);
    }

    public Buffer value() {
        return value;
    }

    /** The gradient buffer, or null until backward first needs it (parameters have theirs from the start). */
    public Buffer gradOrNull() {
        return grad;
    }

    void setGrad(Buffer grad) {
        this.grad = grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements (of one run's copy, for a packed tensor). */
    public long size() {
        return size;
    }

    /** Runs whose copies this tensor holds: 1 unless it is a parameter of a packed model. */
    public int pack() {
        return pack;
    }

    /** Elements between one run's copy and the next's; 0 when {@link #pack} is 1. */
    public long packStride() {
        return packStride;
    }

    /** The product of all axes but the last: the row count when viewed as a matrix (rows, last). */
    public int rows() {
        return (int) (size() / shape[shape.length - 1]);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (pack > 1 ? " x" + pack + " runs" : "")
                + (requiresGrad ? " (grad)" : "");
    }
}
