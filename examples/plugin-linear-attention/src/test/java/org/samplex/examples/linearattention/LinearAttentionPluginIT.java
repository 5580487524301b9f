package org.samplex.examples.linearattention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.CurvePoint;

/**
 * The plug-in jar that {@code package} built, dropped into a plug-in folder and used through the real command line:
 * {@code ./samplex --plugins DIR ...} in a child JVM, on cli/target's module path as users run it (a plug-in's
 * layer needs org.samplex.api as a named module of the boot layer, which this test's own JVM does not give).
 */
class LinearAttentionPluginIT {

    private static Path root;
    private static Path jar;
    private static String sha256;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheBuild() throws IOException {
        root = Path.of(required("samplex.root")).toAbsolutePath().normalize();
        jar = Path.of(required("samplex.plugin.jar"));
        assertTrue(Files.isRegularFile(jar), "the plug-in jar is built by package before this test: " + jar);
        assertTrue(Files.isDirectory(root.resolve("cli/target/modules")),
                "the cli is built first (this module depends on it): " + root.resolve("cli/target/modules"));
        sha256 = sha256(Files.readAllBytes(jar));
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        assertNotNull(v, "the pom sets " + property);
        return v;
    }

    /** What one run of the cli printed. */
    record Run(int code, String out, String err) {
    }

