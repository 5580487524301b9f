package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.experiment.Fixtures.AFFINE;
import static org.samplex.experiment.Fixtures.TOY;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Task;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;

class OnlineProtocolTest {
    @RegisterExtension
    static final Fixtures FIXTURES = new Fixtures();

    /** A run that learns quickly: batch 16, checks every 5 steps, a test set of three chunks. */
    private static RunSpecBuilder quick() {
        return RunSpec.builder("affine", "toy").batch(16).checkEvery(5).testSize(2 * OnlineProtocol.TEST_CHUNK + 500)
                .learningRate(0.05).weightDecay(0).cap(16 * 400).backend("reference").threads(1);
    }

    @Test
    void evaluationChunksShrinkForLongSequencesOnly() {
        // up to N = 16 the authors' 1,000-prompt chunks; beyond, at most 16,384 tokens per chunk
        assertEquals(1000, OnlineProtocol.testChunk(8));
        assertEquals(1000, OnlineProtocol.testChunk(16));
        assertEquals(256, OnlineProtocol.testChunk(64));
        assertEquals(128, OnlineProtocol.testChunk(128));
        assertEquals(1, OnlineProtocol.testChunk(1 << 20));
    }

    @Test
    void aWholeLadderIsCrossedInOneRunAtItsFirstCrossings() {
        List<CurvePoint> heard = new ArrayList<>();
        RunSpec spec = quick().thresholds(0.01, 0.5, 0.1).build();
        RunRecord r = OnlineProtocol.run(spec, AFFINE, TOY, FIXTURES.reference(), (p, elapsed) -> heard.add(p));

        assertEquals(Status.COMPLETED, r.status());
        assertEquals(List.of(0.5, 0.1, 0.01), r.spec().thresholds(), "the ladder is sorted descending");
        assertEquals(heard, r.curve(), "the listener hears every check");
        assertEquals(r.steps() / 5, r.curve().size());
        for (Crossing c : r.crossings()) {
            assertTrue(c.crossed(), c.toString());
            CurvePoint first = r.curve().stream().filter(p -> p.testMse() < c.threshold()).findFirst().orElseThrow();
            assertEquals(first.promptsSeen(), c.nStar(), "n* is the first check below " + c.threshold());
            assertEquals(0, c.nStar() % (16 * 5), "checks happen every 5 steps of 16 prompts");
        }
        for (int i = 1; i < r.crossings().size(); i++) {
            assertTrue(r.crossings().get(i).nStar() >= r.crossings().get(i - 1).nStar(), "a lower threshold later");
        }
        CurvePoint last = r.curve().getLast();
        assertTrue(last.testMse() < 0.01, "the run stops at the check that crossed the last threshold");
        assertEquals(r.crossings().getLast().nStar(), last.promptsSeen());
        assertEquals(last.promptsSeen(), r.promptsSeen());
        assertEquals(r.steps() * 16, r.promptsSeen());
        assertTrue(r.censored().isEmpty());
        assertEquals(4 + 1, r.parameterCount(), "weight (1, d = 4) and bias");
    }

    @Test
    void stepsTrainOnConsecutivePromptsAndTheTestSetIsDrawnOnce() {
        ToyTask.DRAWS.clear();
        RunRecord r = FIXTURES.run(quick().thresholds(1e-30).cap(16 * 40).build());
        List<ToyTask.Draw> test = ToyTask.DRAWS.stream().filter(d -> d.split() == Task.Split.TEST).toList();
        List<ToyTask.Draw> train = ToyTask.DRAWS.stream().filter(d -> d.split() == Task.Split.TRAIN).toList();
        assertEquals(List.of(new ToyTask.Draw(Task.Split.TEST, "test", 0, 1000),
                new ToyTask.Draw(Task.Split.TEST, "test", 1000, 1000),
                new ToyTask.Draw(Task.Split.TEST, "test", 2000, 500)), test, "chunks of 1000, once, 8 checks later");
        assertEquals(8, r.curve().size());
        assertEquals(40, train.size());
        for (int s = 0; s < train.size(); s++) {
            assertEquals(new ToyTask.Draw(Task.Split.TRAIN, "train", 16L * s, 16), train.get(s));
        }
    }

