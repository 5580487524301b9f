package org.samplex.testkit.conformance;

import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.testkit.conformance.KernelCase.Values;

/** Catalog entries for the bias, pointwise, loss and optimizer kernels. */
final class PointwiseCases {
    private PointwiseCases() {
    }

    /** out (rows, cols) = in + bias; in place when asked (the kernel allows out == in). */
    static KernelCase biasAdd(String name, int rows, int cols, boolean inPlace) {
        return KernelCase.builder(name)
                .input("in", rows * cols)
                .input("bias", cols)
                .output("out", rows * cols)
                .reduction(rows)
                .forward((be, t) -> {
                    if (inPlace) {
                        be.copy(t.get("out"), t.get("in"));
                        be.biasAddForward(t.get("out"), t.get("out"), t.get("bias"), rows, cols);
                    } else {
                        be.biasAddForward(t.get("out"), t.get("in"), t.get("bias"), rows, cols);
                    }
                })
                .backward((be, t) -> be.biasAddBackward(t.get("dIn"), t.get("dBias"), t.get("dOut"), rows, cols))
                .build();
    }

    /** out (n) = f(in); ReLU inputs stay at least 0.05 from its kink, the others span the curved part. */
    static KernelCase activation(String name, Activation f, int n) {
        Values values = f == Activation.RELU ? Values.awayFromZero(0.05) : Values.uniform(-3, 3);
        return KernelCase.builder(name)
                .input("in", n, values)
                .output("out", n)
                .depth(5)
                .forward((be, t) -> be.activationForward(f, t.get("out"), t.get("in"), n))
                .backward((be, t) -> be.activationBackward(f, t.get("dIn"), t.get("dOut"), t.get("in"), t.get("out"),
                        n))
                .build();
    }

    /**
     * out (rows, cols) = f(in + bias) in one call ({@link org.samplex.api.Backend#biasActivationForward}), in place
     * when asked. The backward is the one that method's contract prescribes, since the pre-activation is not kept:
     * activationBackward with out passed as both in and out, into a zeroed scratch gradient, then biasAddBackward;
     * so the gradient check holds that recipe to finite differences of the fused forward. |in| is in [0.5, 1] and
     * the bias in [-0.25, 0.25], so in + bias stays at least 0.25 from ReLU's kink.
     */
    static KernelCase biasActivation(String name, Activation f, int rows, int cols, boolean inPlace) {
        int n = rows * cols;
        return KernelCase.builder(name)
                .input("in", n, Values.awayFromZero(0.5))
                .input("bias", cols, Values.uniform(-0.25, 0.25))
                .output("out", n)
                .reduction(rows)
                .depth(6)
                .forward((be, t) -> {
                    if (inPlace) {
                        be.copy(t.get("out"), t.get("in"));
                        be.biasActivationForward(f, t.get("out"), t.get("out"), t.get("bias"), rows, cols);
                    } else {
                        be.biasActivationForward(f, t.get("out"), t.get("in"), t.get("bias"), rows, cols);
                    }
                })
                .backward((be, t) -> {
                    try (Buffer dPre = be.allocate(n)) {
                        be.fill(dPre, 0);
                        be.activationBackward(f, dPre, t.get("dOut"), t.get("out"), t.get("out"), n);
                        be.biasAddBackward(t.get("dIn"), t.get("dBias"), dPre, rows, cols);
                    }
                })
                .build();
    }

    static KernelCase add(String name, int n) {
        return KernelCase.builder(name)
                .input("a", n)
                .input("b", n)
                .output("out", n)
                .forward((be, t) -> be.addForward(t.get("out"), t.get("a"), t.get("b"), n))
                .backward((be, t) -> be.addBackward(t.get("dA"), t.get("dB"), t.get("dOut"), n))
                .build();
    }

    static KernelCase mul(String name, int n) {
        return KernelCase.builder(name)
                .input("a", n)
                .input("b", n)
                .output("out", n)
                .depth(2)
                .forward((be, t) -> be.mulForward(t.get("out"), t.get("a"), t.get("b"), n))
                .backward((be, t) -> be.mulBackward(t.get("dA"), t.get("dB"), t.get("dOut"), t.get("a"), t.get("b"),
                        n))
                .build();
    }

    /** loss (1) = mean (pred - target)^2; the target is not differentiated. */
    static KernelCase mse(String name, int n) {
        return KernelCase.builder(name)
                .input("pred", n)
                .constant("target", n, Values.uniform(-1, 1))
                .output("loss", 1)
                .reduction(n)
                .depth(4)
                .forward((be, t) -> be.mseForward(t.get("loss"), t.get("pred"), t.get("target"), n))
                .backward((be, t) -> be.mseBackward(t.get("dPred"), t.get("dLoss"), t.get("pred"), t.get("target"), n))
                .build();
    }

    /** One AdamW step at step 3 from random state (forward only: the optimizer is not differentiated). */
    static KernelCase adamw(String name, int n) {
        return KernelCase.builder(name)
                .constant("param0", n, Values.uniform(-1, 1))
                .constant("grad", n, Values.uniform(-1, 1))
                .constant("m0", n, Values.uniform(-0.5, 0.5))
                .constant("v0", n, Values.uniform(0, 0.5))
                .saved("param", n)
                .saved("m", n)
                .saved("v", n)
                .depth(12)
                .forward((be, t) -> {
                    be.copy(t.get("param"), t.get("param0"));
                    be.copy(t.get("m"), t.get("m0"));
                    be.copy(t.get("v"), t.get("v0"));
                    be.adamwUpdate(t.get("param"), t.get("grad"), t.get("m"), t.get("v"), n, 0.01, 0.9, 0.999, 1e-8,
                            0.1, 3);
                })
                .build();
    }
}
