package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;
import org.samplex.experiment.RunSpec;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.ResultStore.Claim;

/**
 * The PostgreSQL sink ({@code sweep run --sink jdbc:postgresql://...}) against a throwaway server on a loopback
 * port ({@link PostgresServer}): shards in separate JVMs, one killed with SIGKILL and retried, one run twice at
 * once, all writing one database; then {@code sweep merge DIR --sink URL}: one row per planned run, none missing.
 * Skipped, saying why, when no server can start here.
 */
class SweepSinkTest {

    private static PostgresServer server;
    private static String skipped;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        try {
            server = PostgresServer.start();
        } catch (IOException | IllegalStateException e) {
            skipped = "no PostgreSQL server could start here: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skipped = "interrupted while starting PostgreSQL";
        }
        if (skipped != null) {
            System.out.println("SweepSinkTest skipped: " + skipped);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Process start(String name, String shard) throws IOException {
        List<String> cmd = ChildCli.command();
        // The driver is an automatic module that nothing requires (surefire leaves it on the class path): put it on
        // the child's module path and resolve it by name, as ./samplex resolves its whole module path.
        int p = cmd.indexOf("-p") + 1;
        cmd.set(p, cmd.get(p) + File.pathSeparator + driverJar());
        cmd.addAll(1, List.of("--add-modules", "org.postgresql.jdbc"));
        cmd.addAll(SweepScaleOutTest.SWEEP);
        cmd.addAll(List.of("--out", dir.resolve("sweep").toString(), "--shard", shard, "--sink", server.url()));
        return ChildCli.start(dir, name, cmd);
    }

    /** The PostgreSQL driver's jar on this test's module path or class path. */
    private static String driverJar() {
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (Path.of(entry).getFileName() != null
                        && Path.of(entry).getFileName().toString().startsWith("postgresql-")) {
                    return entry;
                }
            }
        }
        throw new IllegalStateException("the PostgreSQL driver is on neither the module path nor the class path");
    }

    private String log(String name) throws IOException {
        return ChildCli.log(dir, name);
    }

    private void awaitSuccess(Process p, String name) throws Exception {
        ChildCli.awaitSuccess(p, dir, name, 180);
    }

    private static int rowsInSink() {
        try (ResultStore sink = ResultStore.openSink(server.url())) {
            return sink.all().size();
        }
    }

    private static int number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no '" + regex + "' in:\n" + text);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void shardsKilledAndDuplicatedWriteOneRowPerRunToPostgresql() throws Exception {
        assumeTrue(server != null, skipped);
        assumeTrue(System.getProperty("jdk.module.path") != null, "the tests do not run on the module path");
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        Process killed = start("shard0-killed", "0/3");
        Process one = start("shard1", "1/3");
        Process two = start("shard2", "2/3");
        Process twin = start("shard2-duplicate", "2/3");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        int atKill = 0;
        while (killed.isAlive() && System.nanoTime() < deadline && (atKill = rowsInSink()) < 2) {
            Thread.sleep(50);
        }
        assertTrue(killed.isAlive(), "shard 0 ended before it could be killed:\n" + log("shard0-killed"));
        killed.destroyForcibly();
        killed.waitFor();
        Process retry = start("shard0-retry", "0/3");
        for (String name : List.of("shard0-retry", "shard1", "shard2", "shard2-duplicate")) {
            awaitSuccess(switch (name) {
                case "shard0-retry" -> retry;
                case "shard1" -> one;
                case "shard2" -> two;
                default -> twin;
            }, name);
        }
        int ranTwo = number(log("shard2"), "(\\d+) ran here");
        int ranTwin = number(log("shard2-duplicate"), "(\\d+) ran here");
        assertEquals(SweepScaleOutTest.PLANNED / 3, ranTwo + ranTwin, "the duplicates split shard 2 by their claims");
        assertEquals(SweepScaleOutTest.PLANNED, rowsInSink());

        CliRunner.Run merge = CliRunner.run("sweep", "merge", dir.resolve("sweep").toString(), "--sink",
                server.url());
        assertEquals(0, merge.code(), merge.err());
        int rows = number(merge.out(), "results: (\\d+) rows");
        int distinct = number(merge.out(), "(\\d+) distinct run keys");
        int missing = number(merge.out(), "missing: (\\d+)");
        assertEquals(SweepScaleOutTest.PLANNED, rows, merge.out());
        assertEquals(SweepScaleOutTest.PLANNED, distinct, merge.out());
        assertEquals(0, missing, merge.out());
        System.out.println("PostgreSQL sink (" + server.url() + "): shard 0 killed at " + atKill + " rows in the sink "
                + "and retried, shard 2 run twice at once (" + ranTwo + " + " + ranTwin + "); merge: " + rows
                + " rows, " + distinct + " distinct keys, missing " + missing + "\n" + merge.out());
    }

    /**
     * A claim that reads the runs table just before the holder's result commits, and the claims table just after
     * (two statements, two snapshots under READ COMMITTED), must still see the run as held or finished, never as
     * free: the race that once ran one of shard 2's runs in both of its duplicates.
     */
    @Test
    void aClaimRacingTheHoldersResultNeverTakesTheRun() throws Exception {
        assumeTrue(server != null, skipped);
        RunSpec spec = RunSpec.builder("linear", "tiny").seed(1).thresholds(0.5).backend("reference").build();
        RunRecord record = new RunRecord(spec, Status.COMPLETED, List.of(new Crossing(0.5, 64L)),
                List.of(new CurvePoint(1, 64, 0.4, 0.45)), 1, 64, 0.25, 0.5, "reference", 1, 3, Map.of());
        int keys = 300;
        int taken = 0;
        int polls = 0;
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ResultStore holder = ResultStore.openSink(server.url());
                ResultStore rival = ResultStore.openSink(server.url())) {
            for (int i = 0; i < keys; i++) {
                String key = "race-" + dir.getFileName() + "-" + i;
                assertEquals(Claim.CLAIMED, holder.claim(key));
                Future<Boolean> stored = writer.submit(() -> holder.insertIfAbsent(key, spec, record));
                Claim seen;
                do {
                    seen = rival.claim(key);
                    polls++;
                } while (seen == Claim.HELD);
                if (seen == Claim.CLAIMED) {
                    taken++;
                }
                assertTrue(stored.get());
            }
        } finally {
            writer.shutdownNow();
        }
        assertEquals(0, taken, "of " + keys + " runs whose holder stored its result while a rival claimed them ("
                + polls + " claims), the rival took " + taken);
    }
}