    @Test
    void withConfirmChecksAThresholdIsCrossedAtTheFirstOfKChecksInARowBelowIt() {
        RunSpec once = quick().thresholds(0.3, 0.05).seed(3).build();
        RunSpec thrice = once.toBuilder().set(Settings.CONFIRM_CHECKS, 3).build();
        RunRecord a = FIXTURES.run(once);
        RunRecord b = FIXTURES.run(thrice);
        assertEquals(a.curve(), b.curve().subList(0, a.curve().size()), "the same training; only stopping differs");
        assertFalse(once.toMap().containsKey("confirm_checks"), "the default leaves run keys as they were");
        assertEquals(3, thrice.toMap().get("confirm_checks"));
        for (RunRecord.Crossing c : b.crossings()) {
            List<RunRecord.CurvePoint> curve = b.curve();
            Long expected = null;
            for (int i = 0; i + 2 < curve.size() && expected == null; i++) {
                if (curve.subList(i, i + 3).stream().allMatch(p -> p.testMse() < c.threshold())) {
                    expected = curve.get(i).promptsSeen();
                }
            }
            assertEquals(expected, c.nStar(), "threshold " + c.threshold());
            Long single = a.crossings().stream().filter(x -> x.threshold() == c.threshold()).findFirst().orElseThrow()
                    .nStar();
            assertTrue(c.nStar() >= single, "three checks in a row come no earlier than one");
        }
        assertEquals(RunRecord.Status.COMPLETED, b.status());
    }

    @Test
    void anImpossibleThresholdIsCensoredAtTheCapWithoutAnException() {
        // cap 1000 with batch 64 allows 15 steps; checks every 4 steps: the last check is at step 12.
        RunSpec spec = quick().batch(64).cap(1000).checkEvery(4).learningRate(1e-3).thresholds(10.0, 1e-30).build();
        RunRecord r = FIXTURES.run(spec);
        assertEquals(Status.CENSORED, r.status());
        assertEquals(12, r.steps());
        assertEquals(12 * 64, r.promptsSeen());
        assertEquals(3, r.curve().size());
        assertEquals(64 * 4, r.nStar(10.0).orElseThrow(), "a threshold above the initial error is crossed at once");
        assertTrue(r.nStar(1e-30).isEmpty());
        assertEquals(List.of(1e-30), r.censored());
    }

    @Test
    void hugeLabelsDivergeAndAreRecordedAsSuch() {
        RunSpec spec = quick().taskOption("scale", "1e200").thresholds(0.5).build();
        RunRecord r = FIXTURES.run(spec);
        assertEquals(Status.DIVERGED, r.status());
        assertEquals(1, r.curve().size(), "the first check sees the overflow and stops");
        assertFalse(Double.isFinite(r.curve().getFirst().trainLoss()));
        assertTrue(r.nStar(0.5).isEmpty());
        assertEquals(5, r.steps());
    }

    @Test
    void theSameSpecGivesTheSameRecordApartFromWallTimes() {
        RunSpec spec = quick().thresholds(0.3, 0.05).seed(7).backend("cpu").threads(2).build();
        Services services = Services.discover();
        RunRecord a;
        RunRecord b;
        RunRecord other;
        try (Backend cpu = services.backend("cpu").open(BackendOptions.threads(2))) {
            a = OnlineProtocol.run(spec, AFFINE, TOY, cpu, ProgressListener.NONE);
            b = OnlineProtocol.run(spec, AFFINE, TOY, cpu, ProgressListener.NONE);
            other = OnlineProtocol.run(spec.toBuilder().seed(8).build(), AFFINE, TOY, cpu, ProgressListener.NONE);
        }
        assertEquals(a.spec(), b.spec());
        assertEquals(a.status(), b.status());
        assertEquals(a.crossings(), b.crossings());
        assertEquals(a.curve(), b.curve());
        assertEquals(a.steps(), b.steps());
        assertEquals(a.promptsSeen(), b.promptsSeen());
        assertEquals(a.backend(), b.backend());
        assertEquals(a.threads(), b.threads());
        assertEquals(a.parameterCount(), b.parameterCount());
        assertEquals(a.provenance(), b.provenance());
        assertEquals(withoutTimes(a).toJson(), withoutTimes(b).toJson());
        assertEquals("cpu", a.backend());
        assertEquals(2, a.threads());
        assertNotEquals(a.curve().getFirst(), other.curve().getFirst(), "another seed, other prompts and init");
    }

