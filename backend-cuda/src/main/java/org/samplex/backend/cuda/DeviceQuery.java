package org.samplex.backend.cuda;

import java.util.List;

/**
 * Asks the CUDA driver what it sees. Called only after every library the backend needs was found on disk, because
 * the real implementation ({@link NativeDeviceQuery}) loads them.
 */
@FunctionalInterface
interface DeviceQuery {

    /**
     * What the driver reported.
     *
     * @param driverVersion  cuDriverGetVersion, e.g. 13000 for CUDA 13.0; 0 when unknown
     * @param runtimeVersion cudaRuntimeGetVersion of the libcudart that was loaded; 0 when unknown
     * @param devices        one line per device ("NVIDIA H200, compute capability 9.0, 140.4 GiB")
     * @param problem        null when cuInit and cuDeviceGetCount succeeded; otherwise what failed, in words
     */
    record Result(int driverVersion, int runtimeVersion, List<String> devices, String problem) {
        public Result {
            devices = List.copyOf(devices);
        }
    }

    /** May throw anything a failed native load throws (UnsatisfiedLinkError, ...); the caller wraps it. */
    Result query() throws Exception;

    /** "13.0" from 13000. */
    static String version(int v) {
        return v <= 0 ? "unknown" : (v / 1000) + "." + (v % 1000) / 10;
    }
}
