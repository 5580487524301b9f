package org.samplex.backend.cpu;

import java.util.List;

/**
 * The cpu backend's indexing and layout kernels (row gathers, last-axis concatenation and slicing). They move
 * memory rather than compute, so they run on the caller thread; repeated gather indices add their gradients in row
 * order.
 */
final class CpuLayout {
    private CpuLayout() {
    }

    /** out (n, w) row r = table row rows[r]. */
    static void gatherRows(CpuView out, CpuView table, int[] rows, int width) {
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(table.x(), table.off() + rows[r] * width, out.x(), out.off() + r * width, width);
        }
    }

    /** dTable row rows[r] += dOut row r, in r order. */
    static void gatherRowsBackward(CpuView dTable, CpuView dOut, int[] rows, int width) {
        for (int r = 0; r < rows.length; r++) {
            CpuVec.addInto(dTable.x(), dTable.off() + rows[r] * width, dOut.x(), dOut.off() + r * width, width);
        }
    }

    /** out (rows, total) = parts side by side. */
    static void concat(CpuView out, List<CpuView> parts, int rows, int[] widths, int total) {
        int col = 0;
        for (int p = 0; p < widths.length; p++) {
            CpuView in = parts.get(p);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(in.x(), in.off() + r * widths[p], out.x(), out.off() + r * total + col, widths[p]);
            }
            col += widths[p];
        }
    }

    /** dParts[p] += its columns of dOut (rows, total); null parts are skipped. */
    static void concatBackward(List<CpuView> dParts, CpuView dOut, int rows, int[] widths, int total) {
        int col = 0;
        for (int p = 0; p < widths.length; p++) {
            CpuView d = dParts.get(p);
            for (int r = 0; d != null && r < rows; r++) {
                CpuVec.addInto(d.x(), d.off() + r * widths[p], dOut.x(), dOut.off() + r * total + col, widths[p]);
            }
            col += widths[p];
        }
    }

    /** out (rows, width) = columns [col0, col0 + width) of in (rows, inWidth). */
    static void slice(CpuView out, CpuView in, int rows, int inWidth, int col0, int width) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(in.x(), in.off() + r * inWidth + col0, out.x(), out.off() + r * width, width);
        }
    }

    /** columns [col0, col0 + width) of dIn (rows, inWidth) += dOut (rows, width). */
    static void sliceBackward(CpuView dIn, CpuView dOut, int rows, int inWidth, int col0, int width) {
        for (int r = 0; r < rows; r++) {
            CpuVec.addInto(dIn.x(), dIn.off() + r * inWidth + col0, dOut.x(), dOut.off() + r * width, width);
        }
    }
}
