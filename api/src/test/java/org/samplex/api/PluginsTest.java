package org.samplex.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.api.learn.LearnerProvider;

class PluginsTest {

    @TempDir
    static Path shared;

    /** A good plug-in, built once: module org.example.toy 1.0 providing the learner "toy". */
    private static Path toy;

    @BeforeAll
    static void buildToy() throws IOException {
        toy = PluginJars.learnerPlugin(shared, "toy.jar", "org.example.toy", "toy", Map.of());
    }

    private static Path folderWith(Path dir, Path... jars) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plugins"));
        for (Path j : jars) {
            Files.copy(j, folder.resolve(j.getFileName()));
        }
        return folder;
    }

    private static String only(List<String> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.getFirst();
    }

    @Test
    void theApiRunsAsANamedModuleHere() {
        // everything below needs it: a plug-in's layer resolves org.samplex.api in the parent layer
        assertTrue(Plugins.class.getModule().isNamed());
        assertFalse(Plugins.hostApiVersion().equals("dev"), "the build sets the api's module version");
    }

    @Test
    void aGoodPluginIsLoadedIntoItsOwnLayerAndItsLearnerFound(@TempDir Path dir) throws Exception {
        Plugins plugins = Plugins.load(folderWith(dir, toy));
        assertEquals(List.of(), plugins.problems());
        Plugins.Plugin p = plugins.loaded().getFirst();
        assertEquals("toy.jar", p.fileName());
        assertEquals("org.example.toy", p.module());
        assertEquals("1.0", p.version());
        assertEquals(Plugins.hostApiVersion(), p.apiVersion(), "javac recorded the api version it compiled against");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(toy));
        assertEquals(HexFormat.of().formatHex(digest), p.sha256());
        assertSame(Plugins.class.getModule().getLayer(), p.layer().parents().getFirst());
        assertTrue(p.layer().findModule("org.example.toy").isPresent());

        Services services = Services.discover(plugins);
        assertEquals(List.of(), services.problems());
        assertEquals(List.of(p), services.plugins());
        Services.Found<LearnerProvider> found = services.learners().stream().filter(f -> f.name().equals("toy"))
                .findFirst().orElseThrow();
        assertEquals("org.example.toy", found.module());
        assertEquals("1.0", found.version());
        assertSame(p, found.plugin());
        assertEquals("toy", services.learner("toy").name());
        assertSame(p.layer(), services.learner("toy").getClass().getModule().getLayer());
    }

    @Test
    void aMissingFolderHoldsNoPluginsAndAFileIsNotAFolder(@TempDir Path dir) throws IOException {
        Plugins none = Plugins.load(dir.resolve("absent"));
        assertEquals(List.of(), none.loaded());
        assertEquals(List.of(), none.problems());
        Path file = Files.writeString(dir.resolve("file"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> Plugins.load(file));
        assertTrue(e.getMessage().contains("'" + file + "' is not a folder"), e.getMessage());
    }

    @Test
    void otherFilesAndFoldersAreIgnored(@TempDir Path dir) throws IOException {
        Path folder = folderWith(dir, toy);
        Files.writeString(folder.resolve("README.txt"), "not a jar");
        Files.createDirectories(folder.resolve("sub.jar"));
        Plugins plugins = Plugins.load(folder);
        assertEquals(List.of(), plugins.problems());
        assertEquals(1, plugins.loaded().size());
    }

    @Test
    void aCorruptJarIsSkippedByName(@TempDir Path dir) throws IOException {
        Path folder = folderWith(dir, toy);
        Files.write(folder.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        Plugins plugins = Plugins.load(folder);
        String problem = only(plugins.problems());
        assertTrue(problem.startsWith("plug-in broken.jar skipped: cannot be read as a module"), problem);
        assertFalse(problem.contains("\n"), problem);
        assertEquals(List.of("toy.jar"), plugins.loaded().stream().map(Plugins.Plugin::fileName).toList());
    }

    @Test
    void anUnnamedJarIsSkipped(@TempDir Path dir) throws IOException {
        Path classes = PluginJars.compile(dir.resolve("b"), Map.of("org/example/plain/P.java",
                PluginJars.learnerProvider("org.example.plain", "P", "plain", false)), null);
        Path jar = PluginJars.jar(dir.resolve("plain-1.0.jar"), classes,
                Map.of(Plugins.API_VERSION_ATTRIBUTE, Plugins.hostApiVersion()),
                Map.of("META-INF/services/org.samplex.api.learn.LearnerProvider", "org.example.plain.P\n"));
        String problem = only(Plugins.load(List.of(jar)).problems());
        assertEquals("plug-in plain-1.0.jar skipped: not a named module: it has no module-info.class and no "
                + "Automatic-Module-Name in its manifest", problem);
    }

    @Test
    void anAutomaticModuleNeedsTheApiVersionInItsManifest(@TempDir Path dir) throws IOException {
        Path classes = PluginJars.compile(dir.resolve("b"), Map.of("org/example/auto/P.java",
                PluginJars.learnerProvider("org.example.auto", "P", "auto", false)), null);
        Map<String, String> services = Map.of("META-INF/services/org.samplex.api.learn.LearnerProvider",
                "org.example.auto.P\n");
        Path silent = PluginJars.jar(dir.resolve("silent.jar"), classes,
                Map.of("Automatic-Module-Name", "org.example.silent"), services);
        String problem = only(Plugins.load(List.of(silent)).problems());
        assertTrue(problem.startsWith("plug-in silent.jar skipped: it does not say which samplex api it was built "
                + "against"), problem);
        assertTrue(problem.contains(Plugins.API_VERSION_ATTRIBUTE), problem);

        Path declared = PluginJars.jar(dir.resolve("auto.jar"), classes, Map.of("Automatic-Module-Name",
                "org.example.auto", Plugins.API_VERSION_ATTRIBUTE, Plugins.hostApiVersion()), services);
        Plugins plugins = Plugins.load(List.of(declared));
        assertEquals(List.of(), plugins.problems());
        Services found = Services.discover(plugins);
        assertEquals(List.of(), found.problems());
        assertEquals("org.example.auto", found.learners().stream().filter(f -> f.name().equals("auto"))
                .findFirst().orElseThrow().module());
    }

    @Test
    void anIncompatibleApiVersionIsSkippedWithTheRule(@TempDir Path dir) throws IOException {
        Path jar = PluginJars.learnerPlugin(dir, "future.jar", "org.example.future", "future",
                Map.of(Plugins.API_VERSION_ATTRIBUTE, "9.3.0"));
        String problem = only(Plugins.load(List.of(jar)).problems());
        String host = Plugins.hostApiVersion();
        assertTrue(problem.startsWith("plug-in future.jar skipped: built against samplex api 9.3.0, but this "
                + "samplex has api " + host + " (compatible: "), problem);
    }

    @Test
    void compatibilityComparesMajorAndMinor() {
        assertTrue(Plugins.compatible("0.1.0-SNAPSHOT", "0.1.0"));
        assertTrue(Plugins.compatible("0.1.4", "0.1.9-SNAPSHOT"));
        assertFalse(Plugins.compatible("0.1.0", "0.2.0"), "0.x: every minor may break");
        assertFalse(Plugins.compatible("0.2.0", "0.1.0"));
        assertTrue(Plugins.compatible("1.3.0", "1.2.7"), "1.x: a newer minor only adds");
        assertTrue(Plugins.compatible("1.3.0", "1.3"));
        assertFalse(Plugins.compatible("1.3.0", "1.4.0"));
        assertFalse(Plugins.compatible("2.0.0", "1.9.0"));
        assertFalse(Plugins.compatible("0.1.0", "latest"));
        assertTrue(Plugins.compatible("dev", "0.7.0"), "a host without a version cannot check");
        assertEquals("compatible: 0.1.x", Plugins.rule("0.1.0-SNAPSHOT"));
        assertEquals("compatible: 1.0 to 1.3", Plugins.rule("1.3.2"));
    }

    @Test
    void aDuplicateLearnerNameSkipsTheWholeLaterPlugin(@TempDir Path dir) throws IOException {
        Path twin = PluginJars.learnerPlugin(dir, "twin.jar", "org.example.twin", "toy", Map.of());
        Path folder = folderWith(dir, toy, twin);
        Plugins plugins = Plugins.load(folder);
        assertEquals(2, plugins.loaded().size(), "both are modules; the names clash only among providers");
        Services services = Services.discover(plugins);
        assertEquals("plug-in twin.jar skipped: learner 'toy' is already provided by plug-in toy.jar",
                only(services.problems()));
        assertEquals(List.of("toy.jar"), services.plugins().stream().map(Plugins.Plugin::fileName).toList());
        assertEquals("org.example.toy", services.learner("toy").getClass().getModule().getName());
    }

    @Test
    void aModuleNameTakenTwiceIsSkipped(@TempDir Path dir) throws IOException {
        Path copy = Files.copy(toy, Files.createDirectories(dir.resolve("x")).resolve("toy-copy.jar"));
        Plugins plugins = Plugins.load(List.of(toy, copy));
        assertEquals("plug-in toy-copy.jar skipped: its module org.example.toy is already loaded from toy.jar",
                only(plugins.problems()));
        Path api = PluginJars.jar(dir.resolve("api.jar"), null, Map.of("Automatic-Module-Name", "org.samplex.api",
                Plugins.API_VERSION_ATTRIBUTE, Plugins.hostApiVersion()), Map.of("x.txt", "x"));
        assertEquals("plug-in api.jar skipped: its module org.samplex.api is already on samplex's module path",
                only(Plugins.load(List.of(api)).problems()));
    }

    @Test
    void aProviderThatFailsSkipsItsPluginAndNothingElse(@TempDir Path dir) throws IOException {
        Path classes = PluginJars.compile(dir.resolve("b"), Map.of(
                "module-info.java", PluginJars.moduleInfo("org.example.bad", "org.example.bad.P"),
                "org/example/bad/P.java", PluginJars.learnerProvider("org.example.bad", "P", "bad", true)), "2.0");
        Path bad = PluginJars.jar(dir.resolve("bad.jar"), classes, Map.of(), Map.of());
        Services services = Services.discover(Plugins.load(List.of(bad, toy)));
        String problem = only(services.problems());
        assertTrue(problem.startsWith("plug-in bad.jar skipped: LearnerProvider org.example.bad.P failed to load: "),
                problem);
        assertTrue(problem.contains("no GPU here"), problem);
        assertEquals(List.of("toy.jar"), services.plugins().stream().map(Plugins.Plugin::fileName).toList());
        assertEquals("toy", services.learner("toy").name());
    }

    @Test
    void aModuleThatProvidesNothingIsNotAPlugin(@TempDir Path dir) throws IOException {
        Path classes = PluginJars.compile(dir.resolve("b"), Map.of(
                "module-info.java", PluginJars.moduleInfo("org.example.empty", null),
                "org/example/empty/E.java", "package org.example.empty; public class E {}"), "1.0");
        Path empty = PluginJars.jar(dir.resolve("empty.jar"), classes, Map.of(), Map.of());
        Services services = Services.discover(Plugins.load(List.of(empty)));
        String problem = only(services.problems());
        assertTrue(problem.startsWith("plug-in empty.jar skipped: it provides no org.samplex.api.BackendProvider, "
                + "org.samplex.api.learn.LearnerProvider, org.samplex.api.learn.TaskProvider"), problem);
        assertEquals(List.of(), services.plugins());
    }

    @Test
    void aModuleThatCannotBeResolvedIsSkipped(@TempDir Path dir) throws IOException {
        // compiled against a module that the plug-in folder and samplex's module path do not have
        Path gone = PluginJars.compile(dir.resolve("gone"), Map.of("module-info.java", "module org.example.gone {}"),
                "1.0");
        Path classes = PluginJars.compile(dir.resolve("needy"), Map.of(
                "module-info.java", "module org.example.needy { requires org.samplex.api; requires org.example.gone; "
                        + "provides org.samplex.api.learn.LearnerProvider with org.example.needy.P; }",
                "org/example/needy/P.java", PluginJars.learnerProvider("org.example.needy", "P", "needy", false)),
                "1.0", gone);
        Path needy = PluginJars.jar(dir.resolve("needy.jar"), classes, Map.of(), Map.of());
        String problem = only(Plugins.load(List.of(needy)).problems());
        assertTrue(problem.startsWith("plug-in needy.jar skipped: cannot be loaded: "), problem);
        assertTrue(problem.contains("org.example.gone"), problem);
    }

    @Test
    void modulePathProvidersHaveNoPlugin() {
        Services services = Services.discover(Plugins.none());
        services.learners().forEach(f -> assertNull(f.plugin()));
        assertEquals(List.of(), services.plugins());
    }
}
