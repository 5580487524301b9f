package org.samplex.backend.cpu;

import org.samplex.api.KernelChecks;

/** The host-buffer part of the kernel checks; the size checks themselves are {@link KernelChecks}. */
final class HostChecks {
    private HostChecks() {
    }

    /**
     * The first n indices of an INT32 buffer, each checked in place (nothing is copied or allocated) to lie in
     * [0, tableRows).
     */
    static void checkIndices(String what, HostBuffer index, int n, int tableRows) {
        KernelChecks.checkIndices(what, index.i, index.offset, n, tableRows);
    }
}
