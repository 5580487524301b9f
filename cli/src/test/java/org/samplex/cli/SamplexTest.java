package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.samplex.api.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class SamplexTest {

    @Test
    void anUnknownCommandExits2AndNamesIt() {
        CliRunner.Run r = CliRunner.run("nosuch");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'nosuch'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertTrue(r.out().isEmpty());
    }

    @Test
    void anUnknownOptionExits2AndNamesIt() {
        CliRunner.Run top = CliRunner.run("--frobnicate");
        assertEquals(2, top.code());
        assertTrue(top.err().contains("--frobnicate"), top.err());

        CliRunner.Run sub = CliRunner.run("list", "--frobnicate");
        assertEquals(2, sub.code());
        assertTrue(sub.err().contains("--frobnicate"), sub.err());
        assertTrue(sub.err().contains("samplex list --help"), sub.err());
        assertFalse(sub.err().contains("\tat "), "no stack trace");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRunner.Run r = CliRunner.run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("doctor"), "the usage lists the commands: " + r.err());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        String expected = System.getProperty("samplex.expected.version");
        assertNotNull(expected, "the build passes the project version to the tests");
        CliRunner.Run r = CliRunner.run("--version");
        assertEquals(0, r.code(), r.err());
        assertEquals("samplex " + expected, r.out().lines().findFirst().orElseThrow());
        assertTrue(r.out().contains(Runtime.version().toString()));
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliRunner.Run r = CliRunner.run("--help");
        assertEquals(0, r.code());
        for (String word : new String[] {"list", "doctor", "train", "completion", "Exit codes"}) {
            assertTrue(r.out().contains(word), word);
        }
    }

    @Test
    void completionPrintsABashScript() {
        CliRunner.Run r = CliRunner.run("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F"), r.out());
        assertTrue(r.out().contains("doctor") && r.out().contains("--json"));
    }

    @Command(name = "fail")
    static final class Failing implements Runnable {
        private final RuntimeException toThrow;

        @Option(names = "--verbose")
        boolean verbose;

        Failing(RuntimeException toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public void run() {
            throw toThrow;
        }
    }

    private static CliRunner.Run runFailing(RuntimeException e, String... flags) {
        return runFailing(false, e, flags);
    }

    /** Runs the failing command with SAMPLEX_DEBUG taken as {@code debugEnv}, whatever the real environment says. */
    private static CliRunner.Run runFailing(boolean debugEnv, RuntimeException e, String... flags) {
        CommandLine cl = Samplex.commandLine(CliRunner.SERVICES);
        cl.setExecutionExceptionHandler(new Errors.Execution(debugEnv));
        cl.addSubcommand(new CommandLine(new Failing(e)));
        String[] args = new String[flags.length + 1];
        args[0] = "fail";
        System.arraycopy(flags, 0, args, 1, flags.length);
        return CliRunner.run(cl, args);
    }

    @Test
    void libraryErrorsMapToExitCodes() {
        CliRunner.Run bad = runFailing(new IllegalArgumentException("parameter 'heads' must be ..."));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("parameter 'heads'"), bad.err());
        assertFalse(bad.err().contains("\tat "));

        CliRunner.Run unavailable = runFailing(new BackendUnavailableException("cuda", "no NVIDIA driver"));
        assertEquals(3, unavailable.code());
        assertTrue(unavailable.err().contains("no NVIDIA driver"), unavailable.err());
        assertFalse(unavailable.err().contains("\tat "));

        CliRunner.Run bug = runFailing(new IllegalStateException("boom"));
        assertEquals(1, bug.code());
        assertTrue(bug.err().contains("internal error") && bug.err().contains("boom"), bug.err());
        assertEquals(1, bug.err().strip().lines().count(), "one line without --verbose: " + bug.err());
        assertTrue(bug.err().contains("--verbose"), "it says how to see the stack trace: " + bug.err());

        CliRunner.Run traced = runFailing(new IllegalStateException("boom"), "--verbose");
        assertEquals(1, traced.code());
        assertTrue(traced.err().contains("boom") && traced.err().contains("\tat "), traced.err());

        CliRunner.Run debug = runFailing(true, new IllegalStateException("boom"));
        assertTrue(debug.err().contains("\tat "), "SAMPLEX_DEBUG shows the stack trace: " + debug.err());
    }
}
