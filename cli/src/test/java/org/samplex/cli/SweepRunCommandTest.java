package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.sweep.ResultStore;

/** {@code samplex sweep run} in-process, on tiny mlp runs of qstr. */
class SweepRunCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsMlpAndQstr() {
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    /** A sweep of 2 N x 2 seeds of a tiny mlp into {@code dir}, with extra flags. */
    private CliRunner.Run sweep(String... extra) {
        return sweepWithSeeds("2", extra);
    }

    private CliRunner.Run sweepWithSeeds(String seeds, String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "run", "--learners", "mlp", "--N", "2,3", "--seeds", seeds,
                "--learner-option", "width2=8", "--test-size", "100", "--cap", "640", "--check-every", "1",
                "--thresholds", "0.9,0.5", "--backend", "cpu", "--threads", "1", "--out", dir.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private List<ResultStore.StoredRun> rows() {
        try (ResultStore store = ResultStore.open(dir)) {
            return store.all();
        }
    }

    @Test
    void aSweepStoresOneRowPerRunAndARerunSkipsThem() {
        CliRunner.Run r = sweep();
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 runs; 0 were in the store, 4 ran here"), r.out());
        assertTrue(r.err().contains("[4/4] mlp N="), "one line per finished run: " + r.err());
        List<ResultStore.StoredRun> rows = rows();
        assertEquals(4, rows.size());
        for (ResultStore.StoredRun row : rows) {
            RunRecord record = RunRecord.fromJson(row.recordJson());
            assertEquals(row.status(), record.status().label());
            assertEquals("cpu", record.backend());
            assertEquals(1, record.threads());
        }
        assertTrue(Files.exists(dir.resolve("plan.json")));

        CliRunner.Run again = sweep();
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("4 runs; 4 were in the store, 0 ran here"), again.out());
        assertEquals(rows, rows(), "a resume leaves finished rows alone");
    }

    @Test
    void aChangedPlanIsRefusedUnlessExtended() {
        assertEquals(0, sweep().code());
        CliRunner.Run r = sweepWithSeeds("3");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--extend") && r.err().contains("2 runs that plan.json lacks"), r.err());
        assertEquals(4, rows().size(), "a refused plan runs nothing");
        CliRunner.Run extended = sweepWithSeeds("3", "--extend");
        assertEquals(0, extended.code(), extended.err());
        assertTrue(extended.out().contains("6 runs; 4 were in the store, 2 ran here"), extended.out());
        assertTrue(Files.exists(dir.resolve("plan.1.json")));
    }

    @Test
    void aDryRunListsTheRunsAndTheirCostAndRunsNothing() {
        CliRunner.Run r = sweep("--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("KEY") && r.out().contains("PARAMETERS") && r.out().contains("TIME"), r.out());
        assertEquals(4, r.out().lines().filter(l -> l.matches("[0-9a-f]{12}  mlp N=[23] width2=8 seed=[01].*"))
                .count(), r.out());
        assertTrue(r.out().contains("4 runs, 0 in " + dir + " already, 4 to run"), r.out());
        assertTrue(r.out().contains("Estimated wall time: at most "), r.out());
        assertFalse(Files.exists(dir.resolve("results.sqlite")), "a dry run writes nothing");
        assertFalse(Files.exists(dir.resolve("plan.json")));
    }

    @Test
    void aPlanFileGivesTheGridAndFlagsOverrideIt() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                learners: [mlp]
                N: [2, 3, 4]
                seeds: [5]
                thresholds: 0.5
                cap: 640
                test-size: 100
                learner-options: {width2: 8}
                """);
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("sweep", "run", "--plan", plan.toString(), "--N", "2", "--out", out.toString(),
                "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp N=2 width2=8 seed=5"), r.out());
        assertTrue(r.out().contains("1 runs, 0 in " + out + " already, 1 to run"), r.out());
    }

    @Test
    void aMalformedPlanFileIsAUsageErrorNamingLineAndKey() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, "learners: [mlp]\nN: [2, 3]\nseeds: two\n");
        CliRunner.Run r = CliRunner.run("sweep", "run", "--plan", plan.toString(), "--out", dir.resolve("o").toString(),
                "--thresholds", "0.5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("plan.yaml line 3, key 'seeds'") && r.err().contains("'two'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badRunsAreRefusedBeforeAnyRuns() {
        CliRunner.Run r = sweep("--learner-option", "depth=3");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'depth'"), r.err());
        r = CliRunner.run("sweep", "run", "--learners", "mlp,perceptron", "--N", "2", "--thresholds", "0.5", "--out",
                dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'perceptron'"), r.err());
        assertFalse(Files.exists(dir.resolve("results.sqlite")));
    }

    @Test
    void aRunThatThrowsIsRecordedAsFailedAndTheSweepExits4() {
        // A transformer with PyTorch-style split heads needs H | D; qstr at N = 2 has D = 16, so 3 heads pass the
        // option checks and fail when the model is built: a run that throws.
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("transformer")));
        CliRunner.Run r = CliRunner.run("sweep", "run", "--learners", "transformer,mlp", "--N", "2",
                "--learner-option", "transformer.heads=3", "--learner-option", "transformer.split-heads=true",
                "--learner-option", "mlp.width2=8", "--test-size", "100", "--cap", "640", "--thresholds", "0.5",
                "--backend", "cpu", "--out", dir.toString());
        assertEquals(SweepCommandSupport.EXIT_RUN_FAILED, r.code(), r.err());
        assertTrue(r.out().contains("(1 censored, 1 failed)") || r.out().contains("(1 completed, 1 failed)"),
                r.out());
        assertTrue(r.err().contains("FAILED") && r.err().contains("1 run failed"), r.err());
        Map<String, Integer> counts;
        try (ResultStore store = ResultStore.open(dir)) {
            counts = store.statusCounts();
            ResultStore.StoredRun failed = store.all().stream().filter(s -> s.status().equals("failed")).findFirst()
                    .orElseThrow();
            assertTrue(failed.error().contains("Exception"), failed.error());
        }
        assertEquals(2, counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void anOutThatCannotBeWrittenIsAnIoErrorNotABug() throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "a regular file");
        CliRunner.Run r = CliRunner.run("sweep", "run", "--learners", "mlp", "--N", "2", "--thresholds", "0.5",
                "--backend", "cpu", "--out", file.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("samplex: ") && r.err().contains(file.toString()), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        assertFalse(r.err().contains("SAMPLEX_DEBUG"), r.err());
    }

    @Test
    void sweepAloneIsAUsageErrorAndHelpListsTheFlags() {
        CliRunner.Run r = CliRunner.run("sweep");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("run"), r.err());
        CliRunner.Run help = CliRunner.run("sweep", "run", "--help");
        assertEquals(0, help.code());
        for (String flag : List.of("--learners", "--N", "--q", "--seeds", "--plan", "--out", "--workers", "--dry-run",
                "--extend", "--task-option", "--learner-option", "--thresholds", "--cap", "--test-size", "--backend",
                "--threads")) {
            assertTrue(help.out().contains(flag), flag);
        }
    }
}