    private static RunRecord withoutTimes(RunRecord r) {
        return new RunRecord(r.spec(), r.status(), r.crossings(), r.curve(), r.steps(), r.promptsSeen(), 0, 0,
                r.backend(), r.threads(), r.parameterCount(), r.provenance());
    }

    @Test
    void everythingTheRunAllocatesIsClosedEvenWhenItFails() {
        FIXTURES.run(quick().thresholds(0.1).build());
        assertEquals(0, FIXTURES.reference().liveBuffers(), "a finished run leaves no buffer on the open backend");

        RunSpec failing = quick().learnerOption("fail-at-call", 8).thresholds(1e-30).build();
        var e = assertThrows(IllegalStateException.class, () -> FIXTURES.run(failing));
        assertTrue(e.getMessage().contains("fails as configured"), e.getMessage());
        assertEquals(0, FIXTURES.reference().liveBuffers(), "a run that failed halfway leaves no buffer");
    }

    @Test
    void runWithServicesRejectsAnUnknownLearnerByName() {
        Services services = Services.discover();
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> OnlineProtocol.run(quick().thresholds(0.1).build(), services, ProgressListener.NONE));
        assertTrue(unknown.getMessage().contains("'affine'"), unknown.getMessage());
    }

    @Test
    void resolveFillsDefaultsAndTheTasksCheckInterval() {
        RunSpec spec = quick().checkEvery(null).taskOption("N", "5").thresholds(0.1).build();
        RunSpec r = OnlineProtocol.resolve(spec, AFFINE, TOY);
        assertEquals(5, r.checkEvery(), "the toy task's default");
        assertEquals(Map.of("N", 5, "d", 4, "scale", 1.0, "default-check-every", 5), r.taskOptions());
        assertEquals(Map.of("fail-at-call", 0, "replayable", false), r.learnerOptions());
        assertEquals(r, OnlineProtocol.resolve(r, AFFINE, TOY), "resolving twice changes nothing");

        RunSpec other = quick().checkEvery(null).taskOption("default-check-every", 7).thresholds(0.1).build();
        assertEquals(7, OnlineProtocol.resolve(other, AFFINE, TOY).checkEvery());
    }

    @Test
    void badOptionsAreRejectedByNameBeforeAnythingRuns() {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> FIXTURES.run(quick().learnerOption("heads", 2).thresholds(0.1).build()));
        assertTrue(unknown.getMessage().contains("'heads'") && unknown.getMessage().contains("fail-at-call"),
                unknown.getMessage());
        var range = assertThrows(IllegalArgumentException.class,
                () -> FIXTURES.run(quick().taskOption("N", 0).thresholds(0.1).build()));
        assertTrue(range.getMessage().contains("'N'") && range.getMessage().contains("[1, 64]"), range.getMessage());
        var tooSparse = assertThrows(IllegalArgumentException.class,
                () -> FIXTURES.run(quick().cap(640).batch(64).checkEvery(11).thresholds(0.1).build()));
        assertTrue(tooSparse.getMessage().contains("'check-every'") && tooSparse.getMessage().contains("10"),
                tooSparse.getMessage());
        assertEquals(0, FIXTURES.reference().liveBuffers());
    }

    @Test
    void theJsonHasNstarPerThresholdAndTheCensoredList() {
        RunSpec spec = quick().batch(64).cap(640).checkEvery(2).learningRate(1e-3).thresholds(10.0, 1e-30).build();
        RunRecord r = FIXTURES.run(spec);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.toJson());
        @SuppressWarnings("unchecked")
        Map<String, Object> nstar = (Map<String, Object>) json.get("nstar");
        assertEquals(2, nstar.size());
        assertEquals(128L, nstar.get("10"));
        assertTrue(nstar.containsKey("1e-30"));
        assertNull(nstar.get("1e-30"));
        assertEquals(List.of(1e-30), json.get("censored"));
        assertEquals("censored", json.get("status"));
        assertEquals(5, ((List<?>) json.get("curve")).size());
        @SuppressWarnings("unchecked")
        Map<String, Object> provenance = (Map<String, Object>) json.get("provenance");
        assertNotNull(provenance.get("environment"));
        assertEquals(Map.of("N", 3L, "d", 4L, "scale", 1L), provenance.get("task"));
        assertEquals(RunKeys.samplexVersion(), provenance.get("samplex"), "the version run keys are made with");
        assertEquals(r.toJson(), Json.write(json), "the output is canonical: written again it is the same");
    }
}
