package org.samplex.api;

import static org.samplex.api.KernelChecks.positive;

import java.util.Arrays;

/**
 * The checked entry points of the dense kernels: gemm, bias and pointwise, loss and optimizer. The middle layer of
 * {@link CheckedBackend}, whose comment gives the contract of the checks and of the {@code Kernel} hooks.
 *
 * @param <B> the backend's buffer class
 */
public abstract class CheckedDense<B extends Buffer> extends CheckedMemory<B> {

    /** A backend named {@code name} computing in {@code floatType}. */
    protected CheckedDense(String name, DType floatType) {
        super(name, floatType);
    }

    // ---- gemm -----------------------------------------------------------------------------------------------

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k,
                           double alpha, Buffer a, int lda, long strideA,
                           Buffer b, int ldb, long strideB,
                           double beta, Buffer c, int ldc, long strideC, int batch) {
        // KernelChecks.gemm's checks in its order, without its record
        KernelChecks.gemmSizes(m, n, k, batch);
        long needA = KernelChecks.gemmExtentA(transA, m, k, lda, strideA, batch);
        long needB = KernelChecks.gemmExtentB(transB, n, k, ldb, strideB, batch);
        long needC = KernelChecks.gemmExtentC(m, n, ldc, strideC, batch);
        B ba = arg("gemm a", a, needA);
        B bb = arg("gemm b", b, needB);
        B bc = arg("gemm c", c, needC);
        gemmKernel(transA, transB, m, n, k, alpha, ba, lda, strideA, bb, ldb, strideB, beta, bc, ldc, strideC, batch);
    }

    /** Leading dimensions cover their rows and strides are not negative. */
    protected abstract void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                       double alpha, B a, int lda, long strideA,
                                       B b, int ldb, long strideB,
                                       double beta, B c, int ldc, long strideC, int batch);

    // ---- bias and pointwise -----------------------------------------------------------------------------------

    @Override
    public final void biasAddForward(Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        long size = (long) positive("biasAddForward rows", rows) * positive("biasAddForward cols", cols);
        B o = arg("biasAddForward out", out, size);
        B x = arg("biasAddForward in", in, size);
        B bb = arg("biasAddForward bias", bias, cols);
        biasAddForwardKernel(o, x, bb, rows, cols);
    }

    /** out (rows, cols) = in + bias (cols); out may be in. */
    protected abstract void biasAddForwardKernel(B out, B in, B bias, int rows, int cols);

    @Override
    public final void biasAddBackward(Buffer dIn, Buffer dBias, Buffer dOut, int rows, int cols) {
        long size = (long) positive("biasAddBackward rows", rows) * positive("biasAddBackward cols", cols);
        B dx = optional("biasAddBackward dIn", dIn, size);
        B db = optional("biasAddBackward dBias", dBias, cols);
        B dy = arg("biasAddBackward dOut", dOut, size);
        biasAddBackwardKernel(dx, db, dy, rows, cols);
    }

    /** Either gradient may be null. */
    protected abstract void biasAddBackwardKernel(B dIn, B dBias, B dOut, int rows, int cols);

    @Override
    public final void activationForward(Activation f, Buffer out, Buffer in, long n) {
        int size = positive("activationForward n", n);
        B o = arg("activationForward out", out, size);
        B x = arg("activationForward in", in, size);
        activationForwardKernel(f, o, x, size);
    }

    /** n is an int; out may be in. */
    protected abstract void activationForwardKernel(Activation f, B out, B in, int n);

    @Override
    public final void activationBackward(Activation f, Buffer dIn, Buffer dOut, Buffer in, Buffer out, long n) {
        int size = positive("activationBackward n", n);
        B dx = optional("activationBackward dIn", dIn, size);
        B dy = arg("activationBackward dOut", dOut, size);
        B x = arg("activationBackward in", in, size);
        B y = arg("activationBackward out", out, size);
        activationBackwardKernel(f, dx, dy, x, y, size);
    }

    /** dIn may be null. */
    protected abstract void activationBackwardKernel(Activation f, B dIn, B dOut, B in, B out, int n);

    @Override
    public final void biasActivationForward(Activation f, Buffer out, Buffer in, Buffer bias, int rows, int cols) {
        if (f == null) {
            throw new IllegalArgumentException("biasActivationForward f must be one of "
                    + Arrays.toString(Activation.values()) + ", got null");
        }
        long size = (long) positive("biasActivationForward rows", rows) * positive("biasActivationForward cols", cols);
        B o = arg("biasActivationForward out", out, size);
        B x = arg("biasActivationForward in", in, size);
        B bb = arg("biasActivationForward bias", bias, cols);
        biasActivationForwardKernel(f, o, x, bb, rows, cols);
    }

    /**
     * out (rows, cols) = f(in + bias); out may be in. By default the two unfused hooks, the activation in place (as
     * {@link Backend#biasActivationForward} composes them).
     */
    protected void biasActivationForwardKernel(Activation f, B out, B in, B bias, int rows, int cols) {
        biasAddForwardKernel(out, in, bias, rows, cols);
        activationForwardKernel(f, out, out, rows * cols);
    }

    @Override
    public final void addForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("addForward n", n);
        B o = arg("addForward out", out, size);
        B x = arg("addForward a", a, size);
        B y = arg("addForward b", b, size);
        addForwardKernel(o, x, y, size);
    }

    /** n is an int. */
    protected abstract void addForwardKernel(B out, B a, B b, int n);

    @Override
    public final void addBackward(Buffer dA, Buffer dB, Buffer dOut, long n) {
        int size = positive("addBackward n", n);
        B da = optional("addBackward dA", dA, size);
        B db = optional("addBackward dB", dB, size);
        B dy = arg("addBackward dOut", dOut, size);
        addBackwardKernel(da, db, dy, size);
    }

    /** Either gradient may be null. */
    protected abstract void addBackwardKernel(B dA, B dB, B dOut, int n);

    @Override
    public final void mulForward(Buffer out, Buffer a, Buffer b, long n) {
        int size = positive("mulForward n", n);
        B o = arg("mulForward out", out, size);
        B x = arg("mulForward a", a, size);
        B y = arg("mulForward b", b, size);
        mulForwardKernel(o, x, y, size);
    }

    /** n is an int. */
    protected abstract void mulForwardKernel(B out, B a, B b, int n);

    @Override
    public final void mulBackward(Buffer dA, Buffer dB, Buffer dOut, Buffer a, Buffer b, long n) {
        int size = positive("mulBackward n", n);
        B da = optional("mulBackward dA", dA, size);
        B db = optional("mulBackward dB", dB, size);
        B dy = arg("mulBackward dOut", dOut, size);
        B x = arg("mulBackward a", a, size);
        B y = arg("mulBackward b", b, size);
        mulBackwardKernel(da, db, dy, x, y, size);
    }

    /** Either gradient may be null. */
    protected abstract void mulBackwardKernel(B dA, B dB, B dOut, B a, B b, int n);

    // ---- loss and optimizer ----------------------------------------------------------------------------------------

    @Override
    public final void mseForward(Buffer loss, Buffer pred, Buffer target, long n) {
        int size = positive("mseForward n", n);
        B l = arg("mseForward loss", loss, 1);
        B p = arg("mseForward pred", pred, size);
        B t = arg("mseForward target", target, size);
        mseForwardKernel(l, p, t, size);
    }

    /** n is an int. */
    protected abstract void mseForwardKernel(B loss, B pred, B target, int n);

    @Override
    public final void mseBackward(Buffer dPred, Buffer dLoss, Buffer pred, Buffer target, long n) {
        int size = positive("mseBackward n", n);
        B dp = optional("mseBackward dPred", dPred, size);
        B dl = arg("mseBackward dLoss", dLoss, 1);
        B p = arg("mseBackward pred", pred, size);
        B t = arg("mseBackward target", target, size);
        mseBackwardKernel(dp, dl, p, t, size);
    }

    /** dPred may be null. */
    protected abstract void mseBackwardKernel(B dPred, B dLoss, B pred, B target, int n);

    @Override
    public final void adamwUpdate(Buffer param, Buffer grad, Buffer m, Buffer v, long n,
                                  double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
        int size = positive("adamwUpdate n", n);
        if (step < 1) {
            throw new IllegalArgumentException("adamwUpdate step counts from 1, got " + step);
        }
        B p = arg("adamwUpdate param", param, size);
        B g = arg("adamwUpdate grad", grad, size);
        B bm = arg("adamwUpdate m", m, size);
        B bv = arg("adamwUpdate v", v, size);
        adamwUpdateKernel(p, g, bm, bv, size, lr, beta1, beta2, eps, weightDecay, step);
    }

    /** step >= 1. */
    protected abstract void adamwUpdateKernel(B param, B grad, B m, B v, int n, double lr, double beta1,
                                              double beta2, double eps, double weightDecay, long step);
}
