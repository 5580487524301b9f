package org.samplex.api;

import java.util.Locale;

/**
 * Size checks shared by every backend's kernel entry points, so that all backends reject the same bad arguments
 * with the same messages (the conformance suite compares them). Each failure is an
 * {@link IllegalArgumentException} whose message starts with the kernel and the argument it is about.
 *
 * <p>Allocation: a check that passes allocates nothing (messages are built only on failure), so the host backends
 * can run every check on every kernel call of a training step without producing garbage; {@link #gemm} returns a
 * record, so they use {@link #gemmSizes} and the {@code gemmExtent} methods instead.
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

    /** {@link #positive(String, long)} for argument {@code argument} of {@code kernel}: "kernel argument". */
    public static int positive(String kernel, String argument, long value) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            positive(kernel + " " + argument, value);
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
        gemmSizes(m, n, k, batch);
        return new GemmExtents(gemmExtentA(transA, m, k, lda, strideA, batch),
                gemmExtentB(transB, n, k, ldb, strideB, batch), gemmExtentC(m, n, ldc, strideC, batch));
    }

    /** The first checks of {@link #gemm}: m, n, k and batch positive, in that order. */
    public static void gemmSizes(int m, int n, int k, int batch) {
        positive("gemm m", m);
        positive("gemm n", n);
        positive("gemm k", k);
        positive("gemm batch", batch);
    }

    /** Elements the stored A of a gemm with positive sizes spans, checked as {@link #gemm} checks it. */
    public static long gemmExtentA(boolean transA, int m, int k, int lda, long strideA, int batch) {
        return matrixExtent("a", transA ? k : m, transA ? m : k, lda, strideA, batch);
    }

    /** Elements the stored B of a gemm with positive sizes spans, checked as {@link #gemm} checks it. */
    public static long gemmExtentB(boolean transB, int n, int k, int ldb, long strideB, int batch) {
        return matrixExtent("b", transB ? n : k, transB ? k : n, ldb, strideB, batch);
    }

    /** Elements the C of a gemm with positive sizes spans, checked as {@link #gemm} checks it. */
    public static long gemmExtentC(int m, int n, int ldc, long strideC, int batch) {
        return matrixExtent("c", m, n, ldc, strideC, batch);
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
        positive(kernel, "batch", batch);
        positive(kernel, "positions", positions);
        positive(kernel, "heads", heads);
        positive(kernel, "headWidth", headWidth);
        positive(kernel, "size", (long) batch * positions * heads * headWidth);
    }

    /** B * N * C of a scan call, each size positive and the product an int; allocates nothing when they are. */
    public static int scanShape(String kernel, int batch, int positions, int channels) {
        positive(kernel, "batch", batch);
        positive(kernel, "positions", positions);
        positive(kernel, "channels", channels);
        return positive(kernel, "size", (long) batch * positions * channels);
    }

    /** The sum of the part widths, each positive, one per part. */
    public static int totalWidth(String kernel, int parts, int[] widths) {
        if (parts == 0 || widths.length != parts) {
            throw new IllegalArgumentException(kernel + " widths: " + widths.length + " widths for " + parts
                    + " parts");
        }
        long total = 0;
        for (int p = 0; p < parts; p++) {
            if (widths[p] <= 0) {
                positive(kernel + " widths[" + p + "]", widths[p]);
            }
            total += widths[p];
        }
        return positive(kernel, "total width", total);
    }

    /** Positive sizes and columns [col0, col0 + width) inside [0, inWidth). */
    public static void checkColumns(String kernel, int rows, int inWidth, int col0, int width) {
        positive(kernel, "rows", rows);
        positive(kernel, "inWidth", inWidth);
        positive(kernel, "width", width);
        if (col0 < 0 || col0 + (long) width > inWidth) {
            throw new IllegalArgumentException(kernel + " col0: columns [" + col0 + ", " + ((long) col0 + width)
                    + ") are outside [0, " + inWidth + ")");
        }
    }

    /**
     * What a backend without a kernel family throws: the default of each family added to {@link Backend} after
     * backends were written (and of its hook in {@link CheckedBackend}), so a plug-in backend keeps compiling and
     * fails only where a learner calls the family.
     *
     * @param family  the family in words ("the linear scan")
     * @param methods its methods ("scanForward, scanBackward")
     */
    public static UnsupportedOperationException unsupported(String backend, String family, String methods) {
        return new UnsupportedOperationException("backend '" + backend + "' does not implement the " + family
                + " kernel family (" + methods + ")");
    }

    /** Each index in [0, tableRows). */
    public static void checkIndices(String what, int[] rows, int tableRows) {
        checkIndices(what, rows, 0, rows.length, tableRows);
    }

    /** Indices {@code index[offset, offset + n)} each in [0, tableRows); a failure names the index r in [0, n). */
    public static void checkIndices(String what, int[] index, int offset, int n, int tableRows) {
        for (int r = 0; r < n; r++) {
            int row = index[offset + r];
            if (row < 0 || row >= tableRows) {
                throw new IllegalArgumentException(what + " " + r + " is " + row + ", outside [0, " + tableRows
                        + ")");
            }
        }
    }
}
