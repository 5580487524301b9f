package org.samplex.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samplex.api.Plugins;

/**
 * The facts about the JVM and machine that {@code samplex doctor} prints and every run's provenance records.
 * Backend-specific facts (vector width, GPU, driver) come from each backend's probe, so this module needs no
 * incubator or native module.
 *
 * <p>The plug-in jars loaded in this JVM are facts too: whoever loads them (the cli) hands them to
 * {@link #usePlugins}, and from then on {@link #current()} has one {@code plugin.<jar file name>} fact per jar
 * with its module, version and SHA-256, so a run's provenance pins down the exact jar that provided a plug-in
 * learner, task or backend (the provenance's {@code learner_module}, {@code task_module} and
 * {@code backend_module} name the module).
 *
 * @param facts ordered "key -> value", every value non-empty
 */
public record Environment(Map<String, String> facts) {

    /** The plug-ins of this JVM as facts, in load order; replaced as a whole by {@link #usePlugins}. */
    private static volatile Map<String, String> pluginFacts = Map.of();

    public Environment {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /** The environment of this JVM. */
    public static Environment current() {
        Runtime rt = Runtime.getRuntime();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("jdk.version", Runtime.version().toString());
        f.put("jdk.vendor", property("java.vendor"));
        f.put("jdk.vm", property("java.vm.name") + " " + property("java.vm.version"));
        f.put("java.home", property("java.home"));
        f.put("os.name", property("os.name"));
        f.put("os.version", property("os.version"));
        f.put("os.arch", property("os.arch"));
        f.put("cpu.model", cpuModel(readCpuinfo(), property("os.arch")));
        f.put("cpu.processors", Integer.toString(rt.availableProcessors()));
        f.put("heap.max", rt.maxMemory() == Long.MAX_VALUE ? "unlimited" : gib(rt.maxMemory()));
        f.putAll(pluginFacts);
        return new Environment(f);
    }

    /**
     * Records the plug-ins loaded in this JVM (replacing any recorded before): {@link #current()} then reports
     * {@code plugin.<jar file name>: <module> <version>, sha256 <hex>} for each. An empty list records none.
     */
    public static void usePlugins(List<Plugins.Plugin> loaded) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (Plugins.Plugin p : loaded) {
            facts.put("plugin." + p.fileName(), p.module() + " " + p.version() + ", sha256 " + p.sha256());
        }
        pluginFacts = Collections.unmodifiableMap(facts);
    }

    /** One "key: value" line per fact, in order. */
    public List<String> lines() {
        return facts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    /**
     * The "model name" of the first processor in {@code /proc/cpuinfo} lines, or {@code fallback} when there is
     * none (not Linux, or an architecture that does not report one).
     */
    static String cpuModel(List<String> cpuinfo, String fallback) {
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("model name")) {
                String v = line.substring(colon + 1).strip().replaceAll("\\s+", " ");
                if (!v.isEmpty()) {
                    return v;
                }
            }
        }
        return fallback;
    }

    private static List<String> readCpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String property(String key) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? "unknown" : v;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
