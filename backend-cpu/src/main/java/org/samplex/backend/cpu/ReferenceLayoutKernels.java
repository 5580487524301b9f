package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.ReferenceBackend.addTo;
import static org.samplex.backend.cpu.ReferenceBackend.get;
import static org.samplex.backend.cpu.ReferenceBackend.positive;
import static org.samplex.backend.cpu.ReferenceBackend.set;

import java.util.List;
import org.samplex.api.Buffer;
import org.samplex.api.DType;

/** The reference's indexing and layout kernels: row gathers, concatenation and slicing along the last axis. */
final class ReferenceLayoutKernels {
    private ReferenceLayoutKernels() {
    }


    static void gatherRowsForward(ReferenceBackend be, Buffer out, Buffer table, Buffer index, int n, int width) {
        long size = (long) positive("gatherRowsForward n", n) * positive("gatherRowsForward width", width);
        HostBuffer o = be.arg("gatherRowsForward out", out, size);
        HostBuffer t = be.arg("gatherRowsForward table", table, width);
        HostBuffer idx = be.arg("gatherRowsForward index", index, DType.INT32, n);
        int[] rows = checkedIndices("gatherRowsForward index", idx, n, t.length / width);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                set(o, r * width + j, get(t, rows[r] * width + j));
            }
        }
    }

    static void gatherRowsBackward(ReferenceBackend be, Buffer dTable, Buffer dOut, Buffer index, int n,
                                   int width) {
        long size = (long) positive("gatherRowsBackward n", n) * positive("gatherRowsBackward width", width);
        HostBuffer dt = be.optional("gatherRowsBackward dTable", dTable, width);
        HostBuffer dy = be.arg("gatherRowsBackward dOut", dOut, size);
        HostBuffer idx = be.arg("gatherRowsBackward index", index, DType.INT32, n);
        if (dt == null) {
            return;
        }
        int[] rows = checkedIndices("gatherRowsBackward index", idx, n, dt.length / width);
        // rows may repeat: their gradients add up, in row order
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                addTo(dt, rows[r] * width + j, get(dy, r * width + j));
            }
        }
    }

    private static int[] checkedIndices(String what, HostBuffer index, int n, int tableRows) {
        int[] rows = new int[n];
        for (int r = 0; r < n; r++) {
            rows[r] = index.i[index.offset + r];
            if (rows[r] < 0 || rows[r] >= tableRows) {
                throw new IllegalArgumentException(what + " " + r + " is " + rows[r] + ", outside [0, " + tableRows
                        + ")");
            }
        }
        return rows;
    }

    static void concatLastForward(ReferenceBackend be, Buffer out, List<Buffer> parts, int rows, int[] widths) {
        positive("concatLastForward rows", rows);
        int total = totalWidth("concatLastForward", parts.size(), widths);
        HostBuffer o = be.arg("concatLastForward out", out, (long) rows * total);
        HostBuffer[] in = new HostBuffer[parts.size()];
        for (int p = 0; p < in.length; p++) {
            in[p] = be.arg("concatLastForward parts[" + p + "]", parts.get(p), (long) rows * widths[p]);
        }
        for (int r = 0; r < rows; r++) {
            int col = 0;
            for (int p = 0; p < in.length; p++) {
                for (int j = 0; j < widths[p]; j++) {
                    set(o, r * total + col + j, get(in[p], r * widths[p] + j));
                }
                col += widths[p];
            }
        }
    }

    static void concatLastBackward(ReferenceBackend be, List<Buffer> dParts, Buffer dOut, int rows,
                                   int[] widths) {
        positive("concatLastBackward rows", rows);
        int total = totalWidth("concatLastBackward", dParts.size(), widths);
        HostBuffer dy = be.arg("concatLastBackward dOut", dOut, (long) rows * total);
        HostBuffer[] dx = new HostBuffer[dParts.size()];
        for (int p = 0; p < dx.length; p++) {
            dx[p] = be.optional("concatLastBackward dParts[" + p + "]", dParts.get(p), (long) rows * widths[p]);
        }
        for (int r = 0; r < rows; r++) {
            int col = 0;
            for (int p = 0; p < dx.length; p++) {
                for (int j = 0; dx[p] != null && j < widths[p]; j++) {
                    addTo(dx[p], r * widths[p] + j, get(dy, r * total + col + j));
                }
                col += widths[p];
            }
        }
    }

    private static int totalWidth(String kernel, int parts, int[] widths) {
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

    static void sliceLastForward(ReferenceBackend be, Buffer out, Buffer in, int rows, int inWidth, int col0,
                                 int width) {
        checkColumns("sliceLastForward", rows, inWidth, col0, width);
        HostBuffer o = be.arg("sliceLastForward out", out, (long) rows * width);
        HostBuffer x = be.arg("sliceLastForward in", in, (long) rows * inWidth);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                set(o, r * width + j, get(x, r * inWidth + col0 + j));
            }
        }
    }

    static void sliceLastBackward(ReferenceBackend be, Buffer dIn, Buffer dOut, int rows, int inWidth, int col0,
                                  int width) {
        checkColumns("sliceLastBackward", rows, inWidth, col0, width);
        HostBuffer dx = be.optional("sliceLastBackward dIn", dIn, (long) rows * inWidth);
        HostBuffer dy = be.arg("sliceLastBackward dOut", dOut, (long) rows * width);
        if (dx == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                addTo(dx, r * inWidth + col0 + j, get(dy, r * width + j));
            }
        }
    }

    private static void checkColumns(String kernel, int rows, int inWidth, int col0, int width) {
        positive(kernel + " rows", rows);
        positive(kernel + " inWidth", inWidth);
        positive(kernel + " width", width);
        if (col0 < 0 || col0 + (long) width > inWidth) {
            throw new IllegalArgumentException(kernel + " col0: columns [" + col0 + ", " + ((long) col0 + width)
                    + ") are outside [0, " + inWidth + ")");
        }
    }
}
