package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.experiment.Fixtures.AFFINE;
import static org.samplex.experiment.Fixtures.TOY;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samplex.api.Backend;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.experiment.RunRecord.CurvePoint;

/** The fixed-n protocol's indexing and the inspect option. */
class ProtocolOptionsTest {
    @RegisterExtension
    static final Fixtures FIXTURES = new Fixtures();

    private static RunSpecBuilder quick() {
        return RunSpec.builder("affine", "toy").batch(16).checkEvery(5).testSize(300).learningRate(0.05)
                .weightDecay(0).backend("reference").threads(1).thresholds(1e-30);
    }

    private static List<ToyTask.Draw> trainDraws(RunSpec spec) {
        ToyTask.DRAWS.clear();
        FIXTURES.run(spec);
        return ToyTask.DRAWS.stream().filter(d -> d.split() == Task.Split.TRAIN).toList();
    }

    private static ToyTask.Draw train(long first, int count) {
        return new ToyTask.Draw(Task.Split.TRAIN, "train", first, count);
    }

    @Test
    void aFixedSetIsReusedInEpochsWrappingAroundItsEnd() {
        // n = 40, B = 16: item i of step s is prompt (16 s + i) mod 40.
        List<ToyTask.Draw> draws = trainDraws(quick().trainSet(40L).cap(16 * 5).build());
        assertEquals(List.of(train(0, 16), train(16, 16), train(32, 8), train(0, 8), train(8, 16), train(24, 16)),
                draws);
    }

    @Test
    void aSetSmallerThanTheBatchRepeatsWithinTheBatch() {
        List<ToyTask.Draw> draws = trainDraws(quick().trainSet(6L).cap(16 * 5).build());
        assertEquals(List.of(train(0, 6), train(0, 6), train(0, 4)), draws.subList(0, 3), "step 0: 0..5, 0..5, 0..3");
        assertEquals(List.of(train(4, 2), train(0, 6), train(0, 6), train(0, 2)), draws.subList(3, 7),
                "step 1 starts at 16 mod 6 = 4");
    }

    @Test
    void aReplayedRunDrawsTheSamePromptsAndKeepsTheSameRecord() {
        // the toy task has no refill of its own: the default draws each run of a step with batch() and copies it
        for (Long n : new Long[] {null, 40L, 6L}) {
            RunSpec afresh = quick().trainSet(n).cap(16 * 10).build();
            RunSpec replayed = afresh.toBuilder().learnerOption("replayable", true).build();
            List<ToyTask.Draw> expected = trainDraws(afresh);
            RunRecord a = FIXTURES.run(afresh);
            assertEquals(expected, trainDraws(replayed), "train set " + n);
            RunRecord b = FIXTURES.run(replayed);
            assertEquals(a.curve(), b.curve(), "train set " + n);
            assertEquals(a.crossings(), b.crossings());
            assertEquals(a.steps(), b.steps());
            assertEquals(0, FIXTURES.reference().liveBuffers(), "the replayed run closes its arenas");
        }
    }

    @Test
    void aJoinedBatchHoldsThePromptsOfItsParts() {
        // With n = 8, a batch of 16 holds prompts 0..7 twice and a batch of 8 holds them once: the mean loss and
        // its gradient are the same, so both runs learn the same parameters step by step.
        List<CurvePoint> twice = FIXTURES.run(quick().trainSet(8L).batch(16).cap(16 * 20).build()).curve();
        List<CurvePoint> once = FIXTURES.run(quick().trainSet(8L).batch(8).cap(8 * 20).build()).curve();
        assertEquals(once.size(), twice.size());
        for (int i = 0; i < once.size(); i++) {
            assertEquals(once.get(i).step(), twice.get(i).step());
            assertEquals(once.get(i).testMse(), twice.get(i).testMse(), 1e-9 * once.get(i).testMse());
        }
        List<CurvePoint> online = FIXTURES.run(quick().batch(8).cap(8 * 20).build()).curve();
        assertFalse(online.getLast().testMse() == once.getLast().testMse(), "fresh prompts learn otherwise");
    }

    @Test
    void inspectKeepsTheLearnersMatricesOnTestPromptZero() {
        RunSpec spec = quick().inspect(true).cap(16 * 10).taskOption("N", 3).taskOption("d", 4).build();
        RunRecord r = FIXTURES.run(spec);
        assertEquals(List.of("prompt", "weight"), List.copyOf(r.artifacts().keySet()));
        assertEquals(1, r.artifacts().get("weight").length);
        assertEquals(4, r.artifacts().get("weight")[0].length);
        double[][] prompt = r.artifacts().get("prompt");
        Task task = TOY.create(TOY.schema().validate(OnlineProtocol.resolve(spec, AFFINE, TOY).taskOptions()), 0);
        Backend reference = FIXTURES.reference();
        try (Arena arena = new Arena(reference)) {
            Batch expected = task.batch(reference, arena, Task.Split.TEST, RngStream.of(0, "test"), 0, 1);
            double[] tokens = new double[3 * 4];
            reference.copyToHost(expected.input().value(), tokens);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(tokens, 4 * i, 4 * i + 4), prompt[i], 0);
            }
        }
        assertEquals(0, reference.liveBuffers());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.toJson());
        assertTrue(json.containsKey("artifacts"));

        RunRecord plain = FIXTURES.run(quick().cap(16 * 10).build());
        assertTrue(plain.artifacts().isEmpty());
        assertFalse(((Map<?, ?>) Json.parse(plain.toJson())).containsKey("artifacts"));
    }
}
