package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;

/** {@code samplex runs}: one flat row per run, filtered by any column, as a table, CSV or JSON lines. */
class RunsCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void sweep() {
        CliRunner.Run r = CliRunner.run("sweep", "run", "--learners", "mlp,transformer", "--N", "2,3",
                "--seeds", "2", "--thresholds", "0.9,0.5", "--cap", "1280", "--test-size", "50", "--backend",
                "reference", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void csvHasAHeaderOfFlatColumnsAndOneLinePerRun() {
        CliRunner.Run r = CliRunner.run("runs", dir.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(9, lines.size(), r.out());
        List<String> header = List.of(lines.getFirst().split(","));
        for (String c : List.of("run_key", "learner", "task", "seed", "task.N", "learner.mlp-width", "batch", "lr",
                "nstar.0.9", "nstar.0.5", "status", "wall_seconds", "commit", "dirty", "code")) {
            assertTrue(header.contains(c), c + " in " + header);
        }
        assertTrue(header.indexOf("nstar.0.9") < header.indexOf("nstar.0.5"), "thresholds high to low");
    }

    @Test
    void filtersByLearnerSeedAndAnyOptionNamedWithoutItsPrefix() {
        CliRunner.Run r = CliRunner.run("runs", dir.toString(), "--learner", "mlp", "--seed", "1", "--where", "N=3",
                "--format", "jsonl");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r.out());
        Map<?, ?> row = (Map<?, ?>) Json.parse(lines.getFirst());
        assertEquals("mlp", row.get("learner"));
        assertEquals(1L, row.get("seed"));
        assertEquals(3L, row.get("task.N"));
        assertTrue(String.valueOf(row.get("run_key")).matches("[0-9a-f]{64}"), row.toString());
    }

    @Test
    void theTableShowsWhatDiffersAndNamesWhatIsTheSame() {
        CliRunner.Run r = CliRunner.run("runs", dir.toString(), "--where", "learner=transformer");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("4 of 8 runs; the same in every one: learner=transformer, task=qstr"), r.out());
        assertTrue(r.out().contains("RUN_KEY") && r.out().contains("task.N") && r.out().contains("nstar.0.9"),
                r.out());
    }

    @Test
    void anUnknownColumnIsAUsageErrorListingTheColumns() {
        CliRunner.Run r = CliRunner.run("runs", dir.toString(), "--where", "nosuch=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no column 'nosuch'") && r.err().contains("task.N"), r.err());
    }
}
