package org.samplex.experiment.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.experiment.Json;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;

class BenchTest {

    private static final Services SERVICES = Services.discover();

    private static RunSpecBuilder spec() {
        return RunSpec.builder("mix", "sum").batch(8).checkEvery(5).testSize(3000).learningRate(1e-2)
                .cap(8 * 400).thresholds(0.5).backend("reference").threads(1);
    }

    @Test
    void aMeasurementReportsThroughputAndSharesThatAddUp() {
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1))) {
            BenchResult r = Bench.measure(spec().taskOption("N", 2).build(), BenchFixtures.MIX, BenchFixtures.SUM,
                    reference, new BenchSettings(2, 3, 3, false));
            assertEquals(0, reference.liveBuffers(), "every buffer is closed");
            assertEquals("mix", r.learner());
            assertEquals(2, r.positions());
            assertEquals(8, r.batch());
            assertEquals(5, r.checkEvery());
            assertEquals(3000, r.testSize());
            assertTrue(r.stepsPerSecond() > 0 && Double.isFinite(r.stepsPerSecond()), r.toString());
            assertEquals(r.stepsPerSecond() * 8, r.promptsPerSecond(), 1e-9 * r.promptsPerSecond());
            assertEquals(1000 / r.stepsPerSecond(), r.msPerStep(), 1e-9 * r.msPerStep());
            assertTrue(r.evalSeconds() > 0);

            assertEquals(KernelFamily.values().length, r.shares().size());
            double sum = r.shares().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(100, sum, 1e-9, r.shares().toString());
            r.shares().forEach((f, share) -> assertTrue(share >= 0, f + " " + share));
            for (KernelFamily f : List.of(KernelFamily.GEMM, KernelFamily.ATTENTION, KernelFamily.RECURRENCE,
                    KernelFamily.POINTWISE, KernelFamily.OPTIMIZER, KernelFamily.DATA)) {
                assertTrue(r.calls().get(f) > 0, "a step calls " + f);
            }
            assertEquals(1.0, r.calls().get(KernelFamily.OPTIMIZER), "one AdamW update per step");
            assertNull(r.run());

            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(Json.write(r.toMap()));
            assertEquals("mix", json.get("learner"));
            assertEquals(3L, ((Number) json.get("steps")).longValue());
            assertEquals(KernelFamily.values().length, ((Map<?, ?>) json.get("shares_percent")).size());
        }
    }

    @Test
    void withoutAProfileThereAreNoShares() {
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1))) {
            BenchResult r = Bench.measure(spec().build(), BenchFixtures.MIX, BenchFixtures.SUM, reference,
                    new BenchSettings(0, 2, 0, false));
            assertTrue(r.shares().isEmpty());
            assertTrue(r.calls().isEmpty());
            assertTrue(Double.isNaN(r.profiledMsPerStep()));
        }
    }

    @Test
    void timeToThresholdIsTheProtocolsOwnRun() {
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1))) {
            RunSpec spec = spec().build();
            BenchResult r = Bench.measure(spec, BenchFixtures.MIX, BenchFixtures.SUM, reference,
                    new BenchSettings(1, 2, 1, true));
            RunRecord direct = OnlineProtocol.run(spec, BenchFixtures.MIX, BenchFixtures.SUM, reference,
                    ProgressListener.NONE);
            assertNotNull(r.run());
            assertEquals(direct.crossings(), r.run().crossings(), "same seed, same protocol, same n*");
            assertEquals(direct.steps(), r.run().steps());
            @SuppressWarnings("unchecked")
            Map<String, Object> toThreshold = (Map<String, Object>) r.toMap().get("to_threshold");
            assertEquals(direct.status().label(), toThreshold.get("status"));
            assertEquals(direct.crossings().getLast().nStar(), toThreshold.get("n_star"));
        }
    }

    @Test
    void aReplayedBenchProfilesTheKernelsOfAStepAfresh() {
        // the mix learner is replayable: the bench captures its first step and replays it through the timed
        // backend, so the profile sees the same kernel calls per step as steps run afresh (data aside: the toy
        // task's refill draws into a scratch arena and copies)
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1))) {
            BenchSettings settings = new BenchSettings(2, 3, 4, false);
            BenchResult replayed = Bench.measure(spec().build(), BenchFixtures.MIX, BenchFixtures.SUM, reference,
                    settings);
            BenchResult afresh = Bench.measure(spec().learnerOption("replayable", false).build(), BenchFixtures.MIX,
                    BenchFixtures.SUM, reference, settings);
            for (KernelFamily f : List.of(KernelFamily.GEMM, KernelFamily.ATTENTION, KernelFamily.RECURRENCE,
                    KernelFamily.POINTWISE, KernelFamily.OPTIMIZER)) {
                assertTrue(replayed.calls().get(f) > 0, "a replayed step calls " + f);
                assertEquals(afresh.calls().get(f), replayed.calls().get(f), f.toString());
            }
            assertTrue(replayed.calls().get(KernelFamily.DATA) > 0, "the refill is data");
            assertEquals(0, reference.liveBuffers(), "every buffer is closed");
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BenchSettings(0, 0, 0,
                false));
        assertTrue(e.getMessage().contains("'steps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BenchSettings(-1, 5, 0, false));
        assertTrue(e.getMessage().contains("'warmup-steps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BenchSettings(0, 5, -2, false));
        assertTrue(e.getMessage().contains("'profile-steps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BenchSettings(0, 5, 0, false, Double.NaN));
        assertTrue(e.getMessage().contains("'warmup-seconds'"), e.getMessage());
    }
}
