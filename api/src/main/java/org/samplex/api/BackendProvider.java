package org.samplex.api;

/**
 * Service-provider entry point for a backend, found with {@link java.util.ServiceLoader}.
 *
 * <p>Contract: constructing a provider and calling {@link #name}, {@link #rank} or {@link #description} never
 * loads native code and never throws. {@link #probe} may load natives to look for a device but never throws:
 * every failure becomes an unavailable {@link Probe} with a reason. {@link #open} does the real work.
 */
public interface BackendProvider {

    /** Short unique name used on the command line ("reference", "cpu", "cuda"). */
    String name();

    /** One line for {@code samplex list}. */
    String description();

    /** Preference among available backends for {@code --backend auto}: higher wins. */
    int rank();

    /** Whether this backend can run here, and if not the first missing piece. Never throws. */
    Probe probe();

    /**
     * Opens the backend; the caller owns the result and closes it.
     *
     * @throws BackendUnavailableException when the backend cannot run here, with the probe's reason
     * @throws IllegalArgumentException    when an option is invalid, naming the option and the accepted values
     */
    Backend open(BackendOptions options);

    /**
     * Whether this backend computes with host threads ({@link BackendOptions#threads}), as the cpu backends do. A
     * pack of runs (a sweep's {@code --pack}) gains there only up to one run per thread: a larger pack's weights no
     * longer stay in the cores' caches (measured in docs/measurements.md), so sweeps cap packs at the threads of
     * a run. False by default: a device backend packs as many runs as asked.
     */
    default boolean hostThreads() {
        return false;
    }
}
