package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunSpec;
import org.samplex.sweep.ResultStore;

/** {@code samplex report DIR} on a store written here: made-up records of two learners, one censored, one failure. */
class ReportCommandTest {

    private static RunSpec spec(String learner, int n, long seed) {
        return RunSpec.builder(learner, "qstr").taskOption("N", n).seed(seed).cap(64_000).checkEvery(10)
                .thresholds(0.7).build();
    }

    private static RunRecord record(RunSpec spec, Long nStar) {
        long end = nStar == null ? spec.cap() : nStar;
        List<CurvePoint> curve = List.of(new CurvePoint(10, 640, 1.0, 1.0),
                new CurvePoint(end / 64, end, nStar == null ? 0.8 : 0.6, 0.6));
        return new RunRecord(spec, nStar == null ? RunRecord.Status.CENSORED : RunRecord.Status.COMPLETED,
                List.of(new Crossing(0.7, nStar)), curve, end / 64, end, 1, 1, "cpu", 1, 100, Map.of());
    }

    @Test
    void writesTheReportOfAStoreAndPrintsTheSlopes(@TempDir Path dir) throws Exception {
        try (ResultStore store = ResultStore.open(dir)) {
            int key = 0;
            for (int n : new int[] {2, 4, 8}) {
                for (long seed = 0; seed < 2; seed++) {
                    RunSpec t = spec("transformer", n, seed);
                    store.insertIfAbsent("k" + key++, t, record(t, 640L * n * (seed + 2)));
                    RunSpec m = spec("mlp", n, seed);
                    store.insertIfAbsent("k" + key++, m, record(m, n == 8 && seed == 1 ? null : 640L * n * n));
                }
            }
            store.insertFailure("bad", spec("mlp", 4, 9), "java.lang.IllegalStateException: boom");
        }
        CliRunner.Run r = CliRunner.run("report", dir.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("summary.md", "report.html", "nstar.csv", "nstar_eps0.7.png", "curves_N4.svg")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertTrue(r.out().contains("report of 13 runs (1 failed)"), r.out());
        String transformer = r.out().lines().filter(l -> l.strip().startsWith("transformer")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(transformer.contains("1.00") && transformer.contains("2,4,8"), "n* = 640 N (seed + 2): "
                + transformer);
        String mlp = r.out().lines().filter(l -> l.strip().startsWith("mlp")).findFirst().orElseThrow();
        assertTrue(mlp.contains("lower-bound-affected (1 censored)"), mlp);
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("`bad`") && md.contains("boom"), md);
        assertEquals(1 + 12, Files.readAllLines(dir.resolve("nstar.csv")).size());
    }

    @Test
    void severalSweepsAreOverlaidInOneReportWhereOutSays(@TempDir Path dir) throws Exception {
        // two sweeps of the mlp that differ in one learner option: one report, one series each
        for (String width : List.of("100", "1000")) {
            try (ResultStore store = ResultStore.open(dir.resolve("w" + width))) {
                for (int n : new int[] {2, 4, 8}) {
                    RunSpec m = spec("mlp", n, 0).toBuilder().learnerOption("width2", width).build();
                    store.insertIfAbsent("k" + n, m, record(m, 640L * n * (width.equals("100") ? 2 : 1)));
                }
            }
        }
        CliRunner.Run missing = CliRunner.run("report", dir.resolve("w100").toString(),
                dir.resolve("w1000").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("--out"), missing.err());
        Path both = dir.resolve("both");
        CliRunner.Run r = CliRunner.run("report", dir.resolve("w100").toString(), dir.resolve("w1000").toString(),
                "--out", both.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("report of 6 runs (0 failed)"), r.out());
        String md = Files.readString(both.resolve("summary.md"));
        assertTrue(md.contains("| mlp width2=100 |") && md.contains("| mlp width2=1000 |"),
                "a series per sweep: " + md);
        assertTrue(md.contains("an overlay of 2 sweeps"), md);
        assertTrue(Files.size(both.resolve("nstar_eps0.7.png")) > 0);
        assertFalse(Files.exists(dir.resolve("w100").resolve("summary.md")), "the sweeps' own folders are untouched");
    }

    @Test
    void aFolderWithoutAStoreIsAUsageError(@TempDir Path dir) {
        CliRunner.Run r = CliRunner.run("report", dir.resolve("nothing").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("results.sqlite"), r.err());
        assertFalse(Files.exists(dir.resolve("nothing")), "nothing is created");
    }
}
