package org.samplex.backend.cpu;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.Probe;

/** The float32 multi-threaded pure-Java backend: the fallback wherever no GPU is. */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "float32, pure Java, multi-threaded, jdk.incubator.vector kernels";
    }

    /** Kernels run on this machine's cores. */
    @Override
    public boolean hostThreads() {
        return true;
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public Probe probe() {
        int cores = Runtime.getRuntime().availableProcessors();
        return Probe.available("float32 on " + cores + " cores, " + CpuBackend.vectorDescription(),
                List.of("precision: float32", "processors: " + cores, "vector: " + CpuBackend.vectorDescription()));
    }

    @Override
    public Backend open(BackendOptions options) {
        if (!options.extra().isEmpty()) {
            throw new IllegalArgumentException("backend 'cpu' takes no options, got " + options.extra().keySet());
        }
        return new CpuBackend(options.resolvedThreads());
    }
}
