package org.samplex.backend.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Java heap bytes allocated by threads, from HotSpot's per-thread allocation counters
 * ({@code com.sun.management.ThreadMXBean}).
 *
 * <p>This module does not read java.management or jdk.management (tests are patched into it), so the bean is
 * reached by reflection and its two counters through method handles, which need no readability. Reading a counter
 * allocates nothing once the handles are linked: {@code getTotalThreadAllocatedBytes()} and
 * {@code getThreadAllocatedBytes(long)} return a primitive straight from the VM (the array-taking variant would
 * allocate its result, so it is not used). {@link AllocationTest} checks that an empty window measures 0 bytes and
 * that a window allocating an array measures at least its size.
 */
final class HeapAllocations {
    private static final Object BEAN;
    private static final MethodHandle TOTAL;
    private static final MethodHandle OF_THREAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> plain = Class.forName("java.lang.management.ThreadMXBean");
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            BEAN = lookup.findStatic(factory, "getThreadMXBean", MethodType.methodType(plain)).invoke();
            if (!hotspot.isInstance(BEAN)) {
                throw new IllegalStateException("the ThreadMXBean is not HotSpot's: " + BEAN.getClass());
            }
            TOTAL = lookup.findVirtual(hotspot, "getTotalThreadAllocatedBytes", MethodType.methodType(long.class))
                    .asType(MethodType.methodType(long.class, Object.class));
            OF_THREAD = lookup.findVirtual(hotspot, "getThreadAllocatedBytes",
                    MethodType.methodType(long.class, long.class))
                    .asType(MethodType.methodType(long.class, Object.class, long.class));
            MethodHandle supported = lookup.findVirtual(hotspot, "isThreadAllocatedMemorySupported",
                    MethodType.methodType(boolean.class));
            MethodHandle enabled = lookup.findVirtual(hotspot, "isThreadAllocatedMemoryEnabled",
                    MethodType.methodType(boolean.class));
            if (!(boolean) supported.invoke(BEAN) || !(boolean) enabled.invoke(BEAN)) {
                throw new IllegalStateException("this JVM does not count allocated bytes per thread");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot reach com.sun.management.ThreadMXBean", e);
        }
    }

    private HeapAllocations() {
    }

    /** Bytes allocated so far by all threads, live and ended, since the JVM started. */
    static long total() {
        try {
            return (long) TOTAL.invokeExact(BEAN);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes allocated so far by the live thread {@code id}, or -1 once it has ended. */
    static long ofThread(long id) {
        try {
            return (long) OF_THREAD.invokeExact(BEAN, id);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The live threads, taken before a window opens (listing them allocates), with room for their counters, so
     * that a window can be attributed thread by thread without allocating.
     */
    static final class Threads {
        final Thread[] threads;
        final long[] ids;
        /** Whether thread t can run a cpu kernel: the thread that lists them, or a samplex-cpu pool worker. */
        final boolean[] kernel;
        final long[] before;
        final long[] after;

        Threads() {
            List<Thread> live = new ArrayList<>(Thread.getAllStackTraces().keySet());
            threads = live.toArray(Thread[]::new);
            ids = new long[threads.length];
            kernel = new boolean[threads.length];
            for (int t = 0; t < threads.length; t++) {
                ids[t] = threads[t].threadId();
                kernel[t] = threads[t] == Thread.currentThread() || threads[t].getName().startsWith("samplex-cpu-");
            }
            before = new long[ids.length];
            after = new long[ids.length];
        }

        void readBefore() {
            read(before);
        }

        void readAfter() {
            read(after);
        }

        private void read(long[] into) {
            for (int t = 0; t < ids.length; t++) {
                into[t] = ofThread(ids[t]);
            }
        }

        /** Bytes thread t allocated between the two reads (0 for a thread that ended meanwhile). */
        long delta(int t) {
            return before[t] < 0 || after[t] < 0 ? 0 : after[t] - before[t];
        }

        /** Bytes the kernel threads allocated between the two reads. */
        long kernelBytes() {
            long sum = 0;
            for (int t = 0; t < ids.length; t++) {
                if (kernel[t]) {
                    sum += delta(t);
                }
            }
            return sum;
        }

        /** "name: bytes" for every thread that allocated between the two reads. */
        String allocating() {
            StringBuilder s = new StringBuilder();
            for (int t = 0; t < ids.length; t++) {
                if (delta(t) != 0) {
                    s.append(s.isEmpty() ? "" : ", ").append(threads[t].getName()).append(": ").append(delta(t));
                }
            }
            return s.isEmpty() ? "no live thread" : s.toString();
        }
    }
}
