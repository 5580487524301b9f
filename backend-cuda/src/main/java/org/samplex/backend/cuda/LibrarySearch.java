package org.samplex.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds shared libraries by file name the way the dynamic loader would, without loading them: first the given
 * directories that come before the cache (LD_LIBRARY_PATH), then the ldconfig cache ({@code ldconfig -p}), then the
 * remaining directories. Never throws; an unreadable directory or a failing ldconfig just finds nothing.
 */
final class LibrarySearch {

    /** Where a library was found: the path, and how ("LD_LIBRARY_PATH", "ldconfig cache", "standard dir"). */
    record Hit(Path path, String via) {
    }

    /** The directories the dynamic loader searches by default on x86-64 Linux, plus the usual CUDA and driver homes. */
    static final List<String> STANDARD_DIRS = List.of(
            "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/local/nvidia/lib64");

    private static final Pattern LDCONFIG_LINE = Pattern.compile("^\\s*(\\S+)\\s+\\(([^)]*)\\)\\s+=>\\s+(\\S.*?)\\s*$");
    private static final long LDCONFIG_TIMEOUT_MS = 3000;

    private final List<Path> before;
    private final List<Path> after;
    private final boolean useLdconfig;
    private Map<String, Path> ldconfigCache;

    /**
     * @param before      directories searched before the ldconfig cache, in order (LD_LIBRARY_PATH)
     * @param after       directories searched after it, in order
     * @param useLdconfig whether to run {@code ldconfig -p}
     */
    LibrarySearch(List<Path> before, List<Path> after, boolean useLdconfig) {
        this.before = List.copyOf(before);
        this.after = List.copyOf(after);
        this.useLdconfig = useLdconfig;
    }

    /** The search this process's dynamic loader would do: LD_LIBRARY_PATH, the ldconfig cache, standard dirs. */
    static LibrarySearch system() {
        List<Path> ld = new ArrayList<>();
        String env = System.getenv("LD_LIBRARY_PATH");
        if (env != null) {
            for (String d : env.split(":")) {
                addDir(ld, d);
            }
        }
        List<Path> rest = new ArrayList<>();
        STANDARD_DIRS.forEach(d -> addDir(rest, d));
        confDirs(Path.of("/etc/ld.so.conf.d")).forEach(d -> addDir(rest, d));
        return new LibrarySearch(ld, rest, true);
    }

    /** The directories searched, in order, and whether the ldconfig cache is consulted, for {@code doctor}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        before.forEach(p -> parts.add(p.toString()));
        if (useLdconfig) {
            parts.add("(ldconfig cache)");
        }
        after.forEach(p -> parts.add(p.toString()));
        return String.join(", ", new LinkedHashSet<>(parts));
    }

    /** Where {@code soname} is, or empty. */
    Optional<Hit> find(String soname) {
        for (Path dir : before) {
            Optional<Path> p = inDir(dir, soname);
            if (p.isPresent()) {
                return Optional.of(new Hit(p.get(), "LD_LIBRARY_PATH"));
            }
        }
        if (useLdconfig) {
            Path p = ldconfigCache().get(soname);
            if (p != null && Files.isRegularFile(p)) {
                return Optional.of(new Hit(p, "ldconfig cache"));
            }
        }
        for (Path dir : after) {
            Optional<Path> p = inDir(dir, soname);
            if (p.isPresent()) {
                return Optional.of(new Hit(p.get(), "standard dir"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> inDir(Path dir, String soname) {
        Path p = dir.resolve(soname);
        // isRegularFile follows symlinks, so a dangling libcuda.so.1 link counts as missing, as for the loader.
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    private synchronized Map<String, Path> ldconfigCache() {
        if (ldconfigCache == null) {
            ldconfigCache = parseLdconfig(runLdconfig());
        }
        return ldconfigCache;
    }

    /** Maps each library name to its first entry for this JVM's architecture in {@code ldconfig -p} output. */
    static Map<String, Path> parseLdconfig(List<String> lines) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String want = switch (arch) {
            case "amd64", "x86_64" -> "x86-64";
            case "aarch64" -> "aarch64";
            default -> "";
        };
        Map<String, Path> out = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LDCONFIG_LINE.matcher(line);
            if (m.matches() && m.group(2).toLowerCase(Locale.ROOT).contains(want)) {
                try {
                    out.putIfAbsent(m.group(1), Path.of(m.group(3)));
                } catch (InvalidPathException e) {
                    // a garbled line names no library we could use
                }
            }
        }
        return out;
    }

    private static List<String> runLdconfig() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            if (exe.startsWith("/") && !Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                // Read on a side thread so a hung ldconfig cannot block the probe past the timeout.
                byte[][] out = new byte[1][];
                Thread reader = Thread.ofVirtual().start(() -> out[0] = readAll(p.getInputStream()));
                if (!p.waitFor(LDCONFIG_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return List.of();
                }
                if (!reader.join(Duration.ofMillis(LDCONFIG_TIMEOUT_MS)) || out[0] == null) {
                    return List.of();
                }
                return new String(out[0], StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                // not installed under this name: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** The directories named in {@code conf.d/*.conf} files (comments and include lines skipped). */
    static List<String> confDirs(Path confD) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(confD)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (!t.isEmpty() && t.startsWith("/")) {
                        out.add(t);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no conf.d (not glibc, or a container without it): the standard dirs remain
        }
        return out;
    }

    private static void addDir(List<Path> dirs, String d) {
        if (d == null || d.isBlank()) {
            return;
        }
        try {
            Path p = Path.of(d.strip());
            if (!dirs.contains(p)) {
                dirs.add(p);
            }
        } catch (InvalidPathException e) {
            // an unusable entry in LD_LIBRARY_PATH is ignored, as the loader does
        }
    }
}
