package org.samplex.models.transformer;

import java.util.Map;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * One softmax attention layer over all N positions (no residual, no LayerNorm, not causal), an optional output
 * projection, then a position-wise MLP Linear(-> m) ReLU Linear(m -> 1). Dimension letters: B batch, N positions,
 * D token width, H heads, hd head width (D, or D/H for split heads), m MLP width.
 *
 * <p>Parameters (names are part of the contract; see {@link TransformerProvider}): attn.q.weight, attn.k.weight,
 * attn.v.weight (H*hd, D) with biases attn.q.bias, attn.k.bias, attn.v.bias (H*hd); attn.out.weight (D, H*hd)
 * and attn.out.bias (D) when the output projection is on; mlp.fc1.weight (m, W), mlp.fc1.bias (m),
 * mlp.fc2.weight (1, m), mlp.fc2.bias (1), where W is D with the output projection and H*hd without. Head j
 * owns rows [j*hd, (j+1)*hd) of each in-projection.
 *
 * <p>Initialized as PyTorch's nn.MultiheadAttention and nn.Linear, from the "init" stream:
 * <ul>
 *   <li>in-projections: PyTorch applies xavier_uniform_ to the stacked (3D, D) in_proj_weight; here the stacked
 *       matrix is (3*H*hd, D), so every entry of W_Q, W_K, W_V is U(-a, a) with a = sqrt(6 / (D + 3*H*hd)).
 *       For H = 1 and for split heads this is PyTorch's bound exactly. In-projection biases are 0.</li>
 *   <li>output projection: Linear's weight default, U(+-1/sqrt(H*hd)); its bias 0, as MultiheadAttention's
 *       _reset_parameters sets it.</li>
 *   <li>MLP layers: weights and biases U(+-1/sqrt(fan_in)).</li>
 * </ul>
 */
final class Transformer implements Learner {
    private static final String[] IN_PROJECTIONS = {"attn.q", "attn.k", "attn.v"};

    private final TaskShape shape;
    private final TransformerConfig config;
    private final Parameters params;

    Transformer(TaskShape shape, TransformerConfig config, Backend backend, long seed) {
        this.shape = shape;
        this.config = config;
        int width = shape.inputWidth();
        int attn = config.attentionWidth(shape);
        int mlpIn = config.outProjection() ? width : attn;
        Parameters.Builder b = Parameters.builder();
        for (String p : IN_PROJECTIONS) {
            b.add(p + ".weight", attn, width).add(p + ".bias", attn);
        }
        if (config.outProjection()) {
            b.add("attn.out.weight", width, attn).add("attn.out.bias", width);
        }
        params = b.add("mlp.fc1.weight", config.mlpWidth(), mlpIn).add("mlp.fc1.bias", config.mlpWidth())
                .add("mlp.fc2.weight", 1, config.mlpWidth()).add("mlp.fc2.bias", 1)
                .build(backend);
        try {
            initialize(RngStream.of(seed, "init"));
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    private void initialize(RngStream init) {
        int width = shape.inputWidth();
        int attn = config.attentionWidth(shape);
        // xavier_uniform_ on the stacked (3*H*hd, D) in-projection: fan_in = D, fan_out = 3*H*hd
        double xavier = Math.sqrt(6.0 / (width + 3.0 * attn));
        for (String p : IN_PROJECTIONS) {
            params.initializeUniform(p + ".weight", xavier, init);
            params.initializeConstant(p + ".bias", 0.0);
        }
        if (config.outProjection()) {
            params.initializeUniform("attn.out.weight", 1 / Math.sqrt(attn), init);
            params.initializeConstant("attn.out.bias", 0.0);
        }
        params.initializeLinear("mlp.fc1", init);
        params.initializeLinear("mlp.fc2", init);
    }

    /** The twin of {@link #packed}: this configuration reading other (packed) parameters. */
    private Transformer(TaskShape shape, TransformerConfig config, Parameters params) {
        this.shape = shape;
        this.config = config;
        this.params = params;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Learner packed(Parameters packed) {
        packed.requirePackOf(params);
        return new Transformer(shape, config, packed);
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        if (input.rank() != 3 || input.dim(1) != shape.positions() || input.dim(2) != shape.inputWidth()) {
            throw new IllegalArgumentException("transformer: input " + input + " must be (B, " + shape.positions()
                    + ", " + shape.inputWidth() + ")");
        }
        int batch = input.dim(0);
        Tensor q = Ops.linear(tape, input, params.get("attn.q.weight"), params.get("attn.q.bias")); // (B, N, H*hd)
        Tensor k = Ops.linear(tape, input, params.get("attn.k.weight"), params.get("attn.k.bias")); // (B, N, H*hd)
        Tensor v = Ops.linear(tape, input, params.get("attn.v.weight"), params.get("attn.v.bias")); // (B, N, H*hd)
        double scale = 1 / Math.sqrt(config.headWidth(shape));
        Tensor y = SequenceOps.attention(tape, q, k, v, config.heads(), scale, false); // (B, N, H*hd)
        if (config.outProjection()) {
            y = Ops.linear(tape, y, params.get("attn.out.weight"), params.get("attn.out.bias")); // (B, N, D)
        }
        Tensor h = Ops.linear(tape, y, params.get("mlp.fc1.weight"), params.get("mlp.fc1.bias"),
                Activation.RELU); // (B, N, m)
        Tensor out = Ops.linear(tape, h, params.get("mlp.fc2.weight"), params.get("mlp.fc2.bias")); // (B, N, 1)
        return Ops.reshape(tape, out, batch, shape.positions()); // (B, N)
    }

    /** The same ops on the same tensors for every input of one shape: no data-dependent branch, no state. */
    @Override
    public boolean replayable() {
        return true;
    }

    /** Per head W_Q^T W_K and the attention weights on the prompt; see {@link Inspection}. */
    @Override
    public Map<String, double[][]> inspect(Tape tape, Tensor prompt) {
        if (prompt.rank() != 3 || prompt.dim(0) != 1 || prompt.dim(1) != shape.positions()
                || prompt.dim(2) != shape.inputWidth()) {
            throw new IllegalArgumentException("transformer: prompt " + prompt + " must be (1, " + shape.positions()
                    + ", " + shape.inputWidth() + ")");
        }
        double[] tokens = new double[Math.toIntExact(prompt.size())]; // (N, D)
        tape.backend().copyToHost(prompt.value(), tokens);
        return Inspection.of(params, params.valuesToHost(), config, shape, tokens);
    }
}
