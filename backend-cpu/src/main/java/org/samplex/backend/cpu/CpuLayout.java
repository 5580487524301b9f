package org.samplex.backend.cpu;

import java.util.List;

/**
 * The cpu backend's indexing and layout kernels (row gathers, last-axis concatenation and slicing). They move
 * memory rather than compute, so they run on the caller thread; repeated gather indices add their gradients in row
 * order. Each buffer is a {@link HostBuffer}: its array {@code f} (indices: {@code i}) and its element offset.
 * Nothing is allocated.
 */
final class CpuLayout {
    private CpuLayout() {
    }

    /** out (n, w) row r = table row index[r]. */
    static void gatherRows(HostBuffer out, HostBuffer table, HostBuffer index, int n, int width) {
        for (int r = 0; r < n; r++) {
            int row = index.i[index.offset + r];
            System.arraycopy(table.f, table.offset + row * width, out.f, out.offset + r * width, width);
        }
    }

    /** dTable row index[r] += dOut row r, in r order. */
    static void gatherRowsBackward(HostBuffer dTable, HostBuffer dOut, HostBuffer index, int n, int width) {
        for (int r = 0; r < n; r++) {
            int row = index.i[index.offset + r];
            CpuVec.addInto(dTable.f, dTable.offset + row * width, dOut.f, dOut.offset + r * width, width);
        }
    }

    /** out (rows, total) = parts side by side. */
    static void concat(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths, int total) {
        int col = 0;
        for (int p = 0; p < widths.length; p++) {
            HostBuffer in = parts.get(p);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(in.f, in.offset + r * widths[p], out.f, out.offset + r * total + col, widths[p]);
            }
            col += widths[p];
        }
    }

    /** dParts[p] += its columns of dOut (rows, total); null parts are skipped. */
    static void concatBackward(List<HostBuffer> dParts, HostBuffer dOut, int rows, int[] widths, int total) {
        int col = 0;
        for (int p = 0; p < widths.length; p++) {
            HostBuffer d = dParts.get(p);
            for (int r = 0; d != null && r < rows; r++) {
                CpuVec.addInto(d.f, d.offset + r * widths[p], dOut.f, dOut.offset + r * total + col, widths[p]);
            }
            col += widths[p];
        }
    }

    /** out (rows, width) = columns [col0, col0 + width) of in (rows, inWidth). */
    static void slice(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0, int width) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(in.f, in.offset + r * inWidth + col0, out.f, out.offset + r * width, width);
        }
    }

    /** columns [col0, col0 + width) of dIn (rows, inWidth) += dOut (rows, width). */
    static void sliceBackward(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth, int col0, int width) {
        for (int r = 0; r < rows; r++) {
            CpuVec.addInto(dIn.f, dIn.offset + r * inWidth + col0, dOut.f, dOut.offset + r * width, width);
        }
    }
}
