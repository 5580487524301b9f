package org.samplex.api.tape;

import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * The geometry of one strided batched product C_p = alpha op(A_p) op(B_p) (see {@link Backend#gemm}), with the
 * gradients of that product written as products of the same kind.
 */
public record GemmSpec(boolean transA, boolean transB, int m, int n, int k, double alpha,
                       int lda, long strideA, int ldb, long strideB, int ldc, long strideC, int batch) {

    /** C (m, n) = op(A) op(B), tightly packed, one matrix. */
    public static GemmSpec dense(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmSpec(transA, transB, m, n, k, 1.0, transA ? m : k, 0, transB ? k : n, 0, n, 0, 1);
    }

    /** Runs C = alpha op(A) op(B) + beta C. */
    public void forward(Backend be, Buffer a, Buffer b, double beta, Buffer c) {
        be.gemm(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
    }

    /**
     * Adds the gradients of the product into dA and dB (either may be null), given dC.
     * dA = alpha dC op(B)^T (transposed back when A is stored transposed), dB = alpha op(A)^T dC likewise.
     * A gradient whose stride is 0 (an operand shared by the whole batch) is accumulated one matrix at a time,
     * so no two concurrent products write the same output; that path makes two views per matrix per call, the only
     * Java allocation of an op's backward (none of the shipped learners has such a product).
     */
    public void backward(Backend be, Buffer dA, Buffer dB, Buffer dC, Buffer a, Buffer b) {
        if (dA != null) {
            // forward: C = op(A) op(B)  ->  dop(A) = dC op(B)^T
            if (!transA) {
                batched(be, false, !transB, m, k, n, dC, ldc, strideC, b, ldb, strideB, dA, lda, strideA);
            } else {
                batched(be, transB, true, k, m, n, b, ldb, strideB, dC, ldc, strideC, dA, lda, strideA);
            }
        }
        if (dB != null) {
            // forward: C = op(A) op(B)  ->  dop(B) = op(A)^T dC
            if (!transB) {
                batched(be, !transA, false, k, n, m, a, lda, strideA, dC, ldc, strideC, dB, ldb, strideB);
            } else {
                batched(be, true, transA, n, k, m, dC, ldc, strideC, a, lda, strideA, dB, ldb, strideB);
            }
        }
    }

    private void batched(Backend be, boolean tx, boolean ty, int rows, int cols, int inner,
                         Buffer x, int ldx, long sx, Buffer y, int ldy, long sy, Buffer out, int ldo, long so) {
        if (so != 0 || batch == 1) {
            be.gemm(tx, ty, rows, cols, inner, alpha, x, ldx, sx, y, ldy, sy, 1.0, out, ldo, so, batch);
            return;
        }
        for (int p = 0; p < batch; p++) {
            Buffer xp = x.slice(p * sx, x.length() - p * sx);
            Buffer yp = y.slice(p * sy, y.length() - p * sy);
            be.gemm(tx, ty, rows, cols, inner, alpha, xp, ldx, 0, yp, ldy, 0, 1.0, out, ldo, 0, 1);
        }
    }
}
