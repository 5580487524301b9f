package org.samplex.models.mlp;

import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * The feedforward baseline: flatten the (N, D) prompt, two ReLU layers, one output per position. Initialized as
 * torch.nn.Linear: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from the "init" stream.
 */
final class Mlp implements Learner {
    private final TaskShape shape;
    private final Parameters params;

    Mlp(TaskShape shape, MlpConfig config, Backend backend, long seed) {
        this.shape = shape;
        int in = Math.multiplyExact(shape.positions(), shape.inputWidth());
        params = Parameters.builder()
                .add("fc1.weight", config.width1(), in).add("fc1.bias", config.width1())
                .add("fc2.weight", config.width2(), config.width1()).add("fc2.bias", config.width2())
                .add("fc3.weight", shape.positions(), config.width2()).add("fc3.bias", shape.positions())
                .build(backend);
        try {
            initialize(RngStream.of(seed, "init"));
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    private void initialize(RngStream init) {
        for (String layer : new String[] {"fc1", "fc2", "fc3"}) {
            params.initializeLinear(layer, init);
        }
    }

    /** The twin of {@link #packed}: this shape reading other (packed) parameters. */
    private Mlp(TaskShape shape, Parameters params) {
        this.shape = shape;
        this.params = params;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Learner packed(Parameters packed) {
        packed.requirePackOf(params);
        return new Mlp(shape, packed);
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        int batch = input.dim(0);
        Tensor x = Ops.reshape(tape, input, batch, shape.positions() * shape.inputWidth()); // (B, N*D)
        Tensor h1 = Ops.linear(tape, x, params.get("fc1.weight"), params.get("fc1.bias"), Activation.RELU); // (B, w1)
        Tensor h2 = Ops.linear(tape, h1, params.get("fc2.weight"), params.get("fc2.bias"), Activation.RELU); // (B, w2)
        return Ops.linear(tape, h2, params.get("fc3.weight"), params.get("fc3.bias")); // (B, N)
    }

    /** Three linear layers and two ReLUs on the same tensors for every input of one shape; no state. */
    @Override
    public boolean replayable() {
        return true;
    }
}
