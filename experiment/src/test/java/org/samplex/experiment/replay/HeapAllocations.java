package org.samplex.experiment.replay;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Java heap bytes allocated so far by all threads together, from HotSpot's
 * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}. Reached reflectively because the
 * experiment module (which its tests are patched into) reads neither java.management nor jdk.management; the call
 * goes through an exact method handle, so reading the counter allocates nothing itself.
 */
final class HeapAllocations {
    private final MethodHandle total;

    HeapAllocations() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle enable = lookup.findVirtual(hotspot, "setThreadAllocatedMemoryEnabled",
                    MethodType.methodType(void.class, boolean.class));
            enable.invoke(bean, true);
            total = lookup.findVirtual(hotspot, "getTotalThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread", e);
        } catch (Throwable e) {
            throw new IllegalStateException("enabling allocation counting failed", e);
        }
    }

    /** Bytes allocated on the heap by every thread, live or finished, since the JVM started. */
    long total() {
        try {
            return (long) total.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("reading the allocation counter failed", e);
        }
    }
}
