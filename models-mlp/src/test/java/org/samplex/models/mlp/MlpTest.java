package org.samplex.models.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.testkit.Fixtures.TINY;
import static org.samplex.testkit.Fixtures.open;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.testkit.conformance.LearnerChecks;

class MlpTest {
    private static final int BATCH = 2;

    private final Services services = Services.discover();
    private final LearnerProvider provider = services.learner("mlp");
    private final Config tiny = provider.schema().validate(Map.of("width1", 5, "width2", 4));

    @Test
    void shapesFollowThePaperByDefault() {
        try (Backend be = open("reference");
             Learner m = provider.create(new TaskShape(6, 30, 10, 1), provider.schema().defaults(), be, 1)) {
            assertEquals(60 * 180, m.parameters().get("fc1.weight").size()); // (N*d*q, N*D)
            assertEquals(1000 * 60, m.parameters().get("fc2.weight").size());
            assertEquals(6 * 1000, m.parameters().get("fc3.weight").size());
            double bound = 1 / Math.sqrt(180);
            double[] w = m.parameters().valuesToHost();
            long slot = m.parameters().slot("fc1.weight").size();
            double max = 0;
            for (int i = 0; i < slot; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            assertTrue(max <= bound && max > 0.95 * bound, "fc1 weights within U(-1/sqrt(180), 1/sqrt(180)): " + max);
        }
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        double worst = LearnerChecks.maxGradientError(provider, TINY, tiny, BATCH, 11);
        assertTrue(worst < 1e-6, "max relative error " + worst);
    }

    @Test
    void cpuMatchesReferenceAfterThreeAdamWSteps() {
        var ref = LearnerChecks.afterSteps("reference", 1, provider, TINY, tiny, BATCH, 3, 5);
        var cpu = LearnerChecks.afterSteps("cpu", 2, provider, TINY, tiny, BATCH, 3, 5);
        // float32 rounding (u = 6e-8) of ~20-term sums gives ~1e-6 relative error per step; Adam's normalization
        // can amplify it where a gradient is near 0, so allow 1e-4 (a wrong kernel gives O(1) differences).
        assertEquals(ref.loss(), cpu.loss(), 1e-4 * ref.loss());
        double diff = LearnerChecks.relativeDifference(cpu.grads(), ref.grads());
        assertTrue(diff < 1e-4, "relative gradient difference " + diff);
    }

    @Test
    void sameSeedSameBackendGivesIdenticalParameters() {
        try (Backend be = open("cpu"); Learner a = provider.create(TINY, tiny, be, 9);
             Learner b = provider.create(TINY, tiny, be, 9); Learner c = provider.create(TINY, tiny, be, 10)) {
            assertArrayEquals(a.parameters().valuesToHost(), b.parameters().valuesToHost());
            assertTrue(a.parameters().valuesToHost()[0] != c.parameters().valuesToHost()[0]);
        }
    }

    @Test
    void badWidthIsRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> provider.schema().validate(Map.of("width2", 0)));
        assertTrue(e.getMessage().contains("'width2'"), e.getMessage());
    }

    @Test
    void aFailedInitializationClosesTheParameters() {
        var seen = LearnerChecks.failedInitialization(provider, TINY, tiny);
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, seen.thrown());
        assertEquals("fill refused", e.getMessage());
        assertTrue(seen.allocated() > 0);
        assertEquals(0, seen.unclosed(), "every slab allocated is closed");
    }
}
