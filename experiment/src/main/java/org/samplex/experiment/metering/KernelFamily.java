package org.samplex.experiment.metering;

/**
 * Where a training step's time goes, as {@code samplex bench} reports it. Each {@link org.samplex.api.Backend}
 * call belongs to one kernel family; {@link #DATA} and {@link #EVALUATION} are scopes instead (everything inside
 * {@code Task.batch}, and a test evaluation, whatever kernels they call), and {@link #HOST} is the rest of a
 * step's wall time: the tape's and the learner's Java between kernels, and allocation.
 */
public enum KernelFamily {
    /** Every matrix product. */
    GEMM("GEMM", "gemm"),
    /** Fused attention forward and backward. */
    ATTENTION("ATTN", "attention"),
    /** GRU and LSTM cells and the linear scan. */
    RECURRENCE("RECUR", "recurrence"),
    /** Bias, activations, add, mul, the loss, fills and copies, gather, concat and slice. */
    POINTWISE("PTWISE", "pointwise_loss"),
    /** The fused AdamW update. */
    OPTIMIZER("OPTIM", "optimizer"),
    /** Everything inside {@code Task.batch} (and random fills anywhere). */
    DATA("DATA", "data"),
    /** Test evaluations, in the proportion the protocol makes them. */
    EVALUATION("EVAL", "evaluation"),
    /** Step time outside every kernel call: Java between kernels, allocation. */
    HOST("HOST", "host");

    private final String column;
    private final String key;

    KernelFamily(String column, String key) {
        this.column = column;
        this.key = key;
    }

    /** The short table heading. */
    public String column() {
        return column;
    }

    /** The JSON key. */
    public String key() {
        return key;
    }
}
