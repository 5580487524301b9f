package org.samplex.api;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link BackendProvider} found when asked whether it can run here.
 *
 * @param available whether {@link BackendProvider#open} is expected to succeed
 * @param reason    when unavailable, the first missing piece in plain words (for example
 *                  "no NVIDIA driver: libcuda.so.1 not found"); when available, a one-line summary of the device
 * @param details   further facts for {@code samplex doctor}, one "key: value" line each
 */
public record Probe(boolean available, String reason, List<String> details) {

    public Probe {
        Objects.requireNonNull(reason, "reason");
        details = List.copyOf(details);
    }

    public static Probe available(String summary, List<String> details) {
        return new Probe(true, summary, details);
    }

    public static Probe unavailable(String reason, List<String> details) {
        return new Probe(false, reason, details);
    }
}
