package org.samplex.api.tape;

import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * Differentiable sequence ops: fused multi-head attention, the GRU and LSTM cells and the linear scan. As in
 * {@link Ops}, forwards go through {@link Tape#forward} and every buffer an op needs (kept activations,
 * workspaces) is taken from the arena when the op is called, never in a closure, so a {@link Tape.Graph} replays
 * them without allocating.
 */
public final class SequenceOps {
    private SequenceOps() {
    }

    /**
     * Multi-head softmax attention over the N positions of each prompt.
     *
     * @param q (B, N, H*hd) queries, k and v likewise
     * @return (B, N, H*hd)
     */
    public static Tensor attention(Tape tape, Tensor q, Tensor k, Tensor v, int heads, double scale,
                                   boolean causal) {
        Backend be = tape.backend();
        Ops.sameSize("attention", q, k);
        Ops.sameSize("attention", q, v);
        int batch = q.dim(0);
        int positions = q.dim(1);
        int width = q.dim(2);
        if (q.rank() != 3 || width % heads != 0) {
            throw new IllegalArgumentException("attention: q " + q + " must be (B, N, H*hd) with H = " + heads);
        }
        int headWidth = width / heads;
        Tensor out = tape.output(tape.needsGrad(q, k, v), batch, positions, width);
        Buffer lse = tape.arena().allocate((long) batch * heads * positions);
        tape.forward(() -> be.attentionForward(out.value(), lse, q.value(), k.value(), v.value(), batch, positions,
                heads, headWidth, scale, causal));
        if (out.requiresGrad()) {
            tape.record("attention", () -> be.attentionBackward(tape.grad(q), tape.grad(k), tape.grad(v),
                    tape.grad(out), q.value(), k.value(), v.value(), out.value(), lse, batch, positions, heads,
                    headWidth, scale, causal));
        }
        return out;
    }

    /** The result of one GRU step: the new hidden state (B, h). */
    public static Tensor gruCell(Tape tape, Tensor gi, Tensor gh, Tensor hPrev) {
        Backend be = tape.backend();
        int batch = hPrev.dim(0);
        int hidden = hPrev.dim(1);
        checkGates("gruCell", gi, gh, batch, 3 * hidden);
        Tensor hNew = tape.output(tape.needsGrad(gi, gh, hPrev), batch, hidden);
        Buffer gates = tape.arena().allocate(3L * batch * hidden);
        tape.forward(() -> be.gruCellForward(hNew.value(), gates, gi.value(), gh.value(), hPrev.value(), batch,
                hidden));
        if (hNew.requiresGrad()) {
            tape.record("gruCell", () -> be.gruCellBackward(tape.grad(gi), tape.grad(gh), tape.grad(hPrev),
                    tape.grad(hNew), gates, gh.value(), hPrev.value(), batch, hidden));
        }
        return hNew;
    }

    /**
     * One GRU step whose gate inputs are columns [col0, col0 + 3h) of a wider gi (B, W) (every step's input
     * projection in one tensor), with the hidden projection's bias added here:
     * h' = gruCell(gi[:, col0..], gh + b_hh, hPrev), gh = h W_hh^T without bias. One backend call each way
     * ({@link Backend#gruStepForward}; one launch on cuda) where {@link Ops#sliceLast}, {@link Ops#biasAdd} and
     * {@link #gruCell} make three, with the same values and gradients: the bias's gradient is the column sums of
     * the gradient of gh + b_hh, added here after the cell's backward as the bias add's backward would. A packed
     * b_hh ({@link Tensor#pack}) is added by {@link Ops#biasAdd} first.
     *
     * @param gi     (B, W) input projections of all steps
     * @param gh     (B, 3h) the hidden projection without its bias (a zero constant at the first step)
     * @param biasHh (3h) b_hh
     * @return (B, h)
     */
    public static Tensor gruStep(Tape tape, Tensor gi, int col0, Tensor gh, Tensor biasHh, Tensor hPrev) {
        if (biasHh.pack() > 1) {
            gh = Ops.biasAdd(tape, gh, biasHh);                                       // (R B, 3h) per-run b_hh
            biasHh = null;
        }
        Backend be = tape.backend();
        int batch = hPrev.dim(0);
        int hidden = hPrev.dim(1);
        int width = gi.dim(-1);
        if (gi.rows() != batch || gh.size() != 3L * batch * hidden || (biasHh != null && biasHh.size() != 3L * hidden)) {
            throw new IllegalArgumentException("gruStep: gi " + gi + ", gh " + gh + " and b_hh " + biasHh
                    + " do not fit hPrev " + hPrev);
        }
        Tensor g = gh;
        Tensor b = biasHh;
        Tensor hNew = tape.output(tape.needsGrad(gi, gh, biasHh, hPrev), batch, hidden);
        Buffer gates = tape.arena().allocate(3L * batch * hidden);
        Buffer giT = tape.arena().allocate(3L * batch * hidden);
        Buffer ghb = tape.arena().allocate(3L * batch * hidden);
        tape.forward(() -> be.gruStepForward(hNew.value(), gates, giT, ghb, gi.value(), width, col0, g.value(),
                b == null ? null : b.value(), hPrev.value(), batch, hidden));
        if (hNew.requiresGrad()) {
            // the gradient of gh + b_hh: gh's own when it has one, else scratch zeroed by each backward
            Buffer scratch = g.requiresGrad() || b == null || !b.requiresGrad() ? null
                    : tape.arena().allocate(3L * batch * hidden);
            Buffer dGiT = tape.arena().allocate(3L * batch * hidden);
            tape.record("gruStep", () -> {
                Buffer dGhb = scratch != null ? scratch : tape.grad(g);
                if (scratch != null) {
                    be.fill(scratch, 0.0);
                }
                be.gruStepBackward(tape.grad(gi), dGiT, width, col0, dGhb, tape.grad(hPrev), tape.grad(hNew),
                        gates, ghb, hPrev.value(), batch, hidden);
                if (b != null && b.requiresGrad()) {
                    // ghb = gh + b  ->  db += colsum(dghb)
                    be.biasAddBackward(null, tape.grad(b), dGhb, batch, 3 * hidden);
                }
            });
        }
        return hNew;
    }

