package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunSpec;
import org.samplex.sweep.PlannedRun;

class SweepProgressTest {

    private final long[] nanos = {0};
    private final StringWriter text = new StringWriter();

    private SweepProgress progress(boolean terminal) {
        return new SweepProgress(new PrintWriter(text, true), terminal, 10, () -> nanos[0]);
    }

    private void at(double seconds) {
        nanos[0] = (long) (seconds * 1e9);
    }

    private static PlannedRun run(int seed) {
        RunSpec spec = RunSpec.builder("mlp", "qstr").seed(seed).thresholds(0.5).backend("cpu").build();
        return new PlannedRun("%064d".formatted(seed), spec, "mlp N=4 seed=" + seed);
    }

    private static RunRecord record(PlannedRun r, Long nStar) {
        return new RunRecord(r.spec(), nStar == null ? RunRecord.Status.CENSORED : RunRecord.Status.COMPLETED,
                List.of(new Crossing(0.5, nStar)), List.of(), 10, 640, 1.5, 0.5, "cpu", 1, 100, Map.of());
    }

    @Test
    void plainLinesComeAtMostEveryIntervalPlusOnePerRunEnd() {
        SweepProgress p = progress(false);
        p.started(4, 1, 1, 2);
        PlannedRun a = run(1);
        p.runStarted(a);
        at(1);
        p.checked(a, new CurvePoint(10, 640, 0.8125, 0.9), 1);
        at(5);
        p.runFinished(a, record(a, 640L));
        PlannedRun b = run(2);
        p.runStarted(b);
        at(12);
        p.checked(b, new CurvePoint(10, 1280, 0.75, 0.9), 7);
        at(13);
        p.checked(b, new CurvePoint(20, 1920, 0.7, 0.9), 8);
        p.finish();
        List<String> lines = text.toString().lines().toList();
        assertEquals(List.of(
                "samplex: sweep of 4 runs: 1 in the store already, 3 to run (1 worker, 2 threads each)",
                "runs 1/4, ETA ? | mlp N=4 seed=1 starting",
                "[2/4] mlp N=4 seed=1 completed: n* 0.5 640 (2.0 s)",
                "runs 2/4, ETA 24s | mlp N=4 seed=2: 1,280 prompts, test MSE 0.7500"), lines);
        assertFalse(text.toString().contains("\r"));
    }

    @Test
    void aHeartbeatFailureIsOneWarningLine() {
        SweepProgress p = progress(false);
        p.started(1, 0, 1, 1);
        PlannedRun a = run(1);
        p.runStarted(a);
        p.heartbeatFailed(a, new UncheckedIOException("cannot renew the claim on run 1",
                new IOException("locked")));
        List<String> lines = text.toString().lines().toList();
        assertEquals("samplex: warning: cannot renew the claim on run 1 (mlp N=4 seed=1 goes on; further heartbeat "
                + "failures are not shown)", lines.getLast());
    }

    @Test
    void aTerminalLineIsRewrittenInPlace() {
        SweepProgress p = progress(true);
        p.started(2, 0, 2, 1);
        PlannedRun a = run(1);
        p.runStarted(a);
        p.checked(a, new CurvePoint(10, 640, 0.8, 0.9), 1);
        p.runFailed(a, new IllegalStateException("boom"));
        p.finish();
        String out = text.toString();
        assertTrue(out.contains("\rruns 0/2, ETA ? | mlp N=4 seed=1: 640 prompts, test MSE 0.8"), out);
        assertTrue(out.contains("[1/2] mlp N=4 seed=1 FAILED: java.lang.IllegalStateException: boom\n"), out);
        assertTrue(out.contains("runs 1/2, 1 failed, ETA"), out);
        assertTrue(out.endsWith("\r"), "the last status line is cleared: " + out);
    }

    @Test
    void durationsAreShort() {
        assertEquals("42s", SweepProgress.duration(42));
        assertEquals("2m05s", SweepProgress.duration(125));
        assertEquals("1h01m", SweepProgress.duration(3660));
    }
}
