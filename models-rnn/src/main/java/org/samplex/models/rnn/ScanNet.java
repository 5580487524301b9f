package org.samplex.models.rnn;

import java.util.ArrayList;
import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * A stack of scan blocks ({@link ScanBlock}: Mamba or the minimal GRU) over the N tokens, then Linear(-> 1) at each
 * position, as the bi-GRU's readout. With two directions every layer runs a forward and a reversed block on the
 * same input and concatenates their outputs, as a bidirectional torch.nn.GRU does; layer l + 1 reads that
 * concatenation. Parameters: "layers.L." + the block's names for the forward block of layer L,
 * "layers.L.reverse." + the same for the reversed one, then readout.weight (1, dirs*out) and readout.bias (1),
 * U(+-1/sqrt(dirs*out)) from the "init" stream.
 */
final class ScanNet implements Learner {
    private final ScanBlock block;
    private final int layers;
    private final int directions;
    private final Parameters params;

    ScanNet(TaskShape shape, ScanBlock block, int layers, boolean bidirectional, Backend backend, long seed) {
        this.block = block;
        this.layers = layers;
        this.directions = bidirectional ? 2 : 1;
        int joined = Math.multiplyExact(directions, block.outWidth());
        Parameters.Builder b = Parameters.builder();
        for (int l = 0; l < layers; l++) {
            for (int dir = 0; dir < directions; dir++) {
                block.declare(b, prefix(l, dir), l == 0 ? shape.inputWidth() : joined);
            }
        }
        params = b.add("readout.weight", 1, joined).add("readout.bias", 1).build(backend);
        try {
            RngStream init = RngStream.of(seed, "init");
            for (int l = 0; l < layers; l++) {
                for (int dir = 0; dir < directions; dir++) {
                    block.initialize(params, prefix(l, dir), init);
                }
            }
            params.initializeLinear("readout", init);
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    private static String prefix(int layer, int dir) {
        return "layers." + layer + (dir == 0 ? "." : ".reverse.");
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        int batch = input.dim(0);
        int positions = input.dim(1);
        Tensor x = input; // (B, N, D)
        for (int l = 0; l < layers; l++) {
            List<Tensor> parts = new ArrayList<>(directions);
            for (int dir = 0; dir < directions; dir++) {
                parts.add(block.forward(tape, params, prefix(l, dir), x, dir == 1)); // (B, N, out)
            }
            x = directions == 1 ? parts.getFirst() : Ops.concatLast(tape, parts); // (B, N, dirs*out)
        }
        Tensor y = Ops.linear(tape, x, params.get("readout.weight"), params.get("readout.bias")); // (B, N, 1)
        return Ops.reshape(tape, y, batch, positions); // (B, N)
    }

    /** The ops depend only on N, the batch size and the configuration, never on the data. */
    @Override
    public boolean replayable() {
        return true;
    }
}
