package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.api.Plugins;
import org.samplex.experiment.Environment;
import org.samplex.experiment.Json;

/** {@code --plugins}: the folder, the jars it loads, and what the commands say about bad ones. */
class PluginOptionTest {

    @TempDir
    Path dir;

    @AfterEach
    void forgetPlugins() {
        Environment.usePlugins(List.of());
    }

    /** The real command line (providers found when a command needs them), with {@code environment} as env. */
    private static CliRunner.Run run(Map<String, String> environment, String... args) {
        return CliRunner.run(Samplex.commandLine(environment), args);
    }

    private Path folder() throws IOException {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    @Test
    void helpShowsTheOption() {
        CliRunner.Run r = CliRunner.run("--help");
        assertTrue(r.out().contains("--plugins=DIR"), r.out());
        assertTrue(r.out().contains("SAMPLEX_PLUGINS"), r.out());
    }

    @Test
    void aFolderAskedForMustExist() {
        Path absent = dir.resolve("absent");
        CliRunner.Run flag = run(Map.of(), "--plugins", absent.toString(), "list");
        assertEquals(2, flag.code(), flag.err());
        assertEquals("samplex: --plugins: plug-in folder '" + absent + "' does not exist", flag.err().strip());

        CliRunner.Run variable = run(Map.of("SAMPLEX_PLUGINS", absent.toString()), "list");
        assertEquals(2, variable.code(), variable.err());
        assertTrue(variable.err().contains("SAMPLEX_PLUGINS: plug-in folder '" + absent + "' does not exist"),
                variable.err());
    }

    @Test
    void theFlagBeatsTheVariableWhichBeatsTheDefault() {
        assertEquals(new PluginFolder(Path.of("/a"), "--plugins"),
                PluginFolder.of(Path.of("/a"), Map.of("SAMPLEX_PLUGINS", "/b")));
        assertEquals(new PluginFolder(Path.of("/b"), "SAMPLEX_PLUGINS"),
                PluginFolder.of(null, Map.of("SAMPLEX_PLUGINS", " /b ")));
        PluginFolder fallback = PluginFolder.of(null, Map.of("SAMPLEX_PLUGINS", ""));
        assertEquals(Path.of(System.getProperty("user.home"), ".samplex", "plugins"), fallback.path());
        assertEquals("default", fallback.source());
    }

    @Test
    void aPluginLearnerIsListedWithItsJarVersionAndHash() throws IOException {
        Path jar = TestPlugins.learner(folder(), "toy-1.0.jar", "org.example.toy", "toy");
        CliRunner.Run r = run(Map.of(), "--plugins", folder().toString(), "list");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String learner = r.out().lines().filter(l -> l.strip().startsWith("toy ")).findFirst().orElseThrow();
        assertTrue(learner.contains("org.example.toy") && learner.contains("1.0"), learner);
        assertTrue(r.out().contains("Plug-ins:"), r.out());
        String row = r.out().lines().filter(l -> l.strip().startsWith("toy-1.0.jar ")).findFirst().orElseThrow();
        for (String part : List.of("org.example.toy", Plugins.hostApiVersion(), "learner toy", Plugins.sha256(jar))) {
            assertTrue(row.contains(part), part + " in " + row);
        }
        assertTrue(r.out().contains("mlp"), "the module path's learners are still there");

        CliRunner.Run json = run(Map.of(), "--plugins", folder().toString(), "list", "--json");
        assertEquals(0, json.code(), json.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(json.out());
        Map<?, ?> plugin = (Map<?, ?>) ((List<?>) m.get("plugins")).getFirst();
        assertEquals("toy-1.0.jar", plugin.get("jar"));
        assertEquals(Plugins.sha256(jar), plugin.get("sha256"));
        assertEquals(List.of("learner toy"), plugin.get("provides"));
        Map<?, ?> toy = ((List<?>) m.get("learners")).stream().map(o -> (Map<?, ?>) o)
                .filter(l -> "toy".equals(l.get("name"))).findFirst().orElseThrow();
        assertEquals("toy-1.0.jar", toy.get("plugin"));
    }

    @Test
    void badJarsAreNamedWithTheReasonAndTheGoodOneStillLoads() throws IOException {
        Path folder = folder();
        TestPlugins.learner(folder, "good.jar", "org.example.good", "good");
        Files.write(folder.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 9, 9});
        TestPlugins.jar(folder.resolve("unnamed.jar"), null, Map.of(), Map.of("readme.txt", "hello"));
        TestPlugins.learner(folder, "twin.jar", "org.example.twin", "mlp");

        CliRunner.Run list = run(Map.of(), "--plugins", folder.toString(), "list");
        assertEquals(0, list.code(), list.err());
        assertEquals("", list.err(), "list reports problems in its output");
        String out = list.out();
        assertTrue(out.contains("plug-in corrupt.jar skipped: cannot be read as a module"), out);
        assertTrue(out.contains("plug-in unnamed.jar skipped: not a named module"), out);
        assertTrue(out.contains("plug-in twin.jar skipped: learner 'mlp' is already provided by "
                + "org.samplex.models.mlp"), out);
        assertTrue(out.lines().anyMatch(l -> l.strip().startsWith("good.jar ")), out);
        assertFalse(out.contains("\tat "), "no stack trace");

        CliRunner.Run doctor = run(Map.of(), "--plugins", folder.toString(), "doctor");
        assertEquals(0, doctor.code(), doctor.err());
        assertTrue(doctor.out().contains("Plug-ins (" + folder + ", from --plugins): 1 loaded"), doctor.out());
        assertTrue(doctor.out().contains("good.jar: org.example.good 1.0, built against api "), doctor.out());
        assertTrue(doctor.out().contains("plug-in corrupt.jar skipped"), doctor.out());

        // other commands warn on stderr, one line per problem, and carry on
        CliRunner.Run train = run(Map.of(), "--plugins", folder.toString(), "train", "--learner", "nosuch",
                "--N", "2", "--threshold", "0.5");
        assertEquals(2, train.code(), train.err());
        List<String> warnings = train.err().lines().filter(l -> l.startsWith("samplex: warning: plug-in ")).toList();
        assertEquals(3, warnings.size(), train.err());
        assertTrue(train.err().contains("unknown learner 'nosuch'") && train.err().contains("good"), train.err());
    }

    @Test
    void theLoadedPluginsBecomeEnvironmentFacts() throws IOException {
        Path jar = TestPlugins.learner(folder(), "toy.jar", "org.example.toy", "toy");
        assertEquals(0, run(Map.of(), "--plugins", folder().toString(), "list").code());
        assertEquals("org.example.toy 1.0, sha256 " + Plugins.sha256(jar),
                Environment.current().facts().get("plugin.toy.jar"));
    }
}
