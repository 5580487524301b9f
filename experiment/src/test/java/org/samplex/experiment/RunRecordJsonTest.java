package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.experiment.Fixtures.AFFINE;
import static org.samplex.experiment.Fixtures.TOY;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samplex.experiment.RunRecord.Status;

class RunRecordJsonTest {
    @RegisterExtension
    static final Fixtures FIXTURES = new Fixtures();

    private static RunSpecBuilder quick() {
        return RunSpec.builder("affine", "toy").batch(16).checkEvery(5).testSize(300).learningRate(0.05)
                .weightDecay(0).cap(16 * 200).backend("reference").threads(1);
    }

    /** Every component equal; the spec up to option number types, which resolving restores. */
    private static void assertSameRecord(RunRecord expected, RunRecord actual) {
        assertEquals(Json.canonical(expected.spec().toMap()), Json.canonical(actual.spec().toMap()));
        assertEquals(expected.spec(), OnlineProtocol.resolve(actual.spec(), AFFINE, TOY));
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.crossings(), actual.crossings());
        assertEquals(expected.curve(), actual.curve());
        assertEquals(expected.steps(), actual.steps());
        assertEquals(expected.promptsSeen(), actual.promptsSeen());
        assertEquals(expected.trainSeconds(), actual.trainSeconds());
        assertEquals(expected.evalSeconds(), actual.evalSeconds());
        assertEquals(expected.backend(), actual.backend());
        assertEquals(expected.threads(), actual.threads());
        assertEquals(expected.parameterCount(), actual.parameterCount());
        assertEquals(expected.provenance(), actual.provenance());
        assertEquals(expected.artifacts().keySet(), actual.artifacts().keySet());
        for (String name : expected.artifacts().keySet()) {
            assertArrayEquals(expected.artifacts().get(name), actual.artifacts().get(name), name);
        }
        assertEquals(expected.toJson(), actual.toJson());
    }

    @Test
    void aRecordReadBackFromItsJsonIsTheRecordWritten() {
        RunRecord completed = FIXTURES.run(quick().thresholds(0.5, 0.1).inspect(true).trainSet(100L).build());
        assertEquals(Status.COMPLETED, completed.status());
        assertFalse(completed.artifacts().isEmpty());
        assertSameRecord(completed, RunRecord.fromJson(completed.toJson()));

        RunRecord censored = FIXTURES.run(quick().cap(320).thresholds(10.0, 1e-30).build());
        assertEquals(Status.CENSORED, censored.status());
        assertSameRecord(censored, RunRecord.fromJson(censored.toJson()));
    }

    @Test
    void aDivergedRecordReadsBackWithNaNWhereJsonHasNull() {
        RunRecord diverged = FIXTURES.run(quick().taskOption("scale", "1e200").thresholds(0.5).build());
        assertEquals(Status.DIVERGED, diverged.status());
        RunRecord back = RunRecord.fromJson(diverged.toJson());
        assertTrue(Double.isNaN(back.curve().getFirst().trainLoss()), "an overflowed loss has no JSON number");
        assertEquals(diverged.crossings(), back.crossings());
        assertEquals(diverged.toJson(), back.toJson());
    }

    @Test
    void aSpecReadBackFromItsMapIsTheSpec() {
        RunSpec plain = RunSpec.builder("transformer", "qstr").learnerOption("heads", 2).learnerOption("rate", 0.25)
                .learnerOption("kind", "full").learnerOption("flag", true).taskOption("N", 8).taskSeed(3).seed(9)
                .batch(32).learningRate(3e-4).weightDecay(0.01).betas(0.8, 0.99).eps(1e-7).checkEvery(7)
                .testSize(500).cap(12_800).thresholds(0.7, 0.02).backend("cpu").threads(2).build();
        assertEquals(plain, RunSpec.fromMap(plain.toMap()));
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(Json.canonical(plain.toMap()));
        assertEquals(plain, RunSpec.fromMap(parsed), "from its JSON too");

        RunSpec special = plain.toBuilder().inspect(true).trainSet(50_000L).checkEvery(null).build();
        assertEquals(special, RunSpec.fromMap(special.toMap()));
        assertEquals(true, special.toMap().get("inspect"));
        assertEquals(50_000L, special.toMap().get("train_set"));
    }

    @Test
    void theNewOptionsLeaveEarlierRunKeysAlone() {
        RunSpec plain = quick().thresholds(0.1).build();
        assertFalse(plain.toMap().containsKey("inspect"));
        assertFalse(plain.toMap().containsKey("train_set"));
        assertFalse(plain.inspect());
        assertEquals(null, plain.trainSet());
        assertNotEquals(Json.canonical(plain.toMap()), Json.canonical(plain.toBuilder().inspect(true).build().toMap()));
        var bad = assertThrows(IllegalArgumentException.class, () -> quick().thresholds(0.1).trainSet(0L).build());
        assertTrue(bad.getMessage().contains("'train-set'"), bad.getMessage());
    }

    @Test
    void damagedJsonIsRejectedNamingTheKey() {
        RunRecord r = FIXTURES.run(quick().cap(160).thresholds(10.0).build());
        String json = r.toJson();
        var missing = assertThrows(IllegalArgumentException.class,
                () -> RunRecord.fromJson(json.replace("\"prompts_seen\"", "\"prompts_sen\"")));
        assertTrue(missing.getMessage().contains("'prompts_seen'"), missing.getMessage());
        var status = assertThrows(IllegalArgumentException.class,
                () -> RunRecord.fromJson(json.replace("\"completed\"", "\"finished\"")));
        assertTrue(status.getMessage().contains("'status'"), status.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunRecord.fromJson("[1, 2]"));
        var type = assertThrows(IllegalArgumentException.class,
                () -> RunSpec.fromMap(Map.of("learner", 3, "task", "qstr")));
        assertTrue(type.getMessage().contains("'learner'"), type.getMessage());
        assertEquals(List.of(10.0), RunRecord.fromJson(json).spec().thresholds());
    }
}
