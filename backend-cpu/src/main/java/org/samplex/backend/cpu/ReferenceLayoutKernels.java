package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.ReferenceBackend.addTo;
import static org.samplex.backend.cpu.ReferenceBackend.get;
import static org.samplex.backend.cpu.ReferenceBackend.set;

import java.util.List;

/** The reference's indexing and layout kernels: row gathers, concatenation and slicing along the last axis. */
final class ReferenceLayoutKernels {
    private ReferenceLayoutKernels() {
    }

    /** out (n, w) row r = table row index[r]. */
    static void gatherRowsForward(HostBuffer out, HostBuffer table, HostBuffer index, int n, int width) {
        for (int r = 0; r < n; r++) {
            int row = index.i[index.offset + r];
            for (int j = 0; j < width; j++) {
                set(out, r * width + j, get(table, row * width + j));
            }
        }
    }

    /** dTable row index[r] += dOut (n, w) row r. */
    static void gatherRowsBackward(HostBuffer dTable, HostBuffer dOut, HostBuffer index, int n, int width) {
        // rows may repeat: their gradients add up, in row order
        for (int r = 0; r < n; r++) {
            int row = index.i[index.offset + r];
            for (int j = 0; j < width; j++) {
                addTo(dTable, row * width + j, get(dOut, r * width + j));
            }
        }
    }

    /** out (rows, total) = parts[p] (rows, widths[p]) side by side. */
    static void concatLastForward(HostBuffer out, List<HostBuffer> parts, int rows, int[] widths, int total) {
        for (int r = 0; r < rows; r++) {
            int col = 0;
            for (int p = 0; p < widths.length; p++) {
                for (int j = 0; j < widths[p]; j++) {
                    set(out, r * total + col + j, get(parts.get(p), r * widths[p] + j));
                }
                col += widths[p];
            }
        }
    }

    /** dParts[p] (rows, widths[p]) += its columns of dOut (rows, total); null parts are skipped. */
    static void concatLastBackward(List<HostBuffer> dParts, HostBuffer dOut, int rows, int[] widths, int total) {
        for (int r = 0; r < rows; r++) {
            int col = 0;
            for (int p = 0; p < widths.length; p++) {
                HostBuffer dx = dParts.get(p);
                for (int j = 0; dx != null && j < widths[p]; j++) {
                    addTo(dx, r * widths[p] + j, get(dOut, r * total + col + j));
                }
                col += widths[p];
            }
        }
    }

    /** out (rows, width) = columns [col0, col0 + width) of in (rows, inWidth). */
    static void sliceLastForward(HostBuffer out, HostBuffer in, int rows, int inWidth, int col0, int width) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                set(out, r * width + j, get(in, r * inWidth + col0 + j));
            }
        }
    }

    /** columns [col0, col0 + width) of dIn (rows, inWidth) += dOut (rows, width); a null dIn is skipped. */
    static void sliceLastBackward(HostBuffer dIn, HostBuffer dOut, int rows, int inWidth, int col0, int width) {
        if (dIn == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                addTo(dIn, r * inWidth + col0 + j, get(dOut, r * width + j));
            }
        }
    }
}
