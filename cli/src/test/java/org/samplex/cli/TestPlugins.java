package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.samplex.api.Plugins;

/** Plug-in jars for the cli's tests: a learner provider compiled against the api, or a jar that is not a module. */
final class TestPlugins {

    private TestPlugins() {
    }

    /**
     * A jar in {@code folder} holding module {@code module} (version 1.0, built against this api) that provides the
     * learner {@code name}, whose learners are never built.
     */
    static Path learner(Path folder, String file, String module, String name) throws IOException {
        Path work = Files.createTempDirectory(folder.getParent(), "build");
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Path provider = src.resolve(module.replace('.', '/')).resolve("Provider.java");
        Files.createDirectories(provider.getParent());
        Files.writeString(src.resolve("module-info.java"), "module " + module + " { requires org.samplex.api; "
                + "provides org.samplex.api.learn.LearnerProvider with " + module + ".Provider; }");
        Files.writeString(provider, "package " + module + ";\n"
                + "public final class Provider implements org.samplex.api.learn.LearnerProvider {\n"
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public String description() { return \"a learner from a plug-in\"; }\n"
                + "  public org.samplex.api.config.Schema schema() { return org.samplex.api.config.Schema.of(\""
                + name + "\"); }\n"
                + "  public org.samplex.api.learn.Learner create(org.samplex.api.learn.TaskShape s, "
                + "org.samplex.api.config.Config c, org.samplex.api.Backend b, long seed) {\n"
                + "    throw new UnsupportedOperationException(); }\n}\n");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "--module-version",
                "1.0", "--module-path", apiLocation().toString(), src.resolve("module-info.java").toString(),
                provider.toString()));
        // java.util.spi.ToolProvider (java.base): the test module does not read java.compiler
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log, true);
        assertEquals(0, javac.run(w, w, args.toArray(String[]::new)), log.toString());
        return jar(folder.resolve(file), classes, Map.of(), Map.of());
    }

    /** Packs {@code classes} (may be null) and {@code files} into {@code jar} with these manifest attributes. */
    static Path jar(Path jar, Path classes, Map<String, String> manifest, Map<String, String> files)
            throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> m.getMainAttributes().put(new Attributes.Name(k), v));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            if (classes != null) {
                List<Path> all;
                try (Stream<Path> walk = Files.walk(classes)) {
                    all = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : all) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, String> e : files.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path apiLocation() {
        try {
            return Path.of(Plugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
