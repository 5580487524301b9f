package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes on the command line are named first and answered with what was meant. */
class UsageHelpTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownOptionIsNamedBeforeAMissingOneAndTheMeantOneSuggested() {
        CliRunner.Run r = CliRunner.run("train", "--learners", "x", "--threshold", "0.5");
        assertEquals(2, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals("samplex: unknown option '--learners'", lines.getFirst(), r.err());
        assertTrue(r.err().contains("Did you mean --learner?"), r.err());
        assertTrue(r.err().indexOf("--learners") < r.err().indexOf("missing required option"), r.err());
    }

    @Test
    void aMisspeltThresholdSuggestsThresholdNotTrainSet() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "mlp", "--N", "4", "--treshold", "0.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Did you mean one of --threshold, --thresholds?"), r.err());
        assertFalse(r.err().contains("--train-set"), r.err());
    }

    @Test
    void anOptionInTheWrongCaseSuggestsTheRightOne() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "mlp", "--n", "4", "--threshold", "0.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Did you mean --N?"), r.err());
    }

    @Test
    void suggestionsAllowTwoEditsAndPrefixes() {
        List<String> names = List.of("--threshold", "--test-size", "--train-set", "--N");
        assertEquals(List.of("--threshold"), Suggestions.of("--treshold=0.5", names));
        assertEquals(List.of("--threshold"), Suggestions.of("--thresh", names));
        assertEquals(List.of(), Suggestions.of("--frobnicate", names));
        assertEquals(2, Suggestions.distance("threshold", "tehrshold"));
    }

    @Test
    void aThresholdAtTheLabelVarianceIsRefusedWithTheReason() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "mlp", "--N", "4", "--threshold", "70");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("threshold 70 is at or above the label variance of task qstr (1)"), r.err());
        CliRunner.Run sweep = CliRunner.run("sweep", "run", "--learners", "mlp", "--N", "2", "--thresholds",
                "0.9,1", "--out", dir.resolve("s").toString(), "--dry-run");
        assertEquals(2, sweep.code(), sweep.err());
        assertTrue(sweep.err().contains("threshold 1 is at or above"), sweep.err());
    }

    @Test
    void sweepsTakeLearnerAsWellAsLearnersAndRangesOnAxes() {
        CliRunner.Run r = CliRunner.run("sweep", "run", "--learner", "mlp", "--N", "2:6:2", "--seeds", "0:1",
                "--thresholds", "0.9", "--cap", "640", "--test-size", "50", "--backend", "reference",
                "--out", dir.resolve("s").toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        for (String run : List.of("mlp N=2 seed=0", "mlp N=4 seed=0", "mlp N=6 seed=1")) {
            assertTrue(r.out().contains(run), run + " in " + r.out());
        }
        assertFalse(r.out().contains("N=3"), r.out());
        assertTrue(r.out().contains("6 runs"), r.out());
    }

    @Test
    void aDryRunStatesItsTimeInSecondsAndHowItWasMade() {
        Path out = dir.resolve("s");
        String[] sweep = {"sweep", "run", "--learners", "mlp", "--N", "2", "--seeds", "2", "--thresholds", "0.9",
            "--cap", "1280", "--test-size", "50", "--backend", "reference", "--out", out.toString()};
        CliRunner.Run fresh = CliRunner.run(concat(sweep, "--dry-run"));
        assertEquals(0, fresh.code(), fresh.err());
        assertTrue(fresh.out().contains("Estimated wall time: at most "), fresh.out());
        assertTrue(fresh.out().contains("probed on this machine") && fresh.out().contains("counted to their cap"),
                fresh.out());

        CliRunner.Run ran = CliRunner.run(sweep[0], sweep[1], "--learners", "mlp", "--N", "2", "--seeds", "1",
                "--thresholds", "0.9", "--cap", "1280", "--test-size", "50", "--backend", "reference", "--out",
                out.toString(), "--extend");
        assertEquals(0, ran.code(), ran.err());
        CliRunner.Run resumed = CliRunner.run(concat(sweep, "--dry-run"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("Estimated wall time: about "), resumed.out());
        assertTrue(resumed.out().contains("measured by the store's runs for mlp N=2 (1)"), resumed.out());
        assertTrue(resumed.out().contains("median prompts of the store's runs with the same settings"),
                resumed.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
