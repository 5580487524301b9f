package org.samplex.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.RunRecord;

class AnalysisTest {

    /** n* = 10,000 N^slope (1 + 0.05 seed), rounded up to a check of 640 prompts by the synthetic runs. */
    private static List<RunRecord> powerLaw(String learner, double slope, int seeds) {
        List<RunRecord> runs = new ArrayList<>();
        for (int n : new int[] {2, 4, 8}) {
            for (long s = 0; s < seeds; s++) {
                runs.add(Synthetic.run(learner, n, s, 0.5, Math.round(1e4 * Math.pow(n, slope) * (1 + 0.05 * s)),
                        false));
            }
        }
        return runs;
    }

    @Test
    void seriesAreLearnersPlusTheSettingsThatDifferButNeverNOrSeed() {
        List<RunRecord> runs = new ArrayList<>(powerLaw("mlp", 1, 2));
        runs.add(Synthetic.run(Synthetic.spec("transformer", 4, 0, 0.5).toBuilder().learnerOption("heads", 2)
                .build(), 5000L, false, Map.of()));
        runs.add(Synthetic.run(Synthetic.spec("transformer", 4, 0, 0.5).toBuilder().learnerOption("heads", 10)
                .build(), 5000L, false, Map.of()));
        Analysis a = Analysis.of(runs);
        assertEquals(List.of("mlp", "transformer heads=2", "transformer heads=10"), a.series());
        assertEquals(List.of(2, 4, 8), a.ns());
        assertEquals("10", a.sharedSettings().get("task_options.d"));
        assertFalse(a.sharedSettings().containsKey("seed"));
    }

    @Test
    void nAndQComeFromTheRecordsTaskShapeAndFromTheOptionsOnlyInOlderRecords() {
        RunRecord old = Synthetic.run("mlp", 6, 0, 0.7, 5000L, false);
        assertEquals(6, Analysis.n(old), "no shape: the task option N");
        assertEquals(1, Analysis.q(old));
        RunRecord r = new RunRecord(old.spec(), old.status(), old.crossings(), old.curve(), old.steps(),
                old.promptsSeen(), 1, 1, "cpu", 1, 10, old.provenance(), Map.of(), new TaskShape(9, 30, 10, 2));
        assertEquals(9, Analysis.n(r), "the shape wins over an option's name");
        assertEquals(2, Analysis.q(r));
        assertEquals(r.shape(), RunRecord.fromJson(r.toJson()).shape(), "the shape is in the record's JSON");
    }

    @Test
    void aPowerLawGivesItsSlopeFromTheMedians() {
        Analysis a = Analysis.of(powerLaw("gru", 1.0, 3));
        Cell c = a.cell("gru", 4, 0.5);
        assertEquals(3, c.seeds());
        // 40,000, 42,000 and 44,000 rounded up to checks of 640: 40,320, 42,240, 44,160
        assertEquals(42_240, c.median());
        Slope s = a.slope("gru", 0.5);
        assertTrue(s.defined());
        assertEquals(List.of(2, 4, 8), s.ns());
        assertEquals(1.0, s.fit().slope(), 0.02, "1 up to rounding to checks");
        assertTrue(s.interval().contains(s.fit().slope()));
        assertFalse(s.lowerBoundAffected());
        assertEquals(s, a.slope("gru", 0.5), "the same runs give the same interval");
        assertNull(a.cell("gru", 3, 0.5));
    }

    @Test
    void censoredRunsAreLowerBoundsAtTheCapAndFlagTheSlope() {
        List<RunRecord> runs = new ArrayList<>(powerLaw("mlp", 1.0, 1));
        runs.add(Synthetic.run("mlp", 8, 1, 0.5, null, false));
        runs.add(Synthetic.run("mlp", 8, 2, 0.5, null, false));
        Analysis a = Analysis.of(runs);
        Cell c = a.cell("mlp", 8, 0.5);
        assertEquals(3, c.seeds());
        assertEquals(2, c.censored());
        assertEquals(Synthetic.CAP, c.median(), "two of three at the cap");
        assertTrue(c.medianIsLowerBound());
        assertTrue(c.maxIsLowerBound());
        Slope s = a.slope("mlp", 0.5);
        assertTrue(s.lowerBoundAffected());
        assertEquals(2, s.censored());
        assertEquals(5, a.observations().size(), "never dropped");
        assertFalse(a.cell("mlp", 4, 0.5).medianIsLowerBound());
    }

    @Test
    void divergedRunsAreCountedButHaveNoValue() {
        List<RunRecord> runs = new ArrayList<>(powerLaw("mlp", 1, 1));
        runs.add(Synthetic.run("mlp", 4, 5, 0.5, null, true));
        Analysis a = Analysis.of(runs);
        Cell c = a.cell("mlp", 4, 0.5);
        assertEquals(2, c.seeds());
        assertEquals(1, c.diverged());
        assertEquals(1, c.values().length);
        assertEquals(Observation.Outcome.DIVERGED, a.observations().stream().filter(o -> o.seed() == 5)
                .findFirst().orElseThrow().outcome());
        assertEquals(1, a.slope("mlp", 0.5).diverged());
    }

    @Test
    void naturalOrderComparesDigitsAsNumbers() {
        assertTrue(Analysis.natural("h=2", "h=10") < 0);
        assertTrue(Analysis.natural("h=10", "h=9") > 0);
        assertEquals(0, Analysis.natural("gru", "gru"));
        assertTrue(Analysis.natural("gru", "mlp") < 0);
    }
}
