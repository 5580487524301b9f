package org.samplex.api.tape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * Differentiable ops on dense tensors: one backend kernel family per op, forward run at once through
 * {@link Tape#forward} (so a captured step replays it), backward recorded on the tape. Each backward adds into its
 * inputs' gradients and quotes the forward line it differentiates. Forward and backward closures read only
 * buffers and sizes fixed when the op was called and allocate nothing, so a {@link Tape.Graph} of these ops
 * replays without garbage.
 */
public final class Ops {
    private Ops() {
    }

    /** A general strided batched product; {@code outShape} must hold batch * strideC elements laid out by the spec. */
    public static Tensor gemm(Tape tape, GemmSpec spec, Tensor a, Tensor b, int... outShape) {
        Backend be = tape.backend();
        Tensor c = tape.output(tape.needsGrad(a, b), outShape);
        tape.forward(() -> spec.forward(be, a.value(), b.value(), 0.0, c.value()));
        if (c.requiresGrad()) {
            tape.record("gemm", () -> spec.backward(be, tape.grad(a), tape.grad(b), tape.grad(c), a.value(),
                    b.value()));
        }
        return c;
    }

    /**
     * A constant of zeros (no gradient) from the tape's arena, for example an initial recurrent state. The fill is
     * a forward kernel, so a replayed step zeroes it again.
     */
    public static Tensor zeros(Tape tape, int... shape) {
        return constant(tape, 0.0, shape);
    }

    /** A constant filled with {@code value} (no gradient), from the tape's arena; a replayed step fills it again. */
    public static Tensor constant(Tape tape, double value, int... shape) {
        Backend be = tape.backend();
        Tensor z = tape.output(false, shape);
        tape.forward(() -> be.fill(z.value(), value));
        return z;
    }

    /**
     * The same elements under another shape (row-major order kept). The value is shared; the gradient is the
     * output's own buffer, added back into x's in backward.
     */
    public static Tensor reshape(Tape tape, Tensor x, int... shape) {
        Backend be = tape.backend();
        Tensor y = new Tensor(x.value(), null, tape.needsGrad(x), shape);
        if (y.requiresGrad()) {
            tape.record("reshape", () -> be.addBackward(tape.grad(x), null, tape.grad(y), x.size()));
        }
        return y;
    }

    /**
     * y (R, out) = x (R, in) W^T + b, with W (out, in) and b (out) as in torch.nn.Linear; b may be null. With a
     * packed weight ({@link Tensor#pack} P), x holds P runs' rows one run after another and run p's rows meet W_p
     * and b_p ({@link PackedOps}).
     */
    public static Tensor linear(Tape tape, Tensor x, Tensor weight, Tensor bias) {
        Backend be = tape.backend();
        int rows = x.rows();
        int in = x.dim(-1);
        int out = weight.dim(0);
        int[] shape = linearShape(x, weight, bias);
        if (weight.pack() > 1) {
            return PackedOps.linear(tape, x, weight, bias, null, shape);
        }
        Tensor y = tape.output(tape.needsGrad(x, weight, bias), shape);
        GemmSpec spec = GemmSpec.dense(false, true, rows, out, in);
        tape.forward(() -> {
            spec.forward(be, x.value(), weight.value(), 0.0, y.value());
            if (bias != null) {
                be.biasAddForward(y.value(), y.value(), bias.value(), rows, out);
            }
        });
        if (y.requiresGrad()) {
            tape.record("linear", () -> {
                Buffer dy = tape.grad(y);
                if (bias != null) {
                    // y += b  ->  db += colsum(dy)
                    be.biasAddBackward(null, tape.grad(bias), dy, rows, out);
                }
                // y = x W^T  ->  dx += dy W, dW += dy^T x
                spec.backward(be, tape.grad(x), tape.grad(weight), dy, x.value(), weight.value());
            });
        }
        return y;
    }

    /**
     * y = f(x W^T + b): {@link #linear} and {@link #activation} in two kernel calls instead of three, the bias and
     * the activation fused ({@link Backend#biasActivationForward}). The pre-activation is not kept (its gradient
     * follows from y), so this saves a pass and an activation buffer; the values and gradients are those of the
     * two ops composed. b may be null.
     */
    public static Tensor linear(Tape tape, Tensor x, Tensor weight, Tensor bias, Activation f) {
        Backend be = tape.backend();
        int rows = x.rows();
        int in = x.dim(-1);
        int out = weight.dim(0);
        if (f == null) {
            throw new IllegalArgumentException("linear: activation must be one of "
                    + Arrays.toString(Activation.values()) + ", got null");
        }
        int[] shape = linearShape(x, weight, bias);
        if (weight.pack() > 1) {
            return PackedOps.linear(tape, x, weight, bias, f, shape);
        }
        Tensor y = tape.output(tape.needsGrad(x, weight, bias), shape);
        // the pre-activation: y's buffer stands in for its value (never read as such), its gradient is its own
        Tensor pre = new Tensor(y.value(), null, y.requiresGrad(), shape);
        GemmSpec spec = GemmSpec.dense(false, true, rows, out, in);
        long n = (long) rows * out;
        tape.forward(() -> {
            spec.forward(be, x.value(), weight.value(), 0.0, y.value());
            if (bias != null) {
                be.biasActivationForward(f, y.value(), y.value(), bias.value(), rows, out);
            } else {
                be.activationForward(f, y.value(), y.value(), n);
            }
        });
        if (y.requiresGrad()) {
            tape.record("linear+" + f.name().toLowerCase(java.util.Locale.ROOT), () -> {
                Buffer dPre = tape.grad(pre);
                // y = f(pre)  ->  dPre += f'(pre) dy, from y alone
                be.activationBackward(f, dPre, tape.grad(y), y.value(), y.value(), n);
                if (bias != null) {
                    // pre += b  ->  db += colsum(dPre)
                    be.biasAddBackward(null, tape.grad(bias), dPre, rows, out);
                }
                // pre = x W^T  ->  dx += dPre W, dW += dPre^T x
                spec.backward(be, tape.grad(x), tape.grad(weight), dPre, x.value(), weight.value());
            });
        }
        return y;
    }

    /** The output shape of x W^T + b: x's with its last extent W's rows; W (out, in) and b (out) must fit x. */
    private static int[] linearShape(Tensor x, Tensor weight, Tensor bias) {
        int out = weight.dim(0);
        if (weight.dim(1) != x.dim(-1) || (bias != null && bias.size() != out)) {
            throw new IllegalArgumentException("linear: x " + x + ", weight " + weight + ", bias " + bias);
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return shape;
    }

    /** out (rows, cols) = x + bias (cols), broadcast over rows; a packed bias as in {@link #linear}. */
    public static Tensor biasAdd(Tape tape, Tensor x, Tensor bias) {
        if (bias.pack() > 1) {
            return PackedOps.biasAdd(tape, x, bias);
        }
        Backend be = tape.backend();
        int cols = x.dim(-1);
        int rows = x.rows();
        Tensor y = tape.output(tape.needsGrad(x, bias), x.shape());
        tape.forward(() -> be.biasAddForward(y.value(), x.value(), bias.value(), rows, cols));
        if (y.requiresGrad()) {
            tape.record("biasAdd", () -> be.biasAddBackward(tape.grad(x), tape.grad(bias), tape.grad(y), rows, cols));
        }
        return y;
    }

    /** y = f(x) elementwise. */
    public static Tensor activation(Tape tape, Activation f, Tensor x) {
        Backend be = tape.backend();
        Tensor y = tape.output(tape.needsGrad(x), x.shape());
        tape.forward(() -> be.activationForward(f, y.value(), x.value(), x.size()));
        if (y.requiresGrad()) {
            tape.record(f.name().toLowerCase(java.util.Locale.ROOT), () -> be.activationBackward(f, tape.grad(x),
                    tape.grad(y), x.value(), y.value(), x.size()));
        }
        return y;
    }

    public static Tensor relu(Tape tape, Tensor x) {
        return activation(tape, Activation.RELU, x);
    }

    public static Tensor tanh(Tape tape, Tensor x) {
        return activation(tape, Activation.TANH, x);
    }

    public static Tensor sigmoid(Tape tape, Tensor x) {
        return activation(tape, Activation.SIGMOID, x);
    }

    /** out = a + b (same shape). */
    public static Tensor add(Tape tape, Tensor a, Tensor b) {
        Backend be = tape.backend();
        sameSize("add", a, b);
        Tensor y = tape.output(tape.needsGrad(a, b), a.shape());
        tape.forward(() -> be.addForward(y.value(), a.value(), b.value(), a.size()));
        if (y.requiresGrad()) {
            tape.record("add", () -> be.addBackward(tape.grad(a), tape.grad(b), tape.grad(y), a.size()));
        }
        return y;
    }

    /** out = a * b elementwise (same shape). */
    public static Tensor mul(Tape tape, Tensor a, Tensor b) {
        Backend be = tape.backend();
        sameSize("mul", a, b);
        Tensor y = tape.output(tape.needsGrad(a, b), a.shape());
        tape.forward(() -> be.mulForward(y.value(), a.value(), b.value(), a.size()));
        if (y.requiresGrad()) {
            tape.record("mul", () -> be.mulBackward(tape.grad(a), tape.grad(b), tape.grad(y), a.value(), b.value(),
                    a.size()));
        }
        return y;
    }

    /** The scalar mean of (pred - target)^2 over all elements; target is not differentiated. */
    public static Tensor mse(Tape tape, Tensor pred, Tensor target) {
        Backend be = tape.backend();
        sameSize("mse", pred, target);
        Tensor loss = tape.output(tape.needsGrad(pred), 1);
        tape.forward(() -> be.mseForward(loss.value(), pred.value(), target.value(), pred.size()));
        if (loss.requiresGrad()) {
            tape.record("mse", () -> be.mseBackward(tape.grad(pred), tape.grad(loss), pred.value(), target.value(),
                    pred.size()));
        }
        return loss;
    }

    /**
     * One loss per run of a packed model: loss (runs), loss_p = the mean of (pred - target)^2 over the p-th of
     * {@code runs} equal parts of pred, each part the kernel call {@link #mse(Tape, Tensor, Tensor)} makes on one
     * run's predictions. A backward seeds every element with 1, so each run's parameters get its own loss's
     * gradient. With runs 1 it is that op.
     */
    public static Tensor mse(Tape tape, Tensor pred, Tensor target, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("mse: runs must be at least 1, got " + runs);
        }
        return runs == 1 ? mse(tape, pred, target) : PackedOps.mse(tape, pred, target, runs);
    }

    /** out (n, w) row r = table (rows, w) row index[r]; index is an INT32 buffer of n entries. */
    public static Tensor gatherRows(Tape tape, Tensor table, Buffer index, int n) {
        Backend be = tape.backend();
        int w = table.dim(-1);
        Tensor y = tape.output(tape.needsGrad(table), n, w);
        tape.forward(() -> be.gatherRowsForward(y.value(), table.value(), index, n, w));
        if (y.requiresGrad()) {
            tape.record("gatherRows", () -> be.gatherRowsBackward(tape.grad(table), tape.grad(y), index, n, w));
        }
        return y;
    }

    /** The parts side by side along the last axis; all parts have the same leading axes. */
    public static Tensor concatLast(Tape tape, List<Tensor> parts) {
        Backend be = tape.backend();
        int rows = parts.getFirst().rows();
        int[] widths = new int[parts.size()];
        int total = 0;
        List<Buffer> values = new ArrayList<>(parts.size());
        for (int p = 0; p < parts.size(); p++) {
            Tensor t = parts.get(p);
            if (t.rows() != rows) {
                throw new IllegalArgumentException("concatLast: part " + p + " " + t + " has " + t.rows()
                        + " rows, part 0 has " + rows);
            }
            widths[p] = t.dim(-1);
            total += widths[p];
            values.add(t.value());
        }
        int[] shape = parts.getFirst().shape();
        shape[shape.length - 1] = total;
        Tensor y = tape.output(tape.needsGrad(parts.toArray(Tensor[]::new)), shape);
        tape.forward(() -> be.concatLastForward(y.value(), values, rows, widths));
        if (y.requiresGrad()) {
            Tensor[] inputs = parts.toArray(Tensor[]::new);
            Buffer[] gradArray = new Buffer[inputs.length];
            List<Buffer> grads = Arrays.asList(gradArray); // a view of gradArray: filled per backward, no garbage
            tape.record("concatLast", () -> {
                for (int p = 0; p < inputs.length; p++) {
                    gradArray[p] = tape.grad(inputs[p]);
                }
                be.concatLastBackward(grads, tape.grad(y), rows, widths);
            });
        }
        return y;
    }

    /** Columns [col0, col0 + width) of x along its last axis. */
    public static Tensor sliceLast(Tape tape, Tensor x, int col0, int width) {
        Backend be = tape.backend();
        int inWidth = x.dim(-1);
        if (col0 < 0 || width <= 0 || col0 + width > inWidth) {
            throw new IllegalArgumentException("sliceLast: columns [" + col0 + ", " + (col0 + width) + ") of " + x);
        }
        int rows = x.rows();
        int[] shape = x.shape();
        shape[shape.length - 1] = width;
        Tensor y = tape.output(tape.needsGrad(x), shape);
        tape.forward(() -> be.sliceLastForward(y.value(), x.value(), rows, inWidth, col0, width));
        if (y.requiresGrad()) {
            tape.record("sliceLast", () -> be.sliceLastBackward(tape.grad(x), tape.grad(y), rows, inWidth, col0,
                    width));
        }
        return y;
    }

    static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": " + a + " and " + b + " differ in size");
        }
    }
}
