package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in child JVMs, for the tests that run several samplex processes at once (shards, kills, duplicates):
 * child NAME writes its stdout and stderr to {@code dir/NAME.log}.
 */
final class ChildCli {

    private ChildCli() {
    }

    /** The java command that runs the CLI as this test's module path has it; callers append the arguments. */
    static List<String> command() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ArrayList<>(List.of(java.toString(), "--enable-native-access=org.xerial.sqlitejdbc",
                "-p", System.getProperty("jdk.module.path"), "-m", "org.samplex.cli/org.samplex.cli.Samplex"));
    }

    /** Starts {@code command} as child {@code name}. */
    static Process start(Path dir, String name, List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    /** What child {@code name} has printed so far. */
    static String log(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    /** Waits up to {@code seconds} for child {@code name} and fails, with its log, unless it exited 0. */
    static void awaitSuccess(Process p, Path dir, String name, long seconds) throws Exception {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + " did not finish in " + seconds + " s:\n" + log(dir, name));
        }
        assertEquals(0, p.exitValue(), name + ":\n" + log(dir, name));
    }
}
