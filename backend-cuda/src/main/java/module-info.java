/** CUDA backend (cuBLAS + NVRTC kernels through JavaCPP). */
module org.samplex.backend.cuda {
    requires org.samplex.api;
}
