package org.samplex.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which code computed a run record, stored in its provenance under {@code code}.
 *
 * <ul>
 *   <li>{@code commit}: the full hash of the git commit samplex was built from and {@code dirty}: whether that
 *       checkout had changes not committed ("true"/"false"); both "unknown" for a build outside a git checkout.
 *       The build writes them into the resource {@code code-identity.properties} of this package
 *       ({@code .mvn/code-identity.sh}).</li>
 *   <li>{@code fingerprint}: SHA-256 over the class files of the modules that computed the run (api, experiment,
 *       the learner's, the task's and the backend's), and {@code modules}: each module's own hash. Class files,
 *       not jars: a jar holds timestamps, so rebuilding unchanged sources would look like new code. A changed
 *       learner changes its module's hash and the fingerprint; a plug-in jar counts like any module.</li>
 * </ul>
 *
 * <p>Module hashes are computed once per JVM (a module's classes do not change while it runs).
 *
 * @param commit      a 40-digit hash, or "unknown"
 * @param dirty       "true", "false" or "unknown"
 * @param fingerprint 64 hex digits
 * @param modules     module name to the first 16 hex digits of its hash, sorted by name
 */
public record CodeIdentity(String commit, String dirty, String fingerprint, Map<String, String> modules) {

    /** The resource the build writes, next to this class. */
    public static final String RESOURCE = "code-identity.properties";

    /** Hex digits of a fingerprint shown to people. */
    public static final int SHORT = 12;

    private static final Map<String, String> MODULE_HASHES = new ConcurrentHashMap<>();
    private static volatile Properties build;

    public CodeIdentity {
        modules = Collections.unmodifiableMap(new TreeMap<>(modules));
    }

    /** The identity of the code of this JVM that a run of these classes uses (plus api and experiment). */
    public static CodeIdentity of(Class<?>... classes) {
        Map<String, String> modules = new TreeMap<>();
        List<Class<?>> all = new ArrayList<>(List.of(CodeIdentity.class, org.samplex.api.Backend.class));
        all.addAll(List.of(classes));
        for (Class<?> c : all) {
            modules.put(moduleName(c), MODULE_HASHES.computeIfAbsent(location(c), CodeIdentity::hashLocation));
        }
        StringBuilder text = new StringBuilder();
        modules.forEach((name, hash) -> text.append(name).append('=').append(hash).append('\n'));
        Map<String, String> shown = new TreeMap<>();
        modules.forEach((name, hash) -> shown.put(name, hash.substring(0, 16)));
        Properties p = buildProperties();
        return new CodeIdentity(p.getProperty("commit", "unknown"), p.getProperty("dirty", "unknown"),
                sha256(text.toString().getBytes(StandardCharsets.UTF_8)), shown);
    }

    /** The identity a record's provenance holds, or null for a record made before samplex recorded one. */
    public static CodeIdentity fromProvenance(Map<String, ?> provenance) {
        if (!(provenance.get("code") instanceof Map<?, ?> code) || !(code.get("fingerprint") instanceof String f)) {
            return null;
        }
        Map<String, String> modules = new TreeMap<>();
        if (code.get("modules") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> modules.put(String.valueOf(k), String.valueOf(v)));
        }
        return new CodeIdentity(String.valueOf(code.get("commit")), String.valueOf(code.get("dirty")), f, modules);
    }

    /** The identity in a record's JSON text, or null (none recorded, or not a record). */
    public static CodeIdentity fromRecordJson(String recordJson) {
        if (recordJson != null && Json.parse(recordJson) instanceof Map<?, ?> record
                && record.get("provenance") instanceof Map<?, ?> provenance) {
            @SuppressWarnings("unchecked")
            Map<String, ?> p = (Map<String, ?>) provenance;
            return fromProvenance(p);
        }
        return null;
    }

    /** As provenance holds it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", commit);
        m.put("dirty", dirty);
        m.put("fingerprint", fingerprint);
        m.put("modules", new LinkedHashMap<>(modules));
        return m;
    }

    /** "code 1a2b3c4d5e6f (commit 0123456789ab, uncommitted changes)", for messages. */
    public String describe() {
        String c = commit.length() >= SHORT ? commit.substring(0, SHORT) : commit;
        return "code " + fingerprint.substring(0, SHORT) + " (commit " + c
                + ("true".equals(dirty) ? ", uncommitted changes" : "") + ")";
    }

    /** The modules whose hashes differ from {@code other}'s (or that only one of the two has). */
    public List<String> modulesDifferingFrom(CodeIdentity other) {
        TreeSet<String> names = new TreeSet<>(modules.keySet());
        names.addAll(other.modules.keySet());
        return names.stream().filter(n -> !String.valueOf(modules.get(n)).equals(String.valueOf(other.modules.get(n))))
                .toList();
    }

    /**
     * SHA-256 over the class files of a jar or a folder of classes: each file's path (sorted) and bytes. Other
     * files (resources, the manifest, this build's commit) do not count.
     */
    public static String hashClasses(Path jarOrFolder) throws IOException {
        MessageDigest md = digest();
        if (Files.isDirectory(jarOrFolder)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(jarOrFolder)) {
                files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
            }
            for (Path f : files) {
                md.update(jarOrFolder.relativize(f).toString().replace('\\', '/').getBytes(
                        StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Files.readAllBytes(f));
            }
        } else {
            try (JarFile jar = new JarFile(jarOrFolder.toFile())) {
                List<JarEntry> entries = jar.stream().filter(e -> e.getName().endsWith(".class"))
                        .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
                for (JarEntry e : entries) {
                    md.update(e.getName().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    try (InputStream in = jar.getInputStream(e)) {
                        md.update(in.readAllBytes());
                    }
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String moduleName(Class<?> c) {
        Module m = c.getModule();
        return m.isNamed() ? m.getName() : "(class path) " + location(c);
    }

    /** Where a class was loaded from: its module's jar or folder (module path, plug-in layer), else its code source. */
    private static String location(Class<?> c) {
        Module m = c.getModule();
        if (m.isNamed() && m.getLayer() != null) {
            var found = m.getLayer().configuration().findModule(m.getName())
                    .flatMap(r -> r.reference().location());
            if (found.isPresent()) {
                return found.get().toString();
            }
        }
        var source = c.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "unknown:" + c.getName()
                : source.getLocation().toString();
    }

    private static String hashLocation(String location) {
        try {
            URI uri = URI.create(location);
            if ("file".equals(uri.getScheme())) {
                return hashClasses(Path.of(uri));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes at " + location + " to fingerprint them", e);
        } catch (IllegalArgumentException notAFileUri) {
            // fall through: a location that is not a file (a runtime image) is named, not hashed
        }
        return sha256(location.getBytes(StandardCharsets.UTF_8));
    }

    private static Properties buildProperties() {
        Properties p = build;
        if (p == null) {
            p = new Properties();
            try (InputStream in = CodeIdentity.class.getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // no commit then: "unknown"
            }
            build = p;
        }
        return p;
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
