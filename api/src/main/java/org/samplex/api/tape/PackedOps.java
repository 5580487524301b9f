package org.samplex.api.tape;

import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * The ops that take the parameters of a packed model: R runs of one learner trained as one
 * ({@link Parameters#pack}). A packed model's activations are ordinary tensors whose rows are the R runs' rows one
 * run after another, (R B, ...), so every op that acts row by row or element by element (attention, recurrent
 * cells, pointwise, concat, slice) already computes each run as it would alone; these ops are the ones that meet a
 * parameter or reduce over rows. Each issues, per run, the kernel call the unpacked op makes on that run's rows
 * (one strided batched product for all runs' products), so a run computes the same bits packed as alone on a
 * backend whose kernels give each row and each batched product the bits they give alone.
 *
 * <p>Slices of a buffer per run are made once ({@link RunSlices}), so a replayed step allocates nothing.
 */
final class PackedOps {
    private PackedOps() {
    }

    /**
     * y (R m, out) = f(x_r W_r^T + b_r) for each run r's m rows of x; W packed (out, in), b packed (out) or null,
     * f null for none ({@link Ops#linear}).
     */
    static Tensor linear(Tape tape, Tensor x, Tensor weight, Tensor bias, Activation f, int[] shape) {
        Backend be = tape.backend();
        int runs = weight.pack();
        int in = x.dim(-1);
        int out = weight.dim(0);
        if ((bias != null && bias.pack() != runs) || x.rows() % runs != 0) {
            throw new IllegalArgumentException("packed linear: x " + x + " must hold " + runs + " runs' rows, bias "
                    + bias + " must be packed like weight " + weight);
        }
        int rows = x.rows() / runs;
        Tensor y = tape.output(tape.needsGradPacked(x, weight, bias), shape);
        // one product per run: C_r = x_r W_r^T, runs at strides rows*in, the weight's pack stride, rows*out
        GemmSpec spec = new GemmSpec(false, true, rows, out, in, 1.0, in, (long) rows * in, in,
                weight.packStride(), out, (long) rows * out, runs);
        RunSlices yRuns = new RunSlices(runs, (long) rows * out, (long) rows * out);
        RunSlices biasRuns = bias == null ? null : new RunSlices(runs, bias.packStride(), out);
        long n = (long) x.rows() * out;
        tape.forward(() -> {
            spec.forward(be, x.value(), weight.value(), 0.0, y.value());
            if (bias != null) {
                Buffer[] ys = yRuns.of(y.value());
                Buffer[] bs = biasRuns.of(bias.value());
                for (int r = 0; r < runs; r++) {
                    if (f == null) {
                        be.biasAddForward(ys[r], ys[r], bs[r], rows, out);
                    } else {
                        be.biasActivationForward(f, ys[r], ys[r], bs[r], rows, out);
                    }
                }
            } else if (f != null) {
                be.activationForward(f, y.value(), y.value(), n);
            }
        });
        if (!y.requiresGrad()) {
            return y;
        }
        // the pre-activation of f: y's buffer stands in for its value (never read as such), as in Ops.linear
        Tensor pre = f == null ? y : new Tensor(y.value(), null, true, shape);
        RunSlices dPreRuns = new RunSlices(runs, (long) rows * out, (long) rows * out);
        RunSlices dBiasRuns = bias == null ? null : new RunSlices(runs, bias.packStride(), out);
        tape.record(f == null ? "linear" : "linear+" + f.name().toLowerCase(java.util.Locale.ROOT), () -> {
            Buffer dPre = tape.grad(pre);
            if (f != null) {
                // y = f(pre)  ->  dPre += f'(pre) dy, from y alone
                be.activationBackward(f, dPre, tape.grad(y), y.value(), y.value(), n);
            }
            if (bias != null) {
                // pre_r += b_r  ->  db_r += colsum(dPre_r)
                Buffer[] dPres = dPreRuns.of(dPre);
                Buffer[] dbs = dBiasRuns.of(tape.grad(bias));
                for (int r = 0; r < runs; r++) {
                    be.biasAddBackward(null, dbs[r], dPres[r], rows, out);
                }
            }
            // pre_r = x_r W_r^T  ->  dx_r += dPre_r W_r, dW_r += dPre_r^T x_r
            spec.backward(be, tape.grad(x), tape.grad(weight), dPre, x.value(), weight.value());
        });
        return y;
    }

    /** out (R m, cols) = x_r + bias_r (cols) broadcast over run r's m rows; bias packed ({@link Ops#biasAdd}). */
    static Tensor biasAdd(Tape tape, Tensor x, Tensor bias) {
        Backend be = tape.backend();
        int runs = bias.pack();
        int cols = x.dim(-1);
        if (x.rows() % runs != 0 || bias.size() != cols) {
            throw new IllegalArgumentException("packed biasAdd: x " + x + " must hold " + runs
                    + " runs' rows of bias " + bias + "'s width");
        }
        int rows = x.rows() / runs;
        long part = (long) rows * cols;
        Tensor y = tape.output(tape.needsGradPacked(x, bias), x.shape());
        RunSlices xRuns = new RunSlices(runs, part, part);
        RunSlices yRuns = new RunSlices(runs, part, part);
        RunSlices biasRuns = new RunSlices(runs, bias.packStride(), cols);
        tape.forward(() -> {
            Buffer[] xs = xRuns.of(x.value());
            Buffer[] ys = yRuns.of(y.value());
            Buffer[] bs = biasRuns.of(bias.value());
            for (int r = 0; r < runs; r++) {
                be.biasAddForward(ys[r], xs[r], bs[r], rows, cols);
            }
        });
        if (y.requiresGrad()) {
            RunSlices dxRuns = new RunSlices(runs, part, part);
            RunSlices dyRuns = new RunSlices(runs, part, part);
            RunSlices dBiasRuns = new RunSlices(runs, bias.packStride(), cols);
            tape.record("biasAdd", () -> {
                Buffer dx = tape.grad(x);
                Buffer[] dxs = dx == null ? null : dxRuns.of(dx);
                Buffer[] dys = dyRuns.of(tape.grad(y));
                Buffer[] dbs = dBiasRuns.of(tape.grad(bias));
                for (int r = 0; r < runs; r++) {
                    // y_r = x_r + b_r  ->  dx_r += dy_r, db_r += colsum(dy_r)
                    be.biasAddBackward(dxs == null ? null : dxs[r], dbs[r], dys[r], rows, cols);
                }
            });
        }
        return y;
    }

    /** loss (R): loss_r = the mean of (pred - target)^2 over run r's part of pred ({@link Ops#mse(Tape, Tensor, Tensor, int)}). */
    static Tensor mse(Tape tape, Tensor pred, Tensor target, int runs) {
        Backend be = tape.backend();
        Ops.sameSize("mse", pred, target);
        if (pred.size() % runs != 0) {
            throw new IllegalArgumentException("mse of " + runs + " runs: " + pred + " does not split into "
                    + runs + " equal parts");
        }
        long n = pred.size() / runs;
        Tensor loss = tape.output(tape.needsGrad(pred), runs);
        RunSlices lossRuns = new RunSlices(runs, 1, 1);
        RunSlices predRuns = new RunSlices(runs, n, n);
        RunSlices targetRuns = new RunSlices(runs, n, n);
        tape.forward(() -> {
            Buffer[] ls = lossRuns.of(loss.value());
            Buffer[] ps = predRuns.of(pred.value());
            Buffer[] ts = targetRuns.of(target.value());
            for (int r = 0; r < runs; r++) {
                be.mseForward(ls[r], ps[r], ts[r], n);
            }
        });
        if (loss.requiresGrad()) {
            RunSlices dPredRuns = new RunSlices(runs, n, n);
            RunSlices dLossRuns = new RunSlices(runs, 1, 1);
            tape.record("mse", () -> {
                Buffer[] dps = dPredRuns.of(tape.grad(pred));
                Buffer[] dls = dLossRuns.of(tape.grad(loss));
                Buffer[] ps = predRuns.of(pred.value());
                Buffer[] ts = targetRuns.of(target.value());
                for (int r = 0; r < runs; r++) {
                    be.mseBackward(dps[r], dls[r], ps[r], ts[r], n);
                }
            });
        }
        return loss;
    }

    /** Views of each run's part of a buffer, [r stride, r stride + length), made again only for a new buffer. */
    static final class RunSlices {
        private final int runs;
        private final long stride;
        private final long length;
        private Buffer root;
        private Buffer[] parts;

        RunSlices(int runs, long stride, long length) {
            this.runs = runs;
            this.stride = stride;
            this.length = length;
        }

        Buffer[] of(Buffer buffer) {
            if (buffer != root) {
                Buffer[] made = new Buffer[runs];
                for (int r = 0; r < runs; r++) {
                    made[r] = buffer.slice(r * stride, length);
                }
                parts = made;
                root = buffer;
            }
            return parts;
        }
    }
}
