package org.samplex.api;

import java.util.Locale;

/**
 * Size checks shared by every backend's kernel entry points, so that all backends reject the same bad arguments
 * with the same messages (the conformance suite compares them). Each failure is an
 * {@link IllegalArgumentException} whose message starts with the kernel and the argument it is about.
 */
public final class KernelChecks {
    private KernelChecks() {
    }

    /** The value as an int in [1, Integer.MAX_VALUE]. */
    public static int positive(String what, long value) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be in [1, " + Integer.MAX_VALUE + "], got " + value);
        }
        return (int) value;
    }

    /**
     * Elements a batch of (rows, cols) gemm operands with leading dimension ld and the given stride spans;
     * {@code name} is the operand's letter (a, b or c).
     */
    public static long matrixExtent(String name, int rows, int cols, int ld, long stride, int batch) {
        if (ld < cols) {
            throw new IllegalArgumentException("gemm ld" + name + " must be at least " + cols + ", got " + ld);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("gemm stride" + name.toUpperCase(Locale.ROOT)
                    + " must not be negative, got " + stride);
        }
        return (batch - 1) * stride + (long) (rows - 1) * ld + cols;
    }

    /** Elements each gemm operand spans, checked: the sizes of a, b and c in that order. */
    public record GemmExtents(long a, long b, long c) {
    }

    /**
     * The positive sizes of a strided batched gemm and the elements its operands span; a stored operand has
     * (rows, cols) = op's shape, or its transpose when transposed.
     */
    public static GemmExtents gemm(boolean transA, boolean transB, int m, int n, int k, int lda, long strideA,
                                   int ldb, long strideB, int ldc, long strideC, int batch) {
        positive("gemm m", m);
        positive("gemm n", n);
        positive("gemm k", k);
        positive("gemm batch", batch);
        return new GemmExtents(matrixExtent("a", transA ? k : m, transA ? m : k, lda, strideA, batch),
                matrixExtent("b", transB ? n : k, transB ? k : n, ldb, strideB, batch),
                matrixExtent("c", m, n, ldc, strideC, batch));
    }

    /** A view [off, off + len) of a buffer of {@code length} elements must lie inside it and be non-empty. */
    public static void sliceRange(long off, long len, long length) {
        if (off < 0 || len <= 0 || off + len > length) {
            throw new IllegalArgumentException("slice [" + off + ", " + (off + len) + ") is outside a buffer of "
                    + length + " elements");
        }
    }

    /** Positive attention sizes whose (B, N, H*hd) tensors fit an int index. */
    public static void attentionShape(String kernel, int batch, int positions, int heads, int headWidth) {
        positive(kernel + " batch", batch);
        positive(kernel + " positions", positions);
        positive(kernel + " heads", heads);
        positive(kernel + " headWidth", headWidth);
        positive(kernel + " size", (long) batch * positions * heads * headWidth);
    }

    /** The sum of the part widths, each positive, one per part. */
    public static int totalWidth(String kernel, int parts, int[] widths) {
        if (parts == 0 || widths.length != parts) {
            throw new IllegalArgumentException(kernel + " widths: " + widths.length + " widths for " + parts
                    + " parts");
        }
        long total = 0;
        for (int p = 0; p < parts; p++) {
            total += positive(kernel + " widths[" + p + "]", widths[p]);
        }
        return positive(kernel + " total width", total);
    }

    /** Positive sizes and columns [col0, col0 + width) inside [0, inWidth). */
    public static void checkColumns(String kernel, int rows, int inWidth, int col0, int width) {
        positive(kernel + " rows", rows);
        positive(kernel + " inWidth", inWidth);
        positive(kernel + " width", width);
        if (col0 < 0 || col0 + (long) width > inWidth) {
            throw new IllegalArgumentException(kernel + " col0: columns [" + col0 + ", " + ((long) col0 + width)
                    + ") are outside [0, " + inWidth + ")");
        }
    }

    /** Each index in [0, tableRows). */
    public static void checkIndices(String what, int[] rows, int tableRows) {
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] < 0 || rows[r] >= tableRows) {
                throw new IllegalArgumentException(what + " " + r + " is " + rows[r] + ", outside [0, " + tableRows
                        + ")");
            }
        }
    }
}
