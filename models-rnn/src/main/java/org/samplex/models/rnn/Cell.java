package org.samplex.models.rnn;

import org.samplex.api.Activation;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * One recurrent step: the only part that differs between the GRU, the LSTM and the Elman RNN. The scan over
 * positions, the two directions and the readout around it are shared ({@link RecurrentNet}).
 */
sealed interface Cell {

    /**
     * The state carried from one position to the next.
     *
     * @param h (B, h) hidden state, the output at this position
     * @param c (B, h) cell state of an LSTM; null for cells that have none
     */
    record State(Tensor h, Tensor c) {
    }

    /** Gate blocks per hidden unit: W_ih is (gates*h, D) and W_hh is (gates*h, h), as in PyTorch. */
    int gates();

    /** Whether the state has a cell part c. */
    default boolean hasCellState() {
        return false;
    }

    /**
     * The state after one step.
     *
     * @param gi (B, gates*h) x_t W_ih^T + b_ih
     * @param gh (B, gates*h) h_{t-1} W_hh^T + b_hh
     */
    State step(Tape tape, Tensor gi, Tensor gh, State prev);

    /** GRU, gates (r, z, n): h' = (1 - z) n + z h with n = tanh(gi_n + r * gh_n). */
    record Gru() implements Cell {
        @Override
        public int gates() {
            return 3;
        }

        @Override
        public State step(Tape tape, Tensor gi, Tensor gh, State prev) {
            return new State(SequenceOps.gruCell(tape, gi, gh, prev.h()), null); // (B, h)
        }
    }

    /** LSTM, gates (i, f, g, o): c' = f c + i g, h' = o tanh(c'). */
    record Lstm() implements Cell {
        @Override
        public int gates() {
            return 4;
        }

        @Override
        public boolean hasCellState() {
            return true;
        }

        @Override
        public State step(Tape tape, Tensor gi, Tensor gh, State prev) {
            SequenceOps.LstmState next = SequenceOps.lstmCell(tape, gi, gh, prev.c());
            return new State(next.h(), next.c()); // (B, h) each
        }
    }

    /** Elman RNN: h' = f(x W_ih^T + b_ih + h W_hh^T + b_hh), composed from plain ops (no dedicated kernel). */
    record Elman(Activation nonlinearity) implements Cell {
        @Override
        public int gates() {
            return 1;
        }

        @Override
        public State step(Tape tape, Tensor gi, Tensor gh, State prev) {
            return new State(Ops.activation(tape, nonlinearity, Ops.add(tape, gi, gh)), null); // (B, h)
        }
    }
}
