package org.samplex.models.rnn;

import java.util.Arrays;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tensor;
import org.samplex.api.tape.Tape;

/**
 * A one-layer recurrent network over the N tokens, as torch.nn.GRU / LSTM / RNN(D, h, batch_first=True,
 * bidirectional=True), then Linear(directions*h -> 1) on the concatenated [forward, backward] state at each position.
 *
 * <p>Parameters carry PyTorch's names and order (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the same
 * with "_reverse", then readout.weight and readout.bias) and initialization: every recurrent weight and bias
 * U(-1/sqrt(h), 1/sqrt(h)), the readout U(-1/sqrt(fan_in), 1/sqrt(fan_in)), all from the "init" stream. The
 * initial state is zero.
 */
final class RecurrentNet implements Learner {
    private static final String[] SUFFIX = {"", "_reverse"};

    private final Cell cell;
    private final int hidden;
    private final int directions;
    private final Parameters params;

    RecurrentNet(TaskShape shape, Cell cell, RnnConfig config, Backend backend, long seed) {
        this.cell = cell;
        this.hidden = config.hidden();
        this.directions = config.directions();
        int gateWidth = Math.multiplyExact(cell.gates(), hidden); // G*h
        Parameters.Builder b = Parameters.builder();
        for (int dir = 0; dir < directions; dir++) {
            b.add("weight_ih_l0" + SUFFIX[dir], gateWidth, shape.inputWidth())
                    .add("weight_hh_l0" + SUFFIX[dir], gateWidth, hidden)
                    .add("bias_ih_l0" + SUFFIX[dir], gateWidth)
                    .add("bias_hh_l0" + SUFFIX[dir], gateWidth);
        }
        b.add("readout.weight", 1, directions * hidden).add("readout.bias", 1);
        params = b.build(backend);
        try {
            initialize(RngStream.of(seed, "init"));
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    private void initialize(RngStream init) {
        double recurrentBound = 1 / Math.sqrt(hidden);
        double readoutBound = 1 / Math.sqrt(directions * hidden);
        for (String name : params.names()) {
            params.initializeUniform(name, name.startsWith("readout.") ? readoutBound : recurrentBound, init);
        }
    }

    /** The twin of {@link #packed}: this cell and configuration reading other (packed) parameters. */
    private RecurrentNet(RecurrentNet of, Parameters params) {
        this.cell = of.cell;
        this.hidden = of.hidden;
        this.directions = of.directions;
        this.params = params;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Learner packed(Parameters packed) {
        packed.requirePackOf(params);
        return new RecurrentNet(this, packed);
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        int batch = input.dim(0);
        int positions = input.dim(1);
        // states[t * directions + dir] = h of direction dir at position t: [fwd_0, bwd_0, fwd_1, bwd_1, ...]
        Tensor[] states = new Tensor[positions * directions];
        for (int dir = 0; dir < directions; dir++) {
            scan(tape, input, dir, states);
        }
        Tensor all = Ops.concatLast(tape, Arrays.asList(states)); // (B, N*dirs*h)
        Tensor rows = Ops.reshape(tape, all, batch * positions, directions * hidden); // (B*N, dirs*h)
        Tensor y = Ops.linear(tape, rows, params.get("readout.weight"), params.get("readout.bias")); // (B*N, 1)
        return Ops.reshape(tape, y, batch, positions); // (B, N)
    }

    /**
     * The scan's ops depend only on N, the batch size and the configuration (the first step's skipped product
     * included), never on the data; no state is kept between calls.
     */
    @Override
    public boolean replayable() {
        return true;
    }

    /**
     * One direction's pass over the positions (t = 0..N-1 forward, N-1..0 reverse), writing each position's
     * hidden state into {@code states}. The input projection of all positions is one product; only the hidden
     * projection runs per step.
     */
    private void scan(Tape tape, Tensor input, int dir, Tensor[] states) {
        int batch = input.dim(0);
        int positions = input.dim(1);
        int gateWidth = cell.gates() * hidden;
        String s = SUFFIX[dir];
        Tensor weightHh = params.get("weight_hh_l0" + s);
        Tensor biasHh = params.get("bias_hh_l0" + s);
        Tensor weightIh = params.get("weight_ih_l0" + s);
        Tensor gi = Ops.linear(tape, input, weightIh, params.get("bias_ih_l0" + s)); // (B, N, G*h)
        gi = Ops.reshape(tape, gi, batch, positions * gateWidth); // (B, N*G*h)
        Cell.State state = initialState(tape, batch);
        if (cell instanceof Cell.Gru) {
            // one fused step per position (SequenceOps.gruStep): gi's columns and b_hh are read by the cell itself
            for (int step = 0; step < positions; step++) {
                int t = dir == 0 ? step : positions - 1 - step;
                Tensor ghRaw = step == 0 ? zeros(tape, batch, gateWidth)
                        : Ops.linear(tape, state.h(), weightHh, null); // (B, G*h) h W_hh^T
                Tensor h = SequenceOps.gruStep(tape, gi, t * gateWidth, ghRaw, biasHh, state.h()); // (B, h)
                state = new Cell.State(h, null);
                states[t * directions + dir] = h;
            }
            return;
        }
        for (int step = 0; step < positions; step++) {
            int t = dir == 0 ? step : positions - 1 - step;
            Tensor giT = Ops.sliceLast(tape, gi, t * gateWidth, gateWidth); // (B, G*h)
            // h_{-1} = 0, so the first hidden projection is b_hh alone: skip a product with zeros
            Tensor ghT = step == 0 ? Ops.biasAdd(tape, zeros(tape, batch, gateWidth), biasHh)
                    : Ops.linear(tape, state.h(), weightHh, biasHh); // (B, G*h)
            state = cell.step(tape, giT, ghT, state); // (B, h)
            states[t * directions + dir] = state.h();
        }
    }

    /** Zero h (and c). */
    private Cell.State initialState(Tape tape, int batch) {
        return new Cell.State(zeros(tape, batch, hidden), cell.hasCellState() ? zeros(tape, batch, hidden) : null);
    }

    /** A zero constant from the step arena, so no gradient flows into it; a replayed step zeroes it again. */
    private static Tensor zeros(Tape tape, int rows, int cols) {
        return Ops.zeros(tape, rows, cols); // (rows, cols)
    }
}
