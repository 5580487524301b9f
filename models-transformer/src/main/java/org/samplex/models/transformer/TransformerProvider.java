package org.samplex.models.transformer;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;

/**
 * Provides the {@code transformer} learner: one softmax attention layer with H heads, then a ReLU MLP per position.
 *
 * <p>Parameter names, for reading a trained model (e.g. the Figure 2 heat map of W_Q^T W_K): attn.q.weight,
 * attn.k.weight, attn.v.weight are (H*hd, D) with head j in rows [j*hd, (j+1)*hd), so head j's W_Q^T W_K is the
 * (D, D) product of its row blocks of attn.q.weight (transposed) and attn.k.weight, as the authors compute from
 * in_proj_weight. Biases attn.q.bias etc. (H*hd); attn.out.weight (D, H*hd) and attn.out.bias (D) when the output
 * projection is on; mlp.fc1.weight, mlp.fc1.bias, mlp.fc2.weight (1, m), mlp.fc2.bias.
 */
public final class TransformerProvider implements LearnerProvider {
    private static final Schema SCHEMA = Schema.of("learner 'transformer'",
            Hyperparameter.integer("heads", null, 1, TransformerConfig.MAX_HEADS,
                    "attention heads H (default q, the pointers per token)"),
            Hyperparameter.bool("split-heads", false,
                    "PyTorch-style heads of width D/H, scale 1/sqrt(D/H) (needs H | D); default full-width heads"
                            + " of width D, scale 1/sqrt(D), concatenated"),
            Hyperparameter.choice("out-proj", "auto", List.of("auto", "on", "off"),
                    "output projection Linear(H*hd -> D) after attention; auto = on for H = 1 or split heads"
                            + " (as torch.nn.MultiheadAttention), off for full-width H > 1"),
            Hyperparameter.integer("mlp-width", 100, 1, 100_000, "hidden width m of the position-wise ReLU MLP"));

    @Override
    public String name() {
        return "transformer";
    }

    @Override
    public String description() {
        return "1-layer softmax attention (H heads, no residual/LayerNorm) then position-wise [-> m ReLU -> 1];"
                + " W_Q, W_K per head in rows j*hd.. of attn.q.weight, attn.k.weight";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    /** Parameters meet only linear layers, and attention and the MLP act on each prompt alone. */
    @Override
    public boolean packable() {
        return true;
    }

    @Override
    public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        return new Transformer(shape, TransformerConfig.from(config, shape), backend, seed);
    }
}
