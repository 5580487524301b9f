package org.samplex.api.tape;

import java.util.Arrays;
import org.samplex.api.Buffer;

/**
 * A value on a backend with its shape and, when it takes part in differentiation, a gradient buffer.
 *
 * <p>Tensors own nothing: the value and gradient belong to a {@link Parameters} slab, a step {@link Arena}, or
 * the caller that made a constant. Shapes are row-major; the last axis is contiguous.
 */
public final class Tensor {
    private final Buffer value;
    private final int[] shape;
    private final boolean requiresGrad;
    private Buffer grad;

    Tensor(Buffer value, Buffer grad, boolean requiresGrad, int... shape) {
        long n = 1;
        for (int s : shape) {
            if (s <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a non-positive axis");
            }
            n *= s;
        }
        if (n != value.length()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but the buffer has " + value.length());
        }
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

    /** Number of elements. */
    public long size() {
        return value.length();
    }

    /** The product of all axes but the last: the row count when viewed as a matrix (rows, last). */
    public int rows() {
        return (int) (size() / shape[shape.length - 1]);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad ? " (grad)" : "");
    }
}
