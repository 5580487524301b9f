package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.sweep.ResultStore;

class SweepVerifyCommandTest {

    @TempDir
    Path dir;

    private void sweep() {
        CliRunner.Run r = CliRunner.run("sweep", "run", "--learners", "mlp", "--N", "2", "--seeds", "2",
                "--thresholds", "0.9", "--cap", "1280", "--test-size", "50", "--backend", "cpu", "--threads", "1",
                "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void anUnchangedStoreIsReproducedBitForBitAtAnotherThreadCount() {
        sweep();
        CliRunner.Run v = CliRunner.run("sweep", "verify", dir.toString(), "--sample", "0", "--threads", "2");
        assertEquals(0, v.code(), v.err() + v.out());
        assertTrue(v.out().contains("2 reproduced bit for bit, 0 not"), v.out());
        assertTrue(v.out().contains("same code"), v.out());
    }

    @Test
    void aStoredRecordThatTheCodeDoesNotReproduceIsNamedWithItsFirstDifference() {
        sweep();
        try (ResultStore store = ResultStore.open(dir)) {
            // the first check's test MSE a little off: a curve that this code does not compute
            ResultStore.StoredRun row = store.all().getFirst();
            RunRecord r = RunRecord.fromJson(row.recordJson());
            List<CurvePoint> curve = new ArrayList<>(r.curve());
            CurvePoint p = curve.getFirst();
            curve.set(0, new CurvePoint(p.step(), p.promptsSeen(), Math.nextUp(p.testMse()), p.trainLoss()));
            RunRecord changed = new RunRecord(r.spec(), r.status(), r.crossings(), curve, r.steps(), r.promptsSeen(),
                    r.trainSeconds(), r.evalSeconds(), r.backend(), r.threads(), r.parameterCount(), r.provenance());
            store.delete(List.of(row.runKey()));
            assertTrue(store.insertIfAbsent(row.runKey(), r.spec(), changed));
        }
        CliRunner.Run v = CliRunner.run("sweep", "verify", dir.toString(), "--sample", "0");
        assertEquals(5, v.code(), v.err() + v.out());
        assertTrue(v.out().contains("DIFFERS: curve[0]"), v.out());
        assertTrue(v.out().contains("1 reproduced bit for bit, 1 not"), v.out());
    }

    @Test
    void aRecordWrittenBeforeRecordsCarriedTheTaskShapeIsStillReproduced() {
        sweep();
        try (ResultStore store = ResultStore.open(dir)) {
            for (ResultStore.StoredRun row : store.all()) {
                RunRecord r = RunRecord.fromJson(row.recordJson());
                RunRecord old = new RunRecord(r.spec(), r.status(), r.crossings(), r.curve(), r.steps(),
                        r.promptsSeen(), r.trainSeconds(), r.evalSeconds(), r.backend(), r.threads(),
                        r.parameterCount(), r.provenance());
                store.delete(List.of(row.runKey()));
                assertTrue(store.insertIfAbsent(row.runKey(), r.spec(), old));
            }
            assertTrue(store.all().stream().noneMatch(row -> row.recordJson().contains("task_shape")),
                    "the store now holds records as older samplex wrote them");
        }
        CliRunner.Run v = CliRunner.run("sweep", "verify", dir.toString(), "--sample", "0");
        assertEquals(0, v.code(), v.err() + v.out());
        assertTrue(v.out().contains("2 reproduced bit for bit, 0 not"), v.out());
    }
}
