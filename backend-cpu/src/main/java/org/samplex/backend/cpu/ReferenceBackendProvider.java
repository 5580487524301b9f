package org.samplex.backend.cpu;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.Probe;

/** The float64 scalar oracle: always available, never chosen by "auto" over a faster backend. */
public final class ReferenceBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "float64, scalar, single-threaded: the oracle every other backend is checked against";
    }

    /** Kernels run on this machine's cores. */
    @Override
    public boolean hostThreads() {
        return true;
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public Probe probe() {
        return Probe.available("float64 on the JVM heap, 1 thread", List.of("precision: float64", "threads: 1"));
    }

    @Override
    public Backend open(BackendOptions options) {
        if (!options.extra().isEmpty()) {
            throw new IllegalArgumentException("backend 'reference' takes no options, got " + options.extra().keySet());
        }
        return new ReferenceBackend();
    }
}
