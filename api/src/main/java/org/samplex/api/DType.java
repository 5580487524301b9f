package org.samplex.api;

/** Element type of a {@link Buffer}. Training math runs in FLOAT32 (FLOAT64 on the reference backend); INT32 holds indices. */
public enum DType {
    FLOAT32(4),
    FLOAT64(8),
    INT32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
