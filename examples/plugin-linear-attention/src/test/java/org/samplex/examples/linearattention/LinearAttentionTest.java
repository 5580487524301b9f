package org.samplex.examples.linearattention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.testkit.Fixtures.TINY;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.testkit.Fixtures;
import org.samplex.testkit.conformance.LearnerChecks;

/** The checks every learner passes (README "Adding a learner"), here for a plug-in. */
class LinearAttentionTest {
    private static final int BATCH = 2;

    private final LearnerProvider provider = new LinearAttentionProvider();

    private Config config(String featureMap) {
        return provider.schema().validate(Map.of("features", 5, "mlp-width", 4, "feature-map", featureMap));
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertEquals(LinearAttentionProvider.class, Services.discover().learner("linear-attention").getClass());
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        // sigmoid features are smooth everywhere; ReLU's kink is met with probability 0 at random inputs
        for (String phi : new String[] {"sigmoid", "relu"}) {
            double worst = LearnerChecks.maxGradientError(provider, TINY, config(phi), BATCH, 11);
            assertTrue(worst < 1e-6, phi + ": max relative error " + worst);
        }
    }

    @Test
    void cpuMatchesReferenceAfterThreeAdamWSteps() {
        var ref = LearnerChecks.afterSteps("reference", 1, provider, TINY, config("relu"), BATCH, 3, 5);
        var cpu = LearnerChecks.afterSteps("cpu", 2, provider, TINY, config("relu"), BATCH, 3, 5);
        // float32 rounding of short sums (u = 6e-8 per term) amplified by Adam's normalization where a gradient is
        // near 0, as for the built-in learners; a wrong stride or transpose gives O(1) differences
        assertEquals(ref.loss(), cpu.loss(), 1e-4 * ref.loss());
        double diff = LearnerChecks.relativeDifference(cpu.grads(), ref.grads());
        assertTrue(diff < 1e-4, "relative gradient difference " + diff);
    }

    @Test
    void sameSeedGivesTheSameParametersAndDefaultsFollowTheSchema() {
        try (Backend be = Fixtures.open("cpu", 1);
             Learner a = provider.create(TINY, config("relu"), be, 9);
             Learner b = provider.create(TINY, config("relu"), be, 9);
             Learner c = provider.create(TINY, provider.schema().defaults(), be, 9)) {
            assertArrayEquals(a.parameters().valuesToHost(), b.parameters().valuesToHost());
            assertEquals(32 * 4, c.parameters().get("attn.q.weight").size(), "F = 32 features by default");
            assertEquals(100 * 4, c.parameters().get("mlp.fc1.weight").size());
        }
    }

    @Test
    void badValuesAreRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> provider.schema().validate(Map.of("feature-map", "softmax")));
        assertTrue(e.getMessage().contains("'feature-map'") && e.getMessage().contains("relu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> provider.schema().validate(Map.of("features", 0)));
        assertTrue(e.getMessage().contains("'features'"), e.getMessage());
    }

    @Test
    void aFailedInitializationClosesTheParameters() {
        var seen = LearnerChecks.failedInitialization(provider, TINY, config("relu"));
        assertInstanceOf(IllegalStateException.class, seen.thrown());
        assertTrue(seen.allocated() > 0);
        assertEquals(0, seen.unclosed(), "every slab allocated is closed");
    }
}
