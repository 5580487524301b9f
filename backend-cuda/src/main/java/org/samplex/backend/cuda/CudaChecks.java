package org.samplex.backend.cuda;

import java.util.Locale;

/**
 * The size checks of the kernels' entry points, with the messages of the host backends (their helpers are
 * package-private in another module). Each failure is an {@link IllegalArgumentException} naming the kernel and
 * the argument.
 */
final class CudaChecks {
    /** Head widths the attention kernels hold in registers: 8 chunks of a warp's 32 lanes. */
    static final int MAX_HEAD_WIDTH = 256;

    private CudaChecks() {
    }

    /** The value as an int in [1, Integer.MAX_VALUE]. */
    static int positive(String what, long value) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be in [1, " + Integer.MAX_VALUE + "], got " + value);
        }
        return (int) value;
    }

    /** Elements a batch of (rows, cols) gemm operands with leading dimension ld and the given stride spans. */
    static long matrixExtent(String name, int rows, int cols, int ld, long stride, int batch) {
        if (ld < cols) {
            throw new IllegalArgumentException("gemm ld" + name + " must be at least " + cols + ", got " + ld);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("gemm stride" + name.toUpperCase(Locale.ROOT)
                    + " must not be negative, got " + stride);
        }
        return (batch - 1) * stride + (long) (rows - 1) * ld + cols;
    }

    /** Positive attention sizes whose (B, N, H*hd) tensors fit an int index, and a head width the kernels hold. */
    static void attentionShape(String kernel, int batch, int positions, int heads, int headWidth) {
        positive(kernel + " batch", batch);
        positive(kernel + " positions", positions);
        positive(kernel + " heads", heads);
        positive(kernel + " headWidth", headWidth);
        positive(kernel + " size", (long) batch * positions * heads * headWidth);
        if (headWidth > MAX_HEAD_WIDTH) {
            throw new IllegalArgumentException(kernel + " headWidth must be at most " + MAX_HEAD_WIDTH
                    + " on the cuda backend, got " + headWidth);
        }
    }

    /** The sum of the part widths, each positive, one per part. */
    static int totalWidth(String kernel, int parts, int[] widths) {
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
    static void checkColumns(String kernel, int rows, int inWidth, int col0, int width) {
        positive(kernel + " rows", rows);
        positive(kernel + " inWidth", inWidth);
        positive(kernel + " width", width);
        if (col0 < 0 || col0 + (long) width > inWidth) {
            throw new IllegalArgumentException(kernel + " col0: columns [" + col0 + ", " + ((long) col0 + width)
                    + ") are outside [0, " + inWidth + ")");
        }
    }

    /** Each of the n indices in [0, tableRows). */
    static void checkIndices(String what, int[] rows, int tableRows) {
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] < 0 || rows[r] >= tableRows) {
                throw new IllegalArgumentException(what + " " + r + " is " + rows[r] + ", outside [0, " + tableRows
                        + ")");
            }
        }
    }
}
