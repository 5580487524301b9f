package org.samplex.bench;

import java.util.SplittableRandom;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.Services;

/** What the kernel benchmarks share: opening a backend by name and filling buffers with fixed random data. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * The backend of that name, found by service discovery on the class path, with that many worker threads.
     *
     * @throws IllegalArgumentException for an unknown backend (listing the known ones) or threads < 1
     */
    static Backend open(String backend, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return Services.discover().backend(backend).open(BackendOptions.threads(threads));
    }

    /** A new buffer of {@code length} elements from U(-1, 1) with a fixed seed: every run sees the same data. */
    static Buffer uniform(Backend be, long length, long seed) {
        Buffer x = be.allocate(length);
        SplittableRandom r = new SplittableRandom(seed);
        double[] host = new double[Math.toIntExact(length)];
        for (int i = 0; i < host.length; i++) {
            host[i] = r.nextDouble(-1, 1);
        }
        be.copyFromHost(x, host);
        return x;
    }
}