    /** The result of one LSTM step: new hidden and cell states, each (B, h). */
    public record LstmState(Tensor h, Tensor c) {
    }

    public static LstmState lstmCell(Tape tape, Tensor gi, Tensor gh, Tensor cPrev) {
        Backend be = tape.backend();
        int batch = cPrev.dim(0);
        int hidden = cPrev.dim(1);
        checkGates("lstmCell", gi, gh, batch, 4 * hidden);
        boolean grad = tape.needsGrad(gi, gh, cPrev);
        Tensor hNew = tape.output(grad, batch, hidden);
        Tensor cNew = tape.output(grad, batch, hidden);
        Buffer gates = tape.arena().allocate(4L * batch * hidden);
        tape.forward(() -> be.lstmCellForward(hNew.value(), cNew.value(), gates, gi.value(), gh.value(),
                cPrev.value(), batch, hidden));
        if (hNew.requiresGrad()) {
            // the gradient of the pre-activations: made here once, zeroed by each backward
            Buffer dPre = tape.arena().allocate(4L * batch * hidden);
            tape.record("lstmCell", () -> {
                be.fill(dPre, 0.0);
                be.lstmCellBackward(dPre, tape.grad(cPrev), tape.grad(hNew), tape.grad(cNew), gates, cPrev.value(),
                        cNew.value(), batch, hidden);
                // pre = gi + gh  ->  dgi += dpre, dgh += dpre
                be.addBackward(tape.grad(gi), tape.grad(gh), dPre, 4L * batch * hidden);
            });
        }
        return new LstmState(hNew, cNew);
    }

    /**
     * The linear recurrence h_t = a_t * h_{t-1} + b_t over the positions of each prompt, elementwise over the C
     * channels, from a zero state; reverse runs it from the last position to the first ({@link Backend#scanForward}).
     *
     * @param a (B, N, C) decay
     * @param b (B, N, C) input
     * @return h (B, N, C)
     */
    public static Tensor scan(Tape tape, Tensor a, Tensor b, boolean reverse) {
        Backend be = tape.backend();
        Ops.sameSize("scan", a, b);
        if (a.rank() != 3) {
            throw new IllegalArgumentException("scan: a " + a + " and b " + b + " must be (B, N, C)");
        }
        int batch = a.dim(0);
        int positions = a.dim(1);
        int channels = a.dim(2);
        Tensor h = tape.output(tape.needsGrad(a, b), batch, positions, channels);
        tape.forward(() -> be.scanForward(h.value(), a.value(), b.value(), batch, positions, channels, reverse));
        if (h.requiresGrad()) {
            // h_t = a_t h_{t-1} + b_t  ->  g_t = dh_t + a_{t+1} g_{t+1}; da_t += g_t h_{t-1}, db_t += g_t
            tape.record("scan", () -> be.scanBackward(tape.grad(a), tape.grad(b), tape.grad(h), a.value(), h.value(),
                    batch, positions, channels, reverse));
        }
        return h;
    }

    private static void checkGates(String op, Tensor gi, Tensor gh, int batch, int width) {
        if (gi.size() != (long) batch * width || gh.size() != (long) batch * width) {
            throw new IllegalArgumentException(op + ": gates " + gi + " and " + gh + " must be (" + batch + ", "
                    + width + ")");
        }
    }
}
