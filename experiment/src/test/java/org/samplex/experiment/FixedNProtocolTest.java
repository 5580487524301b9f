package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samplex.api.learn.Task;
import org.samplex.experiment.RunRecord.Status;

/** The fixed-n protocol's epochs: reshuffled orders, the epoch budget and the training-loss stopping rule. */
class FixedNProtocolTest {
    @RegisterExtension
    static final Fixtures FIXTURES = new Fixtures();

    /** 100 training prompts, batch 16, checks every 5 steps, a learner that fits the toy task quickly. */
    private static RunSpecBuilder fixed() {
        return RunSpec.builder("affine", "toy").batch(16).checkEvery(5).testSize(500).learningRate(0.05)
                .weightDecay(0).cap(16 * 400).backend("reference").threads(1).trainSet(100L).thresholds(0.5);
    }

    private static List<Long> items(FixedSetOrder order, long from, int count) {
        List<Long> out = new ArrayList<>();
        for (long k = from; k < from + count; k++) {
            out.add(order.prompt(k));
        }
        return out;
    }

    @Test
    void aShuffledSetVisitsEveryPromptOncePerEpochInAFreshOrderEachEpoch() {
        FixedSetOrder order = new FixedSetOrder(10, true, 3);
        List<List<Long>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<Long> epoch = items(order, 10L * e, 10);
            assertEquals(10, new TreeSet<>(epoch).size(), "epoch " + e + " is a permutation: " + epoch);
            assertTrue(epoch.stream().allMatch(p -> p >= 0 && p < 10), epoch.toString());
            epochs.add(epoch);
        }
        assertNotEquals(epochs.get(0), epochs.get(1), "each epoch draws its own order");
        assertNotEquals(epochs.get(1), epochs.get(2));
        assertEquals(epochs.get(2), items(new FixedSetOrder(10, true, 3), 20, 10), "the same seed, the same order");
        assertNotEquals(epochs.get(0), items(new FixedSetOrder(10, true, 4), 0, 10), "another seed, another order");
        assertEquals(List.of(8L, 9L, 0L, 1L), items(new FixedSetOrder(10, false, 3), 28, 4), "in order: k mod n");
    }

    @Test
    void aShuffledRunTrainsOnThePromptsOfEachEpochsPermutation() {
        ToyTask.DRAWS.clear();
        RunSpec spec = fixed().shuffle(true).epochs(2).thresholds(1e-30).seed(5).build();
        RunRecord r = FIXTURES.run(spec);
        // 2 epochs of 100 prompts in steps of 16: ceil(200 / 16) = 13 steps
        assertEquals(13, r.steps());
        List<Long> trained = ToyTask.DRAWS.stream()
                .filter(d -> d.split() == Task.Split.TRAIN && d.count() == 1).map(ToyTask.Draw::firstPrompt).toList();
        assertEquals(13 * 16, trained.size(), "every step's rows are written one listed prompt at a time");
        FixedSetOrder order = new FixedSetOrder(100, true, 5);
        assertEquals(items(order, 0, 13 * 16), trained, "row i of step s is prompt pi_e((16 s + i) mod 100)");
        assertEquals(100, new TreeSet<>(trained.subList(0, 100)).size(), "the first epoch visits every prompt once");
    }

    @Test
    void anEpochBudgetRunsCeilEpochsTimesNOverBStepsAndChecksTheLastOne() {
        RunRecord r = FIXTURES.run(fixed().epochs(3).thresholds(10.0).build());
        assertEquals(19, r.steps(), "ceil(3 * 100 / 16)");
        assertEquals(Status.COMPLETED, r.status(), "the threshold was crossed, at the first check");
        assertEquals(16 * 5, r.nStar(10.0).orElseThrow());
        assertEquals(19, r.curve().getLast().step(), "the last step is checked although 19 is not a multiple of 5");
        assertEquals(List.of(5L, 10L, 15L, 19L), r.curve().stream().map(RunRecord.CurvePoint::step).toList());
    }

    @Test
    void theLossRuleStopsAtTheEndOfTheFirstEpochBelowIt() {
        // any epoch's mean loss is below 1e9: the run stops once epoch 0 is over, at the step where 16 (s + 1) >= 100
        RunRecord first = FIXTURES.run(fixed().stopLoss(1e9).epochs(10).build());
        assertEquals(7, first.steps());
        assertEquals(7, first.curve().getLast().step(), "the stopping step is checked");
        // no epoch gets below 1e-30: the epoch budget ends the run
        RunRecord never = FIXTURES.run(fixed().stopLoss(1e-30).epochs(4).build());
        assertEquals(25, never.steps(), "ceil(4 * 100 / 16)");
        // a reachable target stops at some epoch's end: (s + 1) 16 crosses a multiple of 100 at that step
        RunRecord some = FIXTURES.run(fixed().stopLoss(0.05).epochs(50).build());
        long s = some.steps();
        assertTrue(s > 7 && s < EpochRule.lastStep(some.spec()), "stopped by the loss, not the budget: " + s);
        assertTrue(s * 16 / 100 > (s - 1) * 16 / 100, "step " + s + " ends an epoch");
        assertTrue(some.curve().getLast().trainLoss() < 1, "it had learned: " + some.curve().getLast());
    }

    @Test
    void epochRulesBelongToTheFixedNProtocolAndAreRecordedInTheSpec() {
        var online = assertThrows(IllegalArgumentException.class,
                () -> fixed().trainSet(null).epochs(3).build());
        assertTrue(online.getMessage().contains("'train-set'"), online.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> fixed().epochs(0).build());
        assertTrue(zero.getMessage().contains("'epochs'"), zero.getMessage());
        var loss = assertThrows(IllegalArgumentException.class, () -> fixed().stopLoss(-1.0).build());
        assertTrue(loss.getMessage().contains("'stop-loss'"), loss.getMessage());
        RunSpec spec = fixed().epochs(20).shuffle(true).stopLoss(0.05).build();
        assertEquals(20, spec.toMap().get("epochs"));
        assertEquals(true, spec.toMap().get("shuffle"));
        assertEquals(0.05, spec.toMap().get("stop_loss"));
        assertEquals(spec, RunSpec.fromMap(spec.toMap()), "the spec reads back");
        assertTrue(!fixed().build().toMap().containsKey("epochs") && !fixed().build().toMap().containsKey("shuffle"),
                "absent when not set, so earlier run keys stay what they were");
    }

    @Test
    void aConventionSetsDefaultsThatGivenValuesOverrideAndIsRecorded() {
        RunSpec authors = RunSpec.builder("affine", "toy").convention(Convention.AUTHORS_CODE).thresholds(0.5).build();
        assertEquals(0.01, authors.weightDecay());
        assertEquals(5000, authors.testSize());
        assertEquals("authors-code", authors.toMap().get("convention"));
        RunSpec text = RunSpec.builder("affine", "toy").convention(Convention.PAPER_TEXT).thresholds(0.5).build();
        assertEquals(0.1, text.weightDecay());
        assertEquals(10_000, text.testSize());
        RunSpec given = RunSpec.builder("affine", "toy").convention(Convention.AUTHORS_CODE).weightDecay(0.2)
                .thresholds(0.5).build();
        assertEquals(0.2, given.weightDecay(), "a value given after the convention wins");
        assertEquals(given, RunSpec.fromMap(given.toMap()), "convention and override read back");
        assertTrue(!RunSpec.builder("affine", "toy").thresholds(0.5).build().toMap().containsKey("convention"));
        var bad = assertThrows(IllegalArgumentException.class, () -> Convention.of("paper"));
        assertTrue(bad.getMessage().contains("authors-code") && bad.getMessage().contains("'paper'"),
                bad.getMessage());
    }
}