    /** Runs {@code ./samplex ARGS} (no rebuild) with this JVM's JDK; fails the test after 3 minutes. */
    private Run samplex(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("samplex").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SAMPLEX_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SAMPLEX_PLUGINS");
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("samplex " + String.join(" ", args) + " did not finish in 3 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path pluginFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar, folder.resolve(jar.getFileName()));
        return folder;
    }

    @Test
    void listShowsThePluginWithItsJarVersionAndHash() throws Exception {
        Run r = samplex("--plugins", pluginFolder().toString(), "list");
        assertEquals(0, r.code(), r.err());
        String learner = line(r.out(), "linear-attention ");
        assertTrue(learner.contains("org.samplex.examples.linearattention"), learner);
        String plugin = line(r.out(), jar.getFileName() + " ");
        assertTrue(plugin.contains("learner linear-attention") && plugin.contains(sha256), plugin);
        assertTrue(r.out().contains("transformer") && r.out().contains("mlp"), "the built-in learners stay");
        assertFalse(r.out().contains("Problems"), r.out());
    }

    @Test
    void aShortTrainingRunLearnsAndRecordsThePluginsHash() throws Exception {
        String folder = pluginFolder().toString();
        // general 1STR at N = 4, threshold 0.7: about 8k prompts, a few seconds
        String[] train = {"--plugins", folder, "train", "--learner", "linear-attention", "--N", "4",
                "--threshold", "0.7", "--test-size", "1000", "--backend", "cpu", "--threads", "1", "--seed", "3"};
        Run json = samplex(append(train, "--json"));
        assertEquals(0, json.code(), json.err());
        RunRecord record = RunRecord.fromJson(json.out());
        assertEquals(RunRecord.Status.COMPLETED, record.status());
        long nStar = record.nStar(0.7).orElseThrow();
        List<CurvePoint> curve = record.curve();
        assertTrue(curve.getFirst().testMse() > 0.7, "it starts above the threshold: " + curve.getFirst());
        CurvePoint crossing = curve.stream().filter(p -> p.testMse() < 0.7).findFirst().orElseThrow();
        assertEquals(crossing.promptsSeen(), nStar, "n* is the first check below the threshold");
        assertEquals(curve.getLast(), crossing, "the run stops at the crossing");
        assertEquals(0, nStar % 64);
        assertTrue(nStar < 100_000, "learned well before the cap: " + nStar);

        assertTrue(String.valueOf(record.provenance().get("learner_module"))
                .startsWith("org.samplex.examples.linearattention "), record.provenance().toString());
        Map<?, ?> environment = (Map<?, ?>) record.provenance().get("environment");
        assertEquals("org.samplex.examples.linearattention 0.1.0-SNAPSHOT, sha256 " + sha256,
                environment.get("plugin." + jar.getFileName()), environment.toString());

        // the same run printed for people: same seed, backend and threads give the same bits, so the same n*
        Run text = samplex(train);
        assertEquals(0, text.code(), text.err());
        Matcher m = Pattern.compile("(?m)^\\s+0\\.7\\s+([\\d,]+)\\s*$").matcher(text.out());
        assertTrue(m.find(), text.out());
        assertEquals(nStar, Long.parseLong(m.group(1).replace(",", "")), text.out());
        assertTrue(text.out().contains("learner from plug-in " + jar.getFileName() + " (sha256 " + sha256 + ")"),
                text.out());
    }

    @Test
    void badPluginsAreNamedWithTheReasonAndTheGoodOneStillLoads() throws Exception {
        Path folder = pluginFolder();
        // the plug-in's classes without its module-info: not a module
        repack(folder.resolve("unnamed.jar"), Map.of());
        // an automatic module that declares an api this samplex is not
        repack(folder.resolve("wrong-api.jar"), Map.of("Automatic-Module-Name", "org.example.wrongapi",
                "Samplex-Api-Version", "9.0.0"));
        // a real module whose learner takes a name samplex already has
        duplicateTransformer(folder.resolve("duplicate.jar"));
        // the plug-in's first 200 bytes: a zip cut short
        Files.write(folder.resolve("corrupt.jar"), Arrays.copyOf(Files.readAllBytes(jar), 200));

        Run r = samplex("--plugins", folder.toString(), "list");
        assertEquals(0, r.code(), r.err());
        for (String expected : List.of(
                "plug-in unnamed.jar skipped: not a named module: it has no module-info.class and no "
                        + "Automatic-Module-Name in its manifest",
                "plug-in wrong-api.jar skipped: built against samplex api 9.0.0, but this samplex has api ",
                "plug-in duplicate.jar skipped: learner 'transformer' is already provided by "
                        + "org.samplex.models.transformer",
                "plug-in corrupt.jar skipped: cannot be read as a module")) {
            assertTrue(r.out().contains(expected), expected + "\nin\n" + r.out());
        }
        assertTrue(line(r.out(), jar.getFileName() + " ").contains("learner linear-attention"), r.out());
        assertTrue(line(r.out(), "linear-attention ").contains("org.samplex.examples.linearattention"));
        for (String trace : List.of("\tat ", "Exception in thread")) {
            assertFalse(r.out().contains(trace) || r.err().contains(trace), "no stack trace:\n" + r.out() + r.err());
        }
    }

    /** The plug-in's entries without module-info.class, under a manifest with {@code attributes}. */
    private void repack(Path target, Map<String, String> attributes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
        try (JarFile in = new JarFile(jar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            for (JarEntry e : in.stream().toList()) {
                String name = e.getName();
                if (e.isDirectory() || name.equals("META-INF/MANIFEST.MF") || name.equals("module-info.class")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                try (InputStream s = in.getInputStream(e)) {
                    s.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    /** A module org.example.duplicate providing a learner called "transformer", compiled against the cli's api. */
    private void duplicateTransformer(Path target) throws IOException {
        Path src = dir.resolve("duplicate-src");
        Path classes = dir.resolve("duplicate-classes");
        Path provider = src.resolve("org/example/duplicate/Provider.java");
        Files.createDirectories(provider.getParent());
        Files.writeString(src.resolve("module-info.java"), "module org.example.duplicate { requires org.samplex.api;"
                + " provides org.samplex.api.learn.LearnerProvider with org.example.duplicate.Provider; }");
        Files.writeString(provider, """
                package org.example.duplicate;
                public final class Provider implements org.samplex.api.learn.LearnerProvider {
                    public String name() { return "transformer"; }
                    public String description() { return "a second transformer"; }
                    public org.samplex.api.config.Schema schema() {
                        return org.samplex.api.config.Schema.of("learner 'transformer'"); }
                    public org.samplex.api.learn.Learner create(org.samplex.api.learn.TaskShape s,
                            org.samplex.api.config.Config c, org.samplex.api.Backend b, long seed) {
                        throw new UnsupportedOperationException(); }
                }
                """);
        Path api;
        try (Stream<Path> modules = Files.list(root.resolve("cli/target/modules"))) {
            api = modules.filter(p -> p.getFileName().toString().startsWith("samplex-api-")).findFirst()
                    .orElseThrow();
        }
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log, true);
        int rc = javac.run(w, w, "-d", classes.toString(), "--module-path", api.toString(), "--module-version",
                "1.0", src.resolve("module-info.java").toString(), provider.toString());
        assertEquals(0, rc, log.toString());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target));
             Stream<Path> walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.strip().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + out));
    }

    private static String[] append(String[] args, String more) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
