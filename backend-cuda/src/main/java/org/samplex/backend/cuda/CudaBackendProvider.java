package org.samplex.backend.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.BackendUnavailableException;
import org.samplex.api.Probe;

/**
 * The CUDA backend's entry point. The probe checks, in order and without loading anything, for the driver
 * (libcuda.so.1), the CUDA 13 runtime, cuBLAS and NVRTC, and only then asks the driver for devices through JavaCPP.
 * It reports the first missing piece; the probe is computed once per provider.
 */
public final class CudaBackendProvider implements BackendProvider {

    /** The backend options {@link #open} accepts, with their values. */
    static final String ACCEPTED_OPTIONS = "tf32 (true or false)";

    /** A library the backend needs: its file name and the words for "missing". */
    private record Need(String soname, String missing) {
    }

    private static final List<Need> NEEDS = List.of(
            new Need("libcuda.so.1", "no NVIDIA driver: libcuda.so.1 not found"),
            new Need("libcudart.so.13", "CUDA runtime 13 not found: libcudart.so.13 not found"),
            new Need("libcublas.so.13", "cuBLAS 13 not found: libcublas.so.13 not found"),
            new Need("libcublasLt.so.13", "cuBLAS 13 not found: libcublasLt.so.13 not found"),
            new Need("libnvrtc.so.13", "NVRTC 13 not found: libnvrtc.so.13 not found"));

    private final LibrarySearch search;
    private final DeviceQuery deviceQuery;
    private volatile Probe probe;

    /** The provider ServiceLoader creates: searches where this process's dynamic loader would. */
    public CudaBackendProvider() {
        // The search is built lazily on the first probe: discovery reads no environment and runs nothing. A lambda,
        // not a method reference, so NativeDeviceQuery (and through it JavaCPP) is not even resolved until called.
        this(null, () -> NativeDeviceQuery.query());
    }

    /**
     * For tests: searches only {@code dirs} (and the ldconfig cache when asked), and asks {@code deviceQuery}
     * instead of the driver.
     */
    CudaBackendProvider(List<Path> dirs, boolean useLdconfig, DeviceQuery deviceQuery) {
        this(new LibrarySearch(List.of(), dirs, useLdconfig), deviceQuery);
    }

    private CudaBackendProvider(LibrarySearch search, DeviceQuery deviceQuery) {
        this.search = search;
        this.deviceQuery = deviceQuery;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "float32 on an NVIDIA GPU: cuBLAS GEMMs and NVRTC kernels through JavaCPP (CUDA 13)";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (this) {
                if (probe == null) {
                    probe = computeProbe();
                }
                p = probe;
            }
        }
        return p;
    }

    @Override
    public Backend open(BackendOptions options) {
        boolean tf32 = tf32(options);
        Probe p = probe();
        if (!p.available()) {
            throw new BackendUnavailableException(name(), p.reason());
        }
        return new CudaBackend(new CudaDevice(0, tf32));
    }

    /** Whether TF32 tensor-core GEMMs were asked for; any other key or value is rejected by name. */
    static boolean tf32(BackendOptions options) {
        boolean tf32 = false;
        for (var e : options.extra().entrySet()) {
            if (!e.getKey().equals("tf32")) {
                throw new IllegalArgumentException("backend 'cuda' has no option '" + e.getKey() + "'; accepted: "
                        + ACCEPTED_OPTIONS);
            }
            tf32 = switch (e.getValue()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("backend 'cuda' option 'tf32' takes true or false, got '"
                        + e.getValue() + "'");
            };
        }
        return tf32;
    }

    private Probe computeProbe() {
        List<String> details = new ArrayList<>();
        try {
            LibrarySearch s = search != null ? search : LibrarySearch.system();
            String firstMissing = null;
            for (Need need : NEEDS) {
                Optional<LibrarySearch.Hit> hit = s.find(need.soname());
                details.add(need.soname() + ": "
                        + hit.map(h -> h.path() + " (" + h.via() + ")").orElse("not found"));
                if (hit.isEmpty() && firstMissing == null) {
                    firstMissing = need.missing();
                }
            }
            details.add("searched: " + s.describe());
            details.add("javacpp cache: " + javacppCacheDir());
            if (firstMissing != null) {
                return Probe.unavailable(firstMissing, details);
            }
            return probeDevice(details);
        } catch (RuntimeException | Error e) {
            // The contract says probe() never throws; whatever went wrong becomes the reason.
            return Probe.unavailable("the CUDA probe failed: " + e, details);
        }
    }

    private Probe probeDevice(List<String> details) {
        DeviceQuery.Result r;
        try {
            r = deviceQuery.query();
        } catch (Throwable t) {
            return Probe.unavailable("the CUDA libraries were found but could not be loaded: " + t, details);
        }
        details.add("driver: CUDA " + DeviceQuery.version(r.driverVersion()));
        details.add("runtime: CUDA " + DeviceQuery.version(r.runtimeVersion()));
        details.add("devices: " + r.devices().size());
        for (int i = 0; i < r.devices().size(); i++) {
            details.add("device " + i + ": " + r.devices().get(i));
        }
        if (r.problem() != null) {
            return Probe.unavailable("no usable CUDA device: " + r.problem(), details);
        }
        if (r.devices().isEmpty()) {
            return Probe.unavailable("no CUDA device: the driver reports 0 devices", details);
        }
        return Probe.available(r.devices().getFirst() + ", driver CUDA " + DeviceQuery.version(r.driverVersion()),
                details);
    }

    static String javacppCacheDir() {
        String dir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (dir == null || dir.isBlank()) {
            dir = Path.of(System.getProperty("user.home", ""), ".javacpp", "cache").toString() + " (default)";
        }
        return dir;
    }
}
