/**
 * Pure-Java backends: {@code reference} (float64, scalar, the oracle) and {@code cpu} (float32, multi-threaded,
 * Vector API).
 */
module org.samplex.backend.cpu {
    requires org.samplex.api;
    requires jdk.incubator.vector;

    provides org.samplex.api.BackendProvider with
            org.samplex.backend.cpu.CpuBackendProvider,
            org.samplex.backend.cpu.ReferenceBackendProvider;
}
