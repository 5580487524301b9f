package org.samplex.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendUnavailableException;
import org.samplex.api.Probe;

class CudaBackendProviderTest {

    @TempDir
    Path dir;

    private final AtomicInteger queries = new AtomicInteger();

    /** A device query that must not be reached unless every library is present. */
    private DeviceQuery countingQuery(DeviceQuery.Result result) {
        return () -> {
            queries.incrementAndGet();
            return result;
        };
    }

    private CudaBackendProvider fake(DeviceQuery query) {
        return new CudaBackendProvider(List.of(dir), false, query);
    }

    private void touch(String... names) throws IOException {
        for (String n : names) {
            Files.createFile(dir.resolve(n));
        }
    }

    @Test
    void nameAndRankNeedNothing() {
        CudaBackendProvider p = new CudaBackendProvider();
        assertEquals("cuda", p.name());
        assertEquals(100, p.rank());
        assertFalse(p.description().isBlank());
    }

    @Test
    void reportsTheFirstMissingLibraryInOrder() throws IOException {
        DeviceQuery.Result none = new DeviceQuery.Result(13000, 13000, List.of(), null);
        assertEquals("no NVIDIA driver: libcuda.so.1 not found", fake(countingQuery(none)).probe().reason());

        touch("libcuda.so.1");
        assertTrue(fake(countingQuery(none)).probe().reason().contains("libcudart.so.13"));

        touch("libcudart.so.13");
        assertTrue(fake(countingQuery(none)).probe().reason().startsWith("cuBLAS 13 not found: libcublas.so.13"));

        touch("libcublas.so.13");
        assertTrue(fake(countingQuery(none)).probe().reason().contains("libcublasLt.so.13"));

        touch("libcublasLt.so.13");
        assertTrue(fake(countingQuery(none)).probe().reason().startsWith("NVRTC 13 not found"));
        assertEquals(0, queries.get(), "the driver is asked only when every library is on disk");

        touch("libnvrtc.so.13");
        Probe p = fake(countingQuery(none)).probe();
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("no CUDA device"), p.reason());
        assertEquals(1, queries.get());
    }

    @Test
    void laterLibrariesAreStillListedWhenAnEarlierOneIsMissing() throws IOException {
        touch("libcudart.so.13", "libnvrtc.so.13");
        Probe p = fake(countingQuery(null)).probe();
        assertTrue(p.reason().contains("libcuda.so.1"));
        Map<String, String> d = details(p);
        assertEquals("not found", d.get("libcuda.so.1"));
        assertTrue(d.get("libcudart.so.13").startsWith(dir.resolve("libcudart.so.13").toString()));
        assertTrue(d.get("libnvrtc.so.13").startsWith(dir.resolve("libnvrtc.so.13").toString()));
        assertEquals("not found", d.get("libcublas.so.13"));
        assertTrue(d.get("searched").contains(dir.toString()));
        assertNotNull(d.get("javacpp cache"));
        assertEquals(0, queries.get());
    }

    @Test
    void aDanglingSymlinkCountsAsMissing() throws IOException {
        Files.createSymbolicLink(dir.resolve("libcuda.so.1"), dir.resolve("libcuda.so.580"));
        assertTrue(fake(countingQuery(null)).probe().reason().contains("libcuda.so.1"));
    }

    @Test
    void driverProblemsAndLoadFailuresBecomeReasons() throws IOException {
        touch("libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libnvrtc.so.13");

        Probe initFailed = fake(countingQuery(new DeviceQuery.Result(13000, 13000, List.of(),
                "cuInit failed: CUDA_ERROR_NO_DEVICE (100)"))).probe();
        assertFalse(initFailed.available());
        assertTrue(initFailed.reason().contains("CUDA_ERROR_NO_DEVICE"), initFailed.reason());

        Probe linkFailed = fake(() -> {
            throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file");
        }).probe();
        assertFalse(linkFailed.available());
        assertTrue(linkFailed.reason().contains("cannot open shared object file"), linkFailed.reason());
    }

    @Test
    void aDeviceMakesTheProbeAvailableWithItsSummary() throws IOException {
        touch("libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libnvrtc.so.13");
        CudaBackendProvider p = fake(countingQuery(new DeviceQuery.Result(13000, 13000,
                List.of("NVIDIA H200, compute capability 9.0, 140.4 GiB"), null)));
        Probe probe = p.probe();
        assertTrue(probe.available(), probe.reason());
        assertEquals("NVIDIA H200, compute capability 9.0, 140.4 GiB, driver CUDA 13.0", probe.reason());
        assertEquals("CUDA 13.0", details(probe).get("driver"));
        assertEquals("1", details(probe).get("devices"));
    }

    @Test
    void optionsAreCheckedBeforeTheDevice() {
        CudaBackendProvider p = fake(countingQuery(null));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> p.open(new BackendOptions(0, Map.of("tf16", "true"))));
        assertEquals("backend 'cuda' has no option 'tf16'; accepted: tf32 (true or false)", unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> p.open(new BackendOptions(0, Map.of("tf32", "yes"))));
        assertTrue(bad.getMessage().contains("'tf32' takes true or false, got 'yes'"), bad.getMessage());
        assertTrue(CudaBackendProvider.tf32(new BackendOptions(0, Map.of("tf32", "true"))));
        assertFalse(CudaBackendProvider.tf32(BackendOptions.defaults()));
        assertThrows(BackendUnavailableException.class, () -> p.open(new BackendOptions(0, Map.of("tf32", "false"))));
    }

    @Test
    void theProbeIsComputedOnce() throws IOException {
        touch("libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libnvrtc.so.13");
        CudaBackendProvider p = fake(countingQuery(new DeviceQuery.Result(0, 0, List.of(), null)));
        p.probe();
        p.probe();
        assertEquals(1, queries.get());
    }

    @Test
    void openThrowsWithTheProbesReason() {
        CudaBackendProvider p = fake(countingQuery(null));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> p.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("libcuda.so.1 not found"), e.getMessage());
    }

    /** The machines that build samplex without a GPU have no driver; the real probe must say so and not throw. */
    @Test
    void theRealProbeHereNamesTheDriver() {
        assumeTrue(LibrarySearch.system().find("libcuda.so.1").isEmpty(), "this machine has an NVIDIA driver");
        CudaBackendProvider p = new CudaBackendProvider();
        Probe probe = p.probe();
        assertFalse(probe.available());
        assertTrue(probe.reason().contains("libcuda.so.1"), probe.reason());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> p.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().contains(probe.reason()));
    }

    private static Map<String, String> details(Probe p) {
        return p.details().stream().map(l -> l.split(": ", 2))
                .collect(java.util.stream.Collectors.toMap(a -> a[0], a -> a[1], (a, b) -> a));
    }
}
