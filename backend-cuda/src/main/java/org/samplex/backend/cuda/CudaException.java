package org.samplex.backend.cuda;

/**
 * A CUDA driver, cuBLAS or NVRTC call failed. The message names the call (with its size where that helps) and the
 * status, for example "cuMemAlloc of 64 MiB: CUDA_ERROR_OUT_OF_MEMORY (2)"; NVRTC failures carry the compile log.
 */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }
}
