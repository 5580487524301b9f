package org.samplex.api;

import java.util.Map;

/**
 * Options for {@link BackendProvider#open}.
 *
 * @param threads worker threads for backends that use host threads; 0 means all available processors
 * @param extra   backend-specific settings ("tf32" = "true", ...); unknown keys are rejected by the backend
 */
public record BackendOptions(int threads, Map<String, String> extra) {

    public BackendOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        }
        extra = Map.copyOf(extra);
    }

    /** All processors, no extra settings. */
    public static BackendOptions defaults() {
        return new BackendOptions(0, Map.of());
    }

    public static BackendOptions threads(int threads) {
        return new BackendOptions(threads, Map.of());
    }

    /** The thread count to use: {@link #threads()} or, when 0, the number of available processors. */
    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
