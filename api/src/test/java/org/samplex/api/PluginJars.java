package org.samplex.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
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

/** Builds small plug-in jars for tests: Java sources compiled against this api, packed with a chosen manifest. */
final class PluginJars {

    private PluginJars() {
    }

    /** Where the api's classes are (a folder in the build, a jar when installed). */
    static Path apiLocation() {
        try {
            return Path.of(Plugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The source of a learner provider {@code pkg.cls} called {@code name} whose learners are never built; a
     * provider that throws in its constructor when {@code broken}.
     */
    static String learnerProvider(String pkg, String cls, String name, boolean broken) {
        return "package " + pkg + ";\n"
                + "public final class " + cls + " implements org.samplex.api.learn.LearnerProvider {\n"
                + "  public " + cls + "() { " + (broken ? "throw new IllegalStateException(\"no GPU here\");" : "")
                + " }\n"
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public String description() { return \"a test learner\"; }\n"
                + "  public org.samplex.api.config.Schema schema() { return org.samplex.api.config.Schema.of(\""
                + name + "\"); }\n"
                + "  public org.samplex.api.learn.Learner create(org.samplex.api.learn.TaskShape s, "
                + "org.samplex.api.config.Config c, org.samplex.api.Backend b, long seed) {\n"
                + "    throw new UnsupportedOperationException(); }\n"
                + "}\n";
    }

    /** A module-info for {@code module} that provides the learner {@code provider} (null: provides nothing). */
    static String moduleInfo(String module, String provider) {
        return "module " + module + " {\n  requires org.samplex.api;\n"
                + (provider == null ? "" : "  provides org.samplex.api.learn.LearnerProvider with " + provider
                + ";\n") + "}\n";
    }

    /**
     * Compiles {@code sources} (path relative to the source root, e.g. "a/b/C.java" or "module-info.java" -> text)
     * into {@code dir}/classes against the api: as a module when there is a module-info (with module version
     * {@code version}), on the class path otherwise; {@code more} are further modules or jars to compile against.
     */
    static Path compile(Path dir, Map<String, String> sources, String version, Path... more) throws IOException {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        boolean module = sources.containsKey("module-info.java");
        StringBuilder path = new StringBuilder(apiLocation().toString());
        for (Path p : more) {
            path.append(File.pathSeparator).append(p);
        }
        List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none",
                module ? "--module-path" : "--class-path", path.toString()));
        if (module && version != null) {
            options.addAll(List.of("--module-version", version));
        }
        options.addAll(args);
        // java.util.spi.ToolProvider (java.base) rather than javax.tools: this test module does not read java.compiler
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new IllegalStateException("no javac"));
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log);
        int rc = javac.run(w, w, options.toArray(String[]::new));
        w.flush();
        assertTrue(rc == 0, "javac failed: " + log);
        return classes;
    }

    /** Packs {@code classes} (may be null) and {@code files} into {@code jar} with these manifest attributes. */
    static Path jar(Path jar, Path classes, Map<String, String> manifest, Map<String, String> files)
            throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> m.getMainAttributes().put(new Attributes.Name(k), v));
        Files.createDirectories(jar.getParent());
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

    /**
     * A plug-in jar: module {@code module} (version 1.0) with one learner provider {@code name}, in
     * {@code dir}/{@code file}.
     */
    static Path learnerPlugin(Path dir, String file, String module, String name, Map<String, String> manifest)
            throws IOException {
        String pkg = module;
        Path classes = compile(dir.resolve("build-" + file), Map.of(
                "module-info.java", moduleInfo(module, pkg + ".Provider"),
                pkg.replace('.', '/') + "/Provider.java", learnerProvider(pkg, "Provider", name, false)), "1.0");
        return jar(dir.resolve(file), classes, manifest, Map.of());
    }
}
