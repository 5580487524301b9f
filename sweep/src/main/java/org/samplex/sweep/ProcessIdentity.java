package org.samplex.sweep;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Who holds a claim on a run: a session (one open store), in a process (pid and start time, so a reused pid is
 * not mistaken for the old process), on a host.
 *
 * @param processStart the process's start time in epoch milliseconds, null when the platform does not say
 */
record ProcessIdentity(String session, String host, long pid, Long processStart) {

    /** A fresh session of this process. */
    static ProcessIdentity current() {
        ProcessHandle me = ProcessHandle.current();
        return new ProcessIdentity(UUID.randomUUID().toString(), hostName(), me.pid(), startMillis(me));
    }

    /**
     * Whether the holder may still be running its run, as seen from {@code observer}: on the same host, whether
     * its process is alive (and is the same process, not a later one with its pid); on another host, whether its
     * last heartbeat is younger than the lease.
     */
    boolean isAlive(ProcessIdentity observer, long heartbeatMillis, long nowMillis, long foreignLeaseMillis) {
        if (!host.equals(observer.host)) {
            return nowMillis - heartbeatMillis < foreignLeaseMillis;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> processStart == null || Objects.equals(startMillis(h), processStart))
                .isPresent();
    }

    private static Long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(null);
    }

    /** The kernel's host name, else the network's, else "localhost". */
    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: ask the network stack below.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
