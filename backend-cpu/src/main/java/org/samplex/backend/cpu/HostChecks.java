package org.samplex.backend.cpu;

import java.util.Arrays;
import org.samplex.api.KernelChecks;

/** The host-buffer part of the kernel checks; the size checks themselves are {@link KernelChecks}. */
final class HostChecks {
    private HostChecks() {
    }

    /** The first n indices (an INT32 buffer), each checked to lie in [0, tableRows). */
    static int[] checkedIndices(String what, HostBuffer index, int n, int tableRows) {
        int[] rows = Arrays.copyOfRange(index.i, index.offset, index.offset + n);
        KernelChecks.checkIndices(what, rows, tableRows);
        return rows;
    }
}
