package org.samplex.examples.linearattention;

import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.GemmSpec;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * Kernelized ("linear") attention over all N positions, not causal, then a position-wise MLP:
 *
 * <pre>
 *   Q = phi(x W_Q^T + b_Q)            (B, N, F)    phi = ReLU or sigmoid: non-negative features
 *   K = phi(x W_K^T + b_K)            (B, N, F)
 *   V = x W_V^T + b_V                 (B, N, D)
 *   S = K^T V / N                     (B, F, D)    one (F, D) summary per prompt: O(N F D), not O(N^2)
 *   y = Q S                           (B, N, D)    y_i = (1/N) sum_j (phi(q_i) . phi(k_j)) v_j
 *   out = fc2(ReLU(fc1(y)))           (B, N)
 * </pre>
 *
 * <p>Softmax attention weighs v_j by exp(q_i . k_j); here the weight is the dot product of feature maps, so the
 * sum over j can be done once per prompt (S) instead of once per query. The weights are not normalized (there is
 * no division op), the 1/N keeps their scale independent of N, and the MLP learns the rest. With F >= N ReLU
 * features the layer can still retrieve: a feature f of q_i that fires only when q_i's pointer code is E_f, and the
 * same feature of k_j firing only when j = f, give phi(q_i) . phi(k_j) = [t_i = j].
 *
 * <p>Dimension letters: B batch, N positions, D token width, F features, m MLP width. Every op is an api op
 * ({@link Ops#linear}, {@link Ops#gemm}, {@link Ops#reshape}), so the tape derives the backward and every backend
 * runs it. Parameters (initialized as torch.nn.Linear: U(+-1/sqrt(fan_in)) from the "init" stream):
 * attn.q.weight, attn.k.weight (F, D), attn.q.bias, attn.k.bias (F); attn.v.weight (D, D), attn.v.bias (D);
 * mlp.fc1.weight (m, D), mlp.fc1.bias (m), mlp.fc2.weight (1, m), mlp.fc2.bias (1).
 */
final class LinearAttention implements Learner {
    private static final String[] LAYERS = {"attn.q", "attn.k", "attn.v", "mlp.fc1", "mlp.fc2"};

    private final TaskShape shape;
    private final LinearAttentionConfig config;
    private final Parameters params;

    LinearAttention(TaskShape shape, LinearAttentionConfig config, Backend backend, long seed) {
        this.shape = shape;
        this.config = config;
        int width = shape.inputWidth();
        int features = config.features();
        params = Parameters.builder()
                .add("attn.q.weight", features, width).add("attn.q.bias", features)
                .add("attn.k.weight", features, width).add("attn.k.bias", features)
                .add("attn.v.weight", width, width).add("attn.v.bias", width)
                .add("mlp.fc1.weight", config.mlpWidth(), width).add("mlp.fc1.bias", config.mlpWidth())
                .add("mlp.fc2.weight", 1, config.mlpWidth()).add("mlp.fc2.bias", 1)
                .build(backend);
        try {
            RngStream init = RngStream.of(seed, "init");
            for (String layer : LAYERS) {
                params.initializeLinear(layer, init);
            }
        } catch (RuntimeException e) {
            params.close(); // the learner owns the slab: never leave it to the GC, also when construction fails
            throw e;
        }
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        int n = shape.positions();
        int d = shape.inputWidth();
        int f = config.features();
        if (input.rank() != 3 || input.dim(1) != n || input.dim(2) != d) {
            throw new IllegalArgumentException("linear-attention: input " + input + " must be (B, " + n + ", " + d
                    + ")");
        }
        int batch = input.dim(0);
        Activation phi = config.featureMap();
        Tensor q = Ops.linear(tape, input, params.get("attn.q.weight"), params.get("attn.q.bias"), phi); // (B, N, F)
        Tensor k = Ops.linear(tape, input, params.get("attn.k.weight"), params.get("attn.k.bias"), phi); // (B, N, F)
        Tensor v = Ops.linear(tape, input, params.get("attn.v.weight"), params.get("attn.v.bias")); // (B, N, D)
        // S_b = K_b^T V_b / N: per prompt an (F, N) x (N, D) product, the batch strided
        GemmSpec summary = new GemmSpec(true, false, f, d, n, 1.0 / n, f, (long) n * f, d, (long) n * d, d,
                (long) f * d, batch);
        Tensor s = Ops.gemm(tape, summary, k, v, batch, f, d); // (B, F, D)
        // y_b = Q_b S_b: per prompt an (N, F) x (F, D) product
        GemmSpec read = new GemmSpec(false, false, n, d, f, 1.0, f, (long) n * f, d, (long) f * d, d,
                (long) n * d, batch);
        Tensor y = Ops.gemm(tape, read, q, s, batch, n, d); // (B, N, D)
        Tensor h = Ops.linear(tape, y, params.get("mlp.fc1.weight"), params.get("mlp.fc1.bias"),
                Activation.RELU); // (B, N, m)
        Tensor out = Ops.linear(tape, h, params.get("mlp.fc2.weight"), params.get("mlp.fc2.bias")); // (B, N, 1)
        return Ops.reshape(tape, out, batch, n); // (B, N)
    }

    /** The same ops on the same tensors for every input of one shape: no data-dependent branch, no state. */
    @Override
    public boolean replayable() {
        return true;
    }
}
