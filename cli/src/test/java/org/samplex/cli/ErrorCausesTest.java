package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What the user reads when a file, the memory or a help text is the problem: the file, the cause, one line. */
class ErrorCausesTest {

    @TempDir
    Path dir;

    private static final String[] TINY_SWEEP = {"sweep", "run", "--learners", "mlp", "--N", "2", "--thresholds",
        "0.9", "--cap", "640", "--test-size", "50", "--backend", "reference"};

    private static CliRunner.Run sweepInto(Path out) {
        String[] args = new String[TINY_SWEEP.length + 2];
        System.arraycopy(TINY_SWEEP, 0, args, 0, TINY_SWEEP.length);
        args[TINY_SWEEP.length] = "--out";
        args[TINY_SWEEP.length + 1] = out.toString();
        return CliRunner.run(args);
    }

    @Test
    void anOutFolderThatIsAFileIsNamedWithTheCause() throws IOException {
        Path file = Files.writeString(dir.resolve("results"), "not a folder");
        CliRunner.Run r = sweepInto(file);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(file + " is a file, not a folder"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aBinaryPlanIsAUsageErrorThatSaysWhy() throws IOException {
        Path plan = Files.write(dir.resolve("plan.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80});
        CliRunner.Run r = CliRunner.run("sweep", "run", "--plan", plan.toString(), "--out", dir.resolve("o")
                .toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cannot read the plan " + plan + ": not UTF-8 text"), r.err());
    }

    @Test
    void aPlanThatIsAFolderIsAUsageErrorThatSaysWhy() {
        CliRunner.Run r = CliRunner.run("sweep", "run", "--plan", dir.toString(), "--out", dir.resolve("o")
                .toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a directory"), r.err());
    }

    @Test
    void thePlanIsWrittenWithTheModeEveryNewFileGets() throws IOException {
        Path out = dir.resolve("sweep");
        CliRunner.Run r = sweepInto(out);
        assertEquals(0, r.code(), r.err());
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out.resolve("plan.json")),
                "plan.json follows the umask like any new file");
    }

    @Test
    void aBareAccessDeniedNamesTheFileAndTheCause() {
        assertEquals("/data/report.html: permission denied",
                Errors.Execution.ioMessage(new AccessDeniedException("/data/report.html")));
    }

    @Test
    void aRunTooLargeForOneBufferIsRefusedNamingN() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "mlp", "--N", "2000", "--threshold", "0.5",
                "--backend", "cpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("lower --N (now 2000)"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aTestSetTooLargeForTheHeapIsRefusedWithTheEstimateAndTheOptionToChange() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "transformer", "--N", "64", "--threshold", "0.5",
                "--test-size", "10000000", "--backend", "cpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("does not fit in memory") && r.err().contains("GiB"), r.err());
        assertTrue(r.err().contains("lower --test-size (now 10,000,000)"), r.err());
    }

    @Command(name = "exhaust")
    static final class Exhausting implements Runnable {
        @Override
        public void run() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void anOutOfMemoryErrorEndsInOneLine() {
        CommandLine cl = Samplex.commandLine(CliRunner.SERVICES);
        cl.addSubcommand(new CommandLine(new Exhausting()));
        CliRunner.Run r = CliRunner.run(cl, "exhaust");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("out of memory") && r.err().contains("-Xmx"), r.err());
    }

    @Test
    void noHelpTextMakesPicocliWarn() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.add(Samplex.commandLine(CliRunner.SERVICES));
        int commands = 0;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            while (!todo.isEmpty()) {
                CommandLine cl = todo.poll();
                cl.usage(new PrintWriter(new StringWriter()));
                commands++;
                todo.addAll(cl.getSubcommands().values());
            }
        } finally {
            System.setErr(saved);
        }
        assertTrue(commands > 10, "every command's help was printed: " + commands);
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }
}
