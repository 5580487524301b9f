package org.samplex.backend.cuda;

import org.samplex.api.KernelChecks;

/** The cuda backend's own limit on top of the shared {@link KernelChecks}: the attention kernels' head width. */
final class CudaChecks {
    /** Head widths the attention kernels hold in registers: 8 chunks of a warp's 32 lanes. */
    static final int MAX_HEAD_WIDTH = 256;

    private CudaChecks() {
    }

    /** {@link KernelChecks#attentionShape}, and a head width the kernels hold. */
    static void attentionShape(String kernel, int batch, int positions, int heads, int headWidth) {
        KernelChecks.attentionShape(kernel, batch, positions, heads, headWidth);
        if (headWidth > MAX_HEAD_WIDTH) {
            throw new IllegalArgumentException(kernel + " headWidth must be at most " + MAX_HEAD_WIDTH
                    + " on the cuda backend, got " + headWidth);
        }
    }
}
