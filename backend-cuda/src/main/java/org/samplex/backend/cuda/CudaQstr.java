package org.samplex.backend.cuda;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.samplex.api.QstrPrompts;
import org.samplex.api.rng.RngStream;

/**
 * qstr.cu's three launches for {@link CudaBackend#qstrPrompts}: device scratch for a batch's normals (doubles) and
 * pointers (ints), grown as batches grow and kept, and each task's tables (positional codes, link directions)
 * uploaded once per table content (at most {@link #KEPT} kept). Raw device blocks, freed by {@link #close}
 * when the backend releases its device; they are not buffers, so a run's buffer count is not changed by them.
 */
final class CudaQstr implements AutoCloseable {
    /**
     * Tasks whose tables stay uploaded (a few KB each): every run of a pack has a task of its own, equal in content
     * when their task seeds are, so tables are kept by content and enough of them for the largest pack.
     */
    private static final int KEPT = 1024;

    private final CudaDevice device;
    private long x;
    private long xBytes;
    private long t;
    private long tBytes;
    /** Per task table content: the device addresses of its code table and directions (0: none). */
    private final Map<Tables, long[]> tables = new LinkedHashMap<>();

    /** Each task's table key, made (and hashed) once per task rather than on every refill. */
    private final Map<QstrPrompts, Tables> keys = new IdentityHashMap<>();

    /** A task's tables by content (a record's arrays compare by identity), hashed once. */
    private static final class Tables {
        final double[] code;
        final double[] directions;
        final int hash;

        Tables(double[] code, double[] directions) {
            this.code = code;
            this.directions = directions;
            this.hash = 31 * Arrays.hashCode(code) + Arrays.hashCode(directions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tables t && hash == t.hash && Arrays.equals(code, t.code)
                    && Arrays.equals(directions, t.directions);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    CudaQstr(CudaDevice device) {
        this.device = device;
    }

    /** Prompts [first, first + count) of the stream into input (count, N, D) and labels (count, N); args checked. */
    void generate(CudaMemory be, QstrPrompts p, CudaBuffer input, CudaBuffer labels, RngStream s, long first,
                  int count) {
        int n = p.positions();
        int d = p.contentWidth();
        int q = p.pointers();
        long xa = scratchX(8L * count * n * d);
        long ta = scratchT(4L * count * n * q);
        long[] tab = tables(p);
        int rows = p.simple() ? 1 : n;
        be.run("qstr", "qstr_content", (long) count * (((long) n * d + 1) / 2), xa, count, first, n, d,
                p.halfContent() ? 1 : 0, s.k0(), s.k1());
        be.run("qstr", "qstr_pointers", (long) count * rows, ta, count, first, n, q, p.simple() ? 1 : 0,
                p.distinct() ? 1 : 0, s.k0(), s.k1());
        be.run("qstr", "qstr_assemble", (long) count * n, input.address(), labels.address(), xa, ta, tab[0], tab[1],
                count, first, n, d, q, p.codeWidth(), p.link(), p.resampled() ? 1 : 0, p.codeAmplitude(),
                p.noise(), p.halfContent() ? 1 : 0, s.k0(), s.k1());
    }

    private long scratchX(long bytes) {
        if (bytes > xBytes) {
            free(x);
            x = 0;
            xBytes = 0;                      // a failed allocation leaves no size behind for a null block
            x = device.allocate(bytes);
            xBytes = bytes;
        }
        return x;
    }

    private long scratchT(long bytes) {
        if (bytes > tBytes) {
            free(t);
            t = 0;
            tBytes = 0;
            t = device.allocate(Math.max(4, bytes));
            tBytes = bytes;
        }
        return t;
    }

    private long[] tables(QstrPrompts p) {
        if (keys.size() >= 2 * KEPT) {
            keys.clear();
        }
        Tables key = keys.computeIfAbsent(p, q -> new Tables(q.code(), q.directions()));
        long[] kept = tables.get(key);
        if (kept != null) {
            return kept;
        }
        if (tables.size() == KEPT) {
            var eldest = tables.entrySet().iterator().next();
            free(eldest.getValue()[0]);
            free(eldest.getValue()[1]);
            tables.remove(eldest.getKey());
        }
        long[] made = {0, 0};
        try {
            made[0] = upload(p.code());
            made[1] = upload(p.directions());
        } catch (RuntimeException e) {
            free(made[0]);
            throw e;
        }
        tables.put(key, made);
        return made;
    }

    /** The doubles on the device as they are (no rounding to float); 0 for null or empty. */
    private long upload(double[] host) {
        if (host == null || host.length == 0) {
            return 0;
        }
        long address = device.allocate(8L * host.length);
        try (DoublePointer from = new DoublePointer(host)) {
            device.toDevice(address, from, 8L * host.length);
        } catch (RuntimeException e) {
            device.free(address);
            throw e;
        }
        return address;
    }

    private void free(long address) {
        if (address != 0) {
            device.free(address);
        }
    }

    /** Frees every block; called before the device closes. */
    @Override
    public void close() {
        free(x);
        free(t);
        x = 0;
        t = 0;
        xBytes = 0;
        tBytes = 0;
        for (long[] tab : tables.values()) {
            free(tab[0]);
            free(tab[1]);
        }
        tables.clear();
        keys.clear();
    }
}
