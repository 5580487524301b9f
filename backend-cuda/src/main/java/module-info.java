/**
 * CUDA backend (cuBLAS + NVRTC kernels through JavaCPP's cuda presets). Discovery and {@code probe()} look for
 * the driver and CUDA 13 libraries on disk before any JavaCPP class is touched, so a machine without a GPU never
 * loads native code.
 */
module org.samplex.backend.cuda {
    requires org.samplex.api;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.cuda;

    provides org.samplex.api.BackendProvider with org.samplex.backend.cuda.CudaBackendProvider;
}
